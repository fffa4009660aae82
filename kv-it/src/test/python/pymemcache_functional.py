"""Every command pymemcache's Client exposes, against a server.

usage: pymemcache_functional.py HOST PORT
"""
import sys
import threading
import unittest

from pymemcache.client.base import Client
from pymemcache.exceptions import MemcacheClientError, MemcacheIllegalInputError, MemcacheUnknownCommandError, MemcacheServerError

HOST, PORT = sys.argv[1], int(sys.argv[2])


def client(**kwargs):
    return Client((HOST, PORT), connect_timeout=5, timeout=10, **kwargs)


class PymemcacheFunctional(unittest.TestCase):
    def setUp(self):
        self.c = client()
        # pymemcache sends without waiting (default_noreply=True) unless told otherwise; a test
        # that goes on over another connection must know the flush is done first.
        self.assertTrue(self.c.flush_all(noreply=False))
        self.addCleanup(self.c.close)

    def test_set_get_and_many(self):
        c = self.c
        self.assertTrue(c.set("k", b"v"))
        self.assertEqual(b"v", c.get("k"))
        self.assertIsNone(c.get("absent"))
        self.assertEqual([], c.set_many({"a": b"1", "b": b"2", "c": b"3"}))
        self.assertEqual({"a": b"1", "b": b"2", "c": b"3"}, c.get_many(["a", "b", "c", "absent"]))
        self.assertEqual({"a": b"1"}, c.get_multi(["a"]))
        self.assertEqual([], c.set_multi({"d": b"4"}))

    def test_flags_and_binary_values(self):
        c = self.c
        value = bytes(range(256)) + b"\r\nEND\r\n"
        c.set("bin", value, flags=0xFFFFFFFF)
        self.assertEqual(value, c.get("bin"))

    def test_add_replace_append_prepend(self):
        c = self.c
        self.assertTrue(c.add("k", b"a", noreply=False))
        self.assertFalse(c.add("k", b"b", noreply=False))
        self.assertTrue(c.replace("k", b"c", noreply=False))
        self.assertFalse(c.replace("absent", b"c", noreply=False))
        self.assertTrue(c.append("k", b"-end", noreply=False))
        self.assertTrue(c.prepend("k", b"start-", noreply=False))
        self.assertEqual(b"start-c-end", c.get("k"))
        self.assertFalse(c.append("absent", b"x", noreply=False))
        self.assertFalse(c.prepend("absent", b"x", noreply=False))

    def test_gets_and_cas(self):
        c = self.c
        c.set("k", b"1")
        value, token = c.gets("k")
        self.assertEqual(b"1", value)
        self.assertTrue(c.cas("k", b"2", token, noreply=False))
        self.assertFalse(c.cas("k", b"3", token, noreply=False))
        self.assertIsNone(c.cas("absent", b"3", token, noreply=False))
        value, token2 = c.gets("k")
        self.assertEqual(b"2", value)
        self.assertNotEqual(token, token2)
        many = c.gets_many(["k", "absent"])
        self.assertEqual({"k": (b"2", token2)}, many)

    def test_delete(self):
        c = self.c
        c.set_many({"a": b"1", "b": b"2"})
        self.assertTrue(c.delete("a", noreply=False))
        self.assertFalse(c.delete("a", noreply=False))
        self.assertTrue(c.delete_many(["b", "absent"], noreply=False))
        self.assertTrue(c.delete_multi(["x"]))
        self.assertEqual({}, c.get_many(["a", "b"]))

    def test_incr_decr(self):
        c = self.c
        c.set("n", b"10")
        self.assertEqual(15, c.incr("n", 5, noreply=False))
        self.assertEqual(5, c.decr("n", 10, noreply=False))
        self.assertEqual(0, c.decr("n", 100, noreply=False))
        c.set("max", b"18446744073709551615")
        self.assertEqual(0, c.incr("max", 1, noreply=False))
        self.assertIsNone(c.incr("absent", 1, noreply=False))
        self.assertIsNone(c.decr("absent", 1, noreply=False))
        c.set("text", b"abc")
        with self.assertRaises(MemcacheClientError):
            c.incr("text", 1, noreply=False)

    def test_touch(self):
        c = self.c
        c.set("k", b"v", expire=100)
        self.assertTrue(c.touch("k", 200, noreply=False))
        self.assertFalse(c.touch("absent", 200, noreply=False))
        c.set("gone", b"v", expire=-1)
        self.assertIsNone(c.get("gone"))

    def test_noreply_is_the_default_and_stays_in_sync(self):
        c = client(default_noreply=True)
        try:
            for i in range(200):
                c.set("nr%d" % i, b"x")
            c.delete("nr0")
            self.assertIsNone(c.get("nr0"))
            self.assertEqual(b"x", c.get("nr199"))
        finally:
            c.close()

    def test_stats_version_memlimit(self):
        c = self.c
        c.set("k", b"v")
        c.get("k")
        stats = c.stats()
        for field in [b"pid", b"uptime", b"curr_connections", b"total_connections", b"cmd_get",
                      b"cmd_set", b"get_hits", b"get_misses", b"curr_items", b"bytes",
                      b"limit_maxbytes", b"evictions", b"threads", b"version"]:
            self.assertIn(field, stats)
        self.assertGreaterEqual(stats[b"get_hits"], 1)
        settings = c.stats("settings")
        self.assertIn(b"item_size_max", settings)
        self.assertTrue(c.version())
        self.assertTrue(c.cache_memlimit(100))

    def test_flush_all_and_quit(self):
        c = self.c
        c.set("k", b"v")
        self.assertTrue(c.flush_all(noreply=False))
        self.assertIsNone(c.get("k"))
        c.quit()
        self.assertIsNone(c.get("k"))  # reconnects by itself

    def test_shutdown_is_refused_as_memcached_without_dash_a(self):
        with self.assertRaises((MemcacheUnknownCommandError, MemcacheServerError, MemcacheClientError)):
            self.c.shutdown()
        self.assertTrue(self.c.set("alive", b"1"))

    def test_bad_keys_are_refused_by_the_client(self):
        with self.assertRaises(MemcacheIllegalInputError):
            self.c.set("x" * 251, b"v")
        self.assertTrue(self.c.set("x" * 250, b"v"))
        self.assertEqual(b"v", self.c.get("x" * 250))

    def test_concurrent_clients(self):
        errors = []

        def work(n):
            c = client()
            try:
                for i in range(100):
                    key = "t%d-%d" % (n, i)
                    c.set(key, str(i).encode())
                    if c.get(key) != str(i).encode():
                        errors.append(key)
                    c.incr("counter", 1)
            except Exception as e:  # noqa: BLE001 - report any failure of any client
                errors.append(repr(e))
            finally:
                c.close()

        self.assertTrue(self.c.set("counter", b"0", noreply=False))
        threads = [threading.Thread(target=work, args=(n,)) for n in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual([], errors)
        self.assertEqual(b"2000", self.c.get("counter"))


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)
