"""A standard-library stand-in for the Python ``speicher`` client (0.1.0).

It behaves as the real client does on the wire and in its results, so the tests need nothing
installed: each request is a JSON object in a frame with a 4-byte signed big-endian length;
the response header is read with a single ``recv(4)`` (so a server must send header and body
together); 404 reads as ``None``/``False``, other 4xx raise ClientError, 5xx ServerError.
"""
import json
import socket
import struct

OK = 200
NOT_FOUND = 404
LENGTH = struct.Struct("!i")
MAX_READ = 1000000


class SpeicherError(Exception):
    pass


class ConnectionError_(SpeicherError):
    pass


class MalformedReply(SpeicherError):
    pass


class ClientError(SpeicherError):
    def __init__(self, message, status_code):
        super().__init__(message)
        self.status_code = status_code


class ServerError(SpeicherError):
    def __init__(self, message, status_code):
        super().__init__(message)
        self.status_code = status_code


class Speicher:
    def __init__(self, host=None, port=None, timeout=None):
        self.host = host or "localhost"
        self.port = port or 14567
        self.timeout = timeout or 10.0
        self._sock = None
        self.last_reply = None

    def _connect(self):
        if self._sock is None:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect((self.host, self.port))
            self._sock = sock

    def _recv(self, n):
        chunk = self._sock.recv(n)
        if not chunk:
            raise ConnectionError_("end of file")
        return chunk

    def _read(self):
        header = self._recv(LENGTH.size)
        if len(header) != LENGTH.size:
            raise ConnectionError_("length header came in %d bytes, not in one recv" % len(header))
        (length,) = LENGTH.unpack(header)
        if length <= 0:
            raise ConnectionError_("packet length should be positive")
        parts = []
        while length > 0:
            chunk = self._recv(min(length, MAX_READ))
            parts.append(chunk)
            length -= len(chunk)
        return json.loads(b"".join(parts).decode("utf-8"))

    @staticmethod
    def frame(request):
        payload = json.dumps(request).encode("utf-8")
        return LENGTH.pack(len(payload)) + payload

    def _execute(self, command, **fields):
        self._connect()
        try:
            self._sock.sendall(self.frame(dict(command=command, **fields)))
            reply = self._read()
        except (OSError, socket.timeout) as e:
            self.close()
            raise ConnectionError_(str(e))
        self.last_reply = reply
        if not isinstance(reply, dict):
            raise MalformedReply("reply is not a dictionary")
        if "status_code" not in reply:
            raise MalformedReply("no status_code in reply")
        code = reply["status_code"]
        if 400 <= code <= 499:
            raise ClientError("Client Error %d" % code, code)
        if 500 <= code <= 599:
            raise ServerError("Server Error %d" % code, code)
        if code != OK:
            raise MalformedReply("unsupported status code %r" % code)
        return reply

    @staticmethod
    def _key(key):
        if isinstance(key, bytes):
            key = key.decode("utf-8")
        if not key:
            raise ValueError("Key should not be empty.")
        if not isinstance(key, str):
            raise TypeError("Key %r is not string." % (key,))
        return key

    def set(self, key, value):
        if value is None:
            self.delete(key)
        else:
            self._execute("SET", key=self._key(key), value=value)

    def get(self, key):
        try:
            reply = self._execute("GET", key=self._key(key))
        except ClientError as e:
            if e.status_code == NOT_FOUND:
                return None
            raise
        if "value" not in reply:
            raise MalformedReply("no value in reply")
        return reply["value"]

    def delete(self, key):
        try:
            self._execute("DEL", key=self._key(key))
        except ClientError as e:
            if e.status_code == NOT_FOUND:
                return False
            raise
        return True

    def reset(self):
        self._execute("RST")

    def close(self):
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None
