"""A pymemcache client for the scale-out tests, driven line by line so that its state (open
connections, HashClient's dead-server bookkeeping) lives on while the test kills servers.

usage: scaleout_client.py proxy HOST:PORT
         one pymemcache Client talking to a proxy (twemproxy) that shards for it
       scaleout_client.py hash [--ignore-exc] [--retry-attempts N] [--retry-timeout S]
                               [--dead-timeout S] HOST:PORT HOST:PORT ...
         pymemcache's HashClient, sharding on the client side

Reads one command a line on standard input and answers each with one JSON line:
  set PREFIX N   sets PREFIX-0 .. PREFIX-(N-1), each to value-of-<key>, waiting for the reply
                 -> {"stored": [keys], "not_stored": [keys], "errors": {key: "Type: message"}}
  get PREFIX N   gets the same keys
                 -> {"hits": [keys], "misses": [keys], "wrong": [keys], "errors": {...}}
  quit
In hash mode each answer also has "routed": {key: "host:port"}, the server HashClient chose for
the key just before the call ("" when it had none left).
"""
import json
import sys

from pymemcache.client.base import Client
from pymemcache.client.hash import HashClient

TIMEOUT = 2


def address(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


def make_client(argv):
    mode = argv[0]
    if mode == "proxy":
        return Client(address(argv[1]), connect_timeout=TIMEOUT, timeout=TIMEOUT), None
    if mode != "hash":
        raise SystemExit(__doc__)
    options = {"ignore_exc": False, "retry_attempts": 2, "retry_timeout": 1, "dead_timeout": 60}
    servers = []
    args = list(argv[1:])
    while args:
        arg = args.pop(0)
        if arg == "--ignore-exc":
            options["ignore_exc"] = True
        elif arg == "--retry-attempts":
            options["retry_attempts"] = int(args.pop(0))
        elif arg == "--retry-timeout":
            options["retry_timeout"] = float(args.pop(0))
        elif arg == "--dead-timeout":
            options["dead_timeout"] = float(args.pop(0))
        else:
            servers.append(address(arg))
    client = HashClient(servers, connect_timeout=TIMEOUT, timeout=TIMEOUT, **options)
    return client, client.hasher


def value_of(key):
    return ("value-of-" + key).encode("ascii")


def run(client, hasher, command, prefix, n):
    keys = ["%s-%d" % (prefix, i) for i in range(n)]
    answer = {"errors": {}}
    if hasher is not None:
        answer["routed"] = {}
    if command == "set":
        answer.update(stored=[], not_stored=[])
    else:
        answer.update(hits=[], misses=[], wrong=[])
    for key in keys:
        if hasher is not None:
            # What the call will use: _get_client first puts back servers whose dead_timeout
            # is over (as the call itself would), then asks the hasher.
            chosen = client._get_client(key)
            answer["routed"][key] = "" if chosen is None else "%s:%s" % chosen.server
        try:
            if command == "set":
                ok = client.set(key, value_of(key), noreply=False)
                answer["stored" if ok else "not_stored"].append(key)
            else:
                value = client.get(key)
                if value is None:
                    answer["misses"].append(key)
                elif value == value_of(key):
                    answer["hits"].append(key)
                else:
                    answer["wrong"].append(key)
        except Exception as e:  # the test asserts on what failed and how
            answer["errors"][key] = "%s: %s" % (type(e).__name__, e)
    return answer


def main():
    client, hasher = make_client(sys.argv[1:])
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] not in ("set", "get") or len(words) != 3:
            answer = {"error": "unknown command: " + line.strip()}
        else:
            answer = run(client, hasher, words[0], words[1], int(words[2]))
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
