"""The paired rounds of several bench/compare.sh runs pooled: per case, every run's rounds taken
together, their median ratio speicherd / memcached and its 90 % bootstrap interval.

usage: python3 bench/pool.py OUTPUT...    (files holding what bench/compare.sh printed)

One run's rounds share that hour's host, so they are not independent of one another: read a
pooled interval as a little narrower than it should be.
"""
import collections
import re
import sys

from paired import median_with_interval

ROUNDS = re.compile(r"^(\S+)\s+median .* rounds >= 1\.0: ([\d. ]+)$")


def rounds_of(path):
    """Each case's per-round ratios in one compare.sh output."""
    found = {}
    with open(path) as f:
        for line in f:
            m = ROUNDS.match(line.strip())
            if m:
                found[m.group(1)] = [float(x) for x in m.group(2).split()]
    return found


def main(paths):
    if not paths:
        sys.exit(__doc__)
    pooled = collections.defaultdict(list)
    for path in paths:
        found = rounds_of(path)
        if not found:
            sys.exit("%s: no per-round ratios of bench/compare.sh in it" % path)
        for case, ratios in found.items():
            pooled[case].extend(ratios)
            print("%-14s %-40s median %.3f, 90%% interval %.3f..%.3f (%d rounds)"
                  % (case, path, *median_with_interval(ratios), len(ratios)))
    for case, ratios in pooled.items():
        print("%-14s %-40s median %.3f, 90%% interval %.3f..%.3f (%d rounds, %d >= 1.0)"
              % (case, "pooled", *median_with_interval(ratios), len(ratios), sum(r >= 1 for r in ratios)))


if __name__ == "__main__":
    main(sys.argv[1:])
