"""When the slow requests of a fixed-rate run came, and whether a JVM's pauses explain them.

usage: python3 bench/timeline.py TIMELINE [GC_LOG ...]

TIMELINE is what `kv-bench --rate N --timeline FILE` wrote: one measured reply a line, when its
request was due (System.nanoTime) and its latency, in ns. Prints the run's percentiles; how
bunched its slowest 1 % is (in how many windows of WINDOW_MS, 20 by default, half of it falls,
and the worst windows); and, for each GC_LOG, the JVM's safepoints over 1 ms that fall in the
run, the share of the slowest 1 % that they held up, and p99 and p99.9 without the requests
they held up (due from 5 ms before a pause to 60 ms after it: the backlog a pause leaves takes
that long to clear). A GC_LOG must carry the `tn` decoration, which is System.nanoTime's clock:
-Xlog:gc,safepoint:file=F:tn,uptime (on the server, through SPEICHERD_JAVA_OPTS; on the
generator, through LOADGEN_JAVA_OPTS or java's command line). Both must run on one machine.
"""
import collections
import os
import re
import sys

WINDOW_MS = int(os.environ.get("WINDOW_MS", "20"))
HELD_BEFORE_NS = 5_000_000
HELD_AFTER_NS = 60_000_000
PAUSE_MIN_NS = 1_000_000
SAFEPOINT = re.compile(r'\]\[(\d+)ns\].*?Safepoint "([^"]*)".*?Total: (\d+) ns')


def read_timeline(path):
    replies = []
    with open(path) as f:
        for line in f:
            if not line.startswith("#"):
                due, latency = line.split()
                replies.append((int(due), int(latency)))
    if not replies:
        sys.exit(f"{path}: no replies")
    return replies


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


def pauses(path, first_due, last_due):
    """The log's safepoints over 1 ms that ended within the run: (start, end, name), in ns."""
    found = []
    with open(path) as f:
        for line in f:
            m = SAFEPOINT.search(line)
            if m and int(m.group(3)) > PAUSE_MIN_NS:
                end = int(m.group(1))
                if first_due <= end <= last_due + HELD_AFTER_NS:
                    found.append((end - int(m.group(3)), end, m.group(2)))
    return found


def held_up(due, latency, paused):
    return any(start - HELD_BEFORE_NS <= due + latency and due <= end + HELD_AFTER_NS for start, end, _ in paused)


def main(args):
    if not args:
        sys.exit(__doc__)
    replies = read_timeline(args[0])
    latencies = sorted(latency for _, latency in replies)
    p99 = percentile(latencies, 99)
    first = min(due for due, _ in replies)
    last = max(due for due, _ in replies)
    print("%s: %d replies over %.2f s; p50 %d, p99 %d, p99.9 %d, max %d us" % (
        args[0], len(replies), (last - first) / 1e9, percentile(latencies, 50) / 1e3, p99 / 1e3,
        percentile(latencies, 99.9) / 1e3, latencies[-1] / 1e3))

    window_ns = WINDOW_MS * 1_000_000
    slow, total, worst = collections.Counter(), collections.Counter(), {}
    for due, latency in replies:
        w = (due - first) // window_ns
        total[w] += 1
        worst[w] = max(worst.get(w, 0), latency)
        if latency >= p99:
            slow[w] += 1
    slowest = sum(slow.values())
    seen, half = 0, 0
    for w, n in slow.most_common():
        seen += n
        half += 1
        if seen * 2 >= slowest:
            break
    print("slowest 1 %% (>= %d us): %d replies in %d of %d windows of %d ms; half of them in %d windows" % (
        p99 / 1e3, slowest, len(slow), len(total), WINDOW_MS, half))
    for w, n in slow.most_common(5):
        print("  at %6.2f s: %d of %d slow, the longest %.1f ms" % (w * window_ns / 1e9, n, total[w], worst[w] / 1e6))

    for log in args[1:]:
        paused = pauses(log, first, last)
        print("%s: %d pauses over %d ms in the run, %.1f ms in all%s" % (
            log, len(paused), PAUSE_MIN_NS // 1_000_000, sum(e - s for s, e, _ in paused) / 1e6,
            "".join("\n  at %6.2f s: %.1f ms, %s" % ((s - first) / 1e9, (e - s) / 1e6, name) for s, e, name in paused)))
        if paused:
            held = sum(1 for due, latency in replies if latency >= p99 and held_up(due, latency, paused))
            rest = sorted(latency for due, latency in replies if not held_up(due, latency, paused))
            print("  they held up %d %% of the slowest 1 %%; without the requests they held up, p99 %d us, p99.9 %d us" % (
                100 * held / slowest, percentile(rest, 99) / 1e3, percentile(rest, 99.9) / 1e3))


if __name__ == "__main__":
    main(sys.argv[1:])
