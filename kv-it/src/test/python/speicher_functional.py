"""Functional checks of a speicherd server through the speicher client.

usage: speicher_functional.py HOST PORT
Exits 0 when every check passes; prints unittest's report either way.
"""
import json
import socket
import struct
import sys
import threading
import unittest

from speicher_client import ClientError, Speicher

HOST, PORT = sys.argv[1], int(sys.argv[2])


class SpeicherFunctional(unittest.TestCase):
    def setUp(self):
        self.client = Speicher(HOST, PORT)
        self.client.reset()
        self.addCleanup(self.client.close)

    def test_set_get_delete_reset(self):
        c = self.client
        self.assertIsNone(c.get("foo"))
        c.set("foo", "bar")
        self.assertEqual("bar", c.get("foo"))
        self.assertEqual(200, c.last_reply["status_code"])
        c.set("foo", "baz")
        self.assertEqual("baz", c.get("foo"))
        self.assertTrue(c.delete("foo"))
        self.assertFalse(c.delete("foo"))
        self.assertIsNone(c.get("foo"))
        c.set("a", 1)
        c.set("b", 2)
        c.reset()
        self.assertIsNone(c.get("a"))
        self.assertIsNone(c.get("b"))

    def test_set_none_deletes(self):
        self.client.set("foo", "bar")
        self.client.set("foo", None)
        self.assertFalse(self.client.delete("foo"))

    def test_every_json_type_round_trips(self):
        values = [
            "", "text", 0, -1, 42, 3.5, -0.25, 1e100, 10 ** 20, -(10 ** 30), True, False,
            [], [1, "two", [3.0], {"four": None}], {}, {"a": {"b": [True, None]}, "c": "d"},
        ]
        for i, value in enumerate(values):
            key = "k%d" % i
            self.client.set(key, value)
            got = self.client.get(key)
            self.assertEqual(value, got, "value %r came back as %r" % (value, got))
            self.assertEqual(type(value), type(got))

    def test_null_value_is_a_value_on_the_wire(self):
        # The client turns set(k, None) into a delete, so send a raw SET with a null value.
        self.client._execute("SET", key="n", value=None)
        self.assertIsNone(self.client.get("n"))
        self.assertIn("value", self.client.last_reply)
        self.assertTrue(self.client.delete("n"))

    def test_numbers_keep_their_exact_text(self):
        s = socket.create_connection((HOST, PORT), timeout=10)
        try:
            for text in ["100000000000000000000", "1e+100", "-0.0", "12345678901234567890.5"]:
                body = ('{"command":"SET","key":"num","value":%s}' % text).encode()
                s.sendall(struct.pack("!i", len(body)) + body)
                self.assertEqual(200, read_reply(s)["status_code"])
                body = b'{"command":"GET","key":"num"}'
                s.sendall(struct.pack("!i", len(body)) + body)
                raw = read_raw(s)
                self.assertIn(b'"value":' + text.encode(), raw)
        finally:
            s.close()

    def test_unicode_keys_and_values(self):
        cases = {
            "ключ": "значение",
            "键": "值",
            "emoji \U0001F600": "outside the BMP: \U0001F680 \U00010348",
            "mixed\u00e9\u0301": ["\u00fc", {"\U0001F4A9": "\u2603"}],
            "quote\"back\\slash": "tab\tnewline\ncontrol\u0001",
        }
        for key, value in cases.items():
            self.client.set(key, value)
        for key, value in cases.items():
            self.assertEqual(value, self.client.get(key))

    def test_two_megabyte_value(self):
        value = "x" * (2 * 1024 * 1024)
        self.client.set("big", value)
        self.assertEqual(value, self.client.get("big"))
        nested = [{"i": i, "s": "y" * 100} for i in range(15000)]
        self.client.set("big-list", nested)
        self.assertEqual(nested, self.client.get("big-list"))

    def test_pipelined_requests_are_answered_in_order(self):
        s = socket.create_connection((HOST, PORT), timeout=10)
        try:
            n = 500
            batch = b"".join(
                Speicher.frame({"command": "SET", "key": "p%d" % i, "value": i}) for i in range(n))
            batch += b"".join(
                Speicher.frame({"command": "GET", "key": "p%d" % i}) for i in range(n))
            batch += Speicher.frame({"command": "GET", "key": "missing"})
            s.sendall(batch)
            for i in range(n):
                self.assertEqual({"status_code": 200}, read_reply(s))
            for i in range(n):
                self.assertEqual({"status_code": 200, "value": i}, read_reply(s))
            self.assertEqual(404, read_reply(s)["status_code"])
        finally:
            s.close()

    def test_hundred_concurrent_clients(self):
        errors = []

        def work(n):
            c = Speicher(HOST, PORT)
            try:
                for i in range(50):
                    key = "c%d-%d" % (n, i)
                    c.set(key, {"client": n, "i": i})
                    if c.get(key) != {"client": n, "i": i}:
                        errors.append("wrong value for " + key)
                    if not c.delete(key):
                        errors.append("delete failed for " + key)
            except Exception as e:  # noqa: BLE001 - report any failure of any client
                errors.append("client %d: %r" % (n, e))
            finally:
                c.close()

        threads = [threading.Thread(target=work, args=(n,)) for n in range(100)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual([], errors)

    def test_wrong_requests_are_client_errors(self):
        c = self.client
        for command, fields in [("UNKNOWN", {}), ("GET", {}), ("DELETE", {}), ("SET", {"key": "k"}),
                                ("get", {"key": "k"}), ("SET", {"key": 5, "value": 1})]:
            with self.assertRaises(ClientError) as caught:
                c._execute(command, **fields)
            self.assertEqual(400, caught.exception.status_code, command)
            self.assertIsInstance(c.last_reply.get("error"), str)
        c.set("still", "works")
        self.assertEqual("works", c.get("still"))


def read_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError("server closed the connection")
        data += chunk
    return data


def read_raw(s):
    (length,) = struct.unpack("!i", read_exact(s, 4))
    return read_exact(s, length)


def read_reply(s):
    return json.loads(read_raw(s).decode("utf-8"))


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)
