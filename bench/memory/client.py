#!/usr/bin/env python3
"""The memcached-protocol client of bench/memory.sh: loads items fast and reads stats.

usage: client.py load HOST PORT ITEMS KEY_BYTES VALUE_BYTES
       client.py stats HOST PORT

load: keys are "key:<i>" padded with '_' to KEY_BYTES, values VALUE_BYTES of one letter (the
items MemoryPerItemBenchmark stores). Sends pipelined "set <key> 0 0 <n> noreply" in large
batches over one socket, then "version" and waits for its answer: a server answers in order,
so by then every set is done. Prints the seconds it took.

stats: prints curr_items and bytes from "stats", space-separated.
"""
import socket
import sys
import time

BATCH = 20_000


def load(s, items, key_bytes, value_bytes):
    values = [bytes([ord("a") + i]) * value_bytes for i in range(26)]
    head = b" 0 0 %d noreply\r\n" % value_bytes
    start = time.monotonic()
    for first in range(0, items, BATCH):
        parts = []
        for i in range(first, min(items, first + BATCH)):
            key = (b"key:%d" % i).ljust(key_bytes, b"_")[:key_bytes]
            parts += (b"set ", key, head, values[i % 26], b"\r\n")
        s.sendall(b"".join(parts))
    answer = ask(s, b"version\r\n", b"\r\n")
    if not answer.startswith(b"VERSION"):
        sys.exit("expected VERSION, got %r (was a set refused?)" % answer[:200])
    print("%.1f" % (time.monotonic() - start))


def stats(s):
    answer = ask(s, b"stats\r\n", b"END\r\n").decode("ascii", "replace")
    found = dict(line.split()[1:3] for line in answer.splitlines() if line.startswith("STAT "))
    print(found.get("curr_items", "?"), found.get("bytes", "?"))


def ask(s, request, end):
    s.sendall(request)
    answer = b""
    while not answer.endswith(end):
        chunk = s.recv(65536)
        if not chunk:
            sys.exit("the server closed the connection; answer so far: %r" % answer[:200])
        answer += chunk
    return answer


def main():
    what, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with socket.create_connection((host, port)) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if what == "load":
            load(s, *map(int, sys.argv[4:7]))
        else:
            stats(s)


if __name__ == "__main__":
    main()
