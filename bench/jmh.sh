#!/usr/bin/env bash
# JMH microbenchmarks of speicherd's hot paths (kv-bench): memcached parsing and reply writing,
# speicher frame decoding and encoding, MemoryStore get/set from two threads.
#
# usage: bench/jmh.sh [JMH ARGS...]
#   With no arguments runs every benchmark with short settings: 1 fork, 3 warm-up and 5 measured
#   iterations of 1 s each, and the GC profiler for the bytes each operation allocates. Arguments
#   go to JMH after those, e.g. a benchmark regex (bench/jmh.sh Speicher) or a parameter
#   (bench/jmh.sh -p valueBytes=4096). FORKS, WARMUPS, ITERATIONS and TIME override the settings.
# Prints JMH's output to a log and, at the end, one table: ns/op with its error, and B/op.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bench_jar=kv-bench/target/kv-bench.jar
if [[ ! -f $bench_jar ]]; then
  bin/mvn -q -B package -DskipTests -pl kv-bench -am
fi
if [[ -n $(find kv-bench/src/main kv-codec/src/main kv-storage/src/main kv-api/src/main -newer "$bench_jar" -type f -print -quit) ]]; then
  echo "note: $bench_jar is older than the sources it measures; delete it to have it rebuilt" >&2
fi
java=$(bin/jdk)/bin/java
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(uname -r); $("$java" -version 2>&1 | head -1); JMH output in $work/jmh.log while it runs" >&2
"$java" -cp "$bench_jar" org.openjdk.jmh.Main -f "${FORKS:-1}" -wi "${WARMUPS:-3}" -i "${ITERATIONS:-5}" \
  -w "${TIME:-1}s" -r "${TIME:-1}s" -prof gc -rf json -rff "$work/result.json" "$@" >"$work/jmh.log" 2>&1 \
  || { cat "$work/jmh.log"; exit 1; }

echo "machine: $(nproc) cores, $(uname -r); $("$java" -version 2>&1 | head -1)"
echo "JMH: ${FORKS:-1} fork, ${WARMUPS:-3} x ${TIME:-1}s warm-up, ${ITERATIONS:-5} x ${TIME:-1}s measured; ${*:-all benchmarks}"
python3 - "$work/result.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))
print("%-36s %-28s %7s %10s %9s %8s" % ("benchmark", "params", "threads", "ns/op", "error", "B/op"))
for r in results:
    name = r["benchmark"].replace("dev.speicherd.bench.jmh.", "").replace("Benchmark.", ".")
    params = ",".join("%s=%s" % kv for kv in sorted(r.get("params", {}).items()))
    m = r["primaryMetric"]
    error = float(m["scoreError"])  # JMH writes "NaN" when there was one iteration
    error = 0.0 if error != error else error
    alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
    print("%-36s %-28s %7d %10.1f %9.1f %8s" % (name, params, r["threads"], m["score"], error,
          "-" if alloc is None else "%.0f" % alloc))
PY
