#!/usr/bin/env bash
# Throughput and latency of speicherd against memcached 1.6 on this machine, with our own load
# generator (kv-bench), for both protocols, with and without pipelining, in the same run,
# alternating A B A B so that drift in a noisy machine hits every target alike.
#
# usage: bench/loadgen.sh [ROUNDS] [SECONDS]      (defaults: 3 rounds of 10 s per case)
# Cases, each round: memcached protocol against memcached and against speicherd, and the speicher
# protocol against speicherd, at pipeline depth 1 and 16. Prints, per case, the median throughput
# and its spread (min..max), the median of the rounds' p50, p99 and p99.9 latencies, and the
# ratios speicherd/memcached (memcached protocol) and speicher/memcached protocol on speicherd.
# Every reply is checked; a run with errors is reported loudly and makes the script exit 1.
#
# Environment: CONNECTIONS (50), PIPELINE ("1 16"), VALUE_BYTES (100), KEY_SPACE (100000),
# GET_RATIO (0.9), WARMUP (seconds of unmeasured load per run, 2), RATE (requests/s offered on a
# schedule, with latency timed from when each request was due; empty for closed loop, as fast as
# each server answers), TIMELINE_DIR (with RATE: each measured run's timeline, from kv-bench
# --timeline, written there for python3 bench/timeline.py), MEMORY_LIMIT (-m for both servers,
# MiB: 64, the default of both, which holds the key space; bin/speicherd sizes the heap from it),
# SPEICHERD_JAVA_OPTS, LOADGEN_JAVA_OPTS. Closed loop, each server is measured at the load it reaches; with RATE below
# both servers' throughput, both get the same load and their latencies compare directly:
# RATE=60000 PIPELINE=1 bench/loadgen.sh. Installs memcached if it is missing; builds the jars if
# they are missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-3}
seconds=${2:-10}
connections=${CONNECTIONS:-50}
pipelines=${PIPELINE:-1 16}
value_bytes=${VALUE_BYTES:-100}
key_space=${KEY_SPACE:-100000}
get_ratio=${GET_RATIO:-0.9}
warmup=${WARMUP:-2}
rate=${RATE:-0}
memory_limit=${MEMORY_LIMIT:-64}

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_commands memcached:memcached
server_jar=kv-server/target/kv-server.jar
bench_jar=kv-bench/target/kv-bench.jar
if [[ ! -f $server_jar || ! -f $bench_jar ]]; then
  bin/mvn -q -B package -DskipTests -pl kv-server,kv-bench -am
fi
for jar in "$server_jar" "$bench_jar"; do
  module=${jar%%/*}
  if [[ -n $(find "$module/src/main" kv-api/src/main kv-codec/src/main kv-storage/src/main -newer "$jar" -type f -print -quit) ]]; then
    echo "note: $jar is older than the sources it is built from; delete it to have it rebuilt" >&2
  fi
done
java_home=$(bin/jdk)
java=$java_home/bin/java

mc_port=$(free_port); sd_port=$(free_port); sd_speicher=$(free_port)
jar=$server_jar
start_memcached "$mc_port" -c 4096 -m "$memory_limit"
start_speicherd speicherd "$sd_port" "$sd_speicher" -m "$memory_limit" -c 4096

# The targets: a name, the protocol, the port.
targets=("memcached/memcached-protocol memcached $mc_port"
         "speicherd/memcached-protocol memcached $sd_port"
         "speicherd/speicher-protocol speicher $sd_speicher")

errors=0
timeline_dir=${TIMELINE_DIR:-}
if [[ -n $timeline_dir ]]; then mkdir -p "$timeline_dir"; fi
measured_runs=0
# One load generator run; appends "<target> <pipeline> RESULT ..." to results, or shouts.
loadgen() { # target, protocol, port, pipeline, seconds, warmup, record(yes|no)
  local target=$1 protocol=$2 port=$3 pipeline=$4 secs=$5 warm=$6 record=$7 out=$work/run.out status=0 timeline=()
  if [[ -n $timeline_dir && $rate != 0 && $record == yes ]]; then
    measured_runs=$((measured_runs + 1))
    timeline=(--timeline "$timeline_dir/$(printf %03d "$measured_runs")-${target//\//_}-pipeline$pipeline.txt")
  fi
  # shellcheck disable=SC2086 # LOADGEN_JAVA_OPTS is a list of options
  "$java" ${LOADGEN_JAVA_OPTS:-} -jar "$bench_jar" --protocol "$protocol" --port "$port" \
    --connections "$connections" --pipeline "$pipeline" --seconds "$secs" --warmup "$warm" \
    --value-bytes "$value_bytes" --key-space "$key_space" --get-ratio "$get_ratio" --rate "$rate" "${timeline[@]}" \
    >"$out" 2>&1 || status=$?
  if ((status != 0)) || ! grep -q '^RESULT .* errors=0$' "$out"; then
    errors=$((errors + 1))
    echo "!!!!!!!!!!!! $target, pipeline $pipeline: the load generator FAILED or saw ERRORS (exit $status):" >&2
    sed 's/^/    /' "$out" >&2
  fi
  if [[ $record == yes ]]; then
    sed -n "s|^RESULT |$target $pipeline |p" "$out" >>"$work/results"
  fi
}

# warm both servers up (JIT, page cache) before measuring
for t in "${targets[@]}"; do
  read -r name protocol port <<<"$t"
  for p in $pipelines; do rate=0 loadgen "$name" "$protocol" "$port" "$p" 3 0 no; done
done

touch "$work/results"
for r in $(seq "$rounds"); do
  for p in $pipelines; do
    for t in "${targets[@]}"; do
      read -r name protocol port <<<"$t"
      loadgen "$name" "$protocol" "$port" "$p" "$seconds" "$warmup" yes
    done
  done
  echo "round $r of $rounds done" >&2
done

echo "machine: $(nproc) cores, $(uname -r); $(memcached -V); speicherd $("$java" -jar "$server_jar" --version | cut -d' ' -f2) on $("$java" -version 2>&1 | head -1)"
offered="closed loop"; [[ $rate == 0 ]] || offered="offered at $rate requests/s, latency from when each was due"
echo "loadgen (kv-bench): $connections connections, $offered, $value_bytes-byte values, $key_space keys preloaded, get ratio $get_ratio, $rounds x ${seconds}s (+${warmup}s warm-up) per case, alternating; client and servers share the machine"
python3 - "$work/results" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    target, pipeline, *fields = line.split()
    f = dict(x.split("=", 1) for x in fields)
    runs[(target, int(pipeline))].append({k: float(f[k]) for k in ("ops_per_sec", "p50_us", "p99_us", "p999_us", "lag_p99_us", "errors")})
med = lambda key, rs: statistics.median(r[key] for r in rs)
# lag: how late the generator sent (RATE only); a latency much of which is lag measures the generator
print("%-30s %4s %12s %22s %9s %9s %9s %11s %6s" % ("target", "pipe", "ops/s", "(min..max)", "p50 us", "p99 us", "p99.9 us", "lag p99 us", "errors"))
for (target, pipeline), rs in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    ops = [r["ops_per_sec"] for r in rs]
    print("%-30s %4d %12.0f %22s %9.0f %9.0f %9.0f %11.0f %6d" % (target, pipeline, statistics.median(ops),
          "(%d..%d)" % (min(ops), max(ops)), med("p50_us", rs), med("p99_us", rs), med("p999_us", rs),
          med("lag_p99_us", rs), sum(r["errors"] for r in rs)))
print()
print("ratios of medians          (throughput: higher is better for the numerator; p99: lower is)")
pairs = [("speicherd/memcached, memcached protocol", "speicherd/memcached-protocol", "memcached/memcached-protocol"),
         ("speicher/memcached protocol on speicherd", "speicherd/speicher-protocol", "speicherd/memcached-protocol")]
for pipeline in sorted({p for _, p in runs}):
    for label, a, b in pairs:
        ra, rb = runs.get((a, pipeline)), runs.get((b, pipeline))
        if ra and rb:
            print("%-42s pipeline %2d: ops/s %5.2f   p99 %5.2f" % (label, pipeline,
                  med("ops_per_sec", ra) / med("ops_per_sec", rb), med("p99_us", ra) / med("p99_us", rb)))
# Each round's runs of one pipeline depth are neighbours in time: their p99s pair up, as bench/paired.py says.
sys.path.insert(0, "bench")
from paired import median_with_interval, ratios
print("p99 per round, numerator / denominator of the same round (the goal for speicherd/memcached at a fixed RATE: <= 1.5):")
for pipeline in sorted({p for _, p in runs}):
    for label, a, b in pairs:
        ra, rb = runs.get((a, pipeline)), runs.get((b, pipeline))
        if ra and rb and len(ra) > 1:
            rounds = ratios([r["p99_us"] for r in rb], [r["p99_us"] for r in ra])
            print("%-42s pipeline %2d: median %.2f, 90%% interval %.2f..%.2f: %s" % (label, pipeline,
                  *median_with_interval(rounds), " ".join("%.2f" % r for r in rounds)))
PY
if ((errors > 0)); then
  echo "!!!!!!!!!!!! $errors load generator run(s) FAILED or saw ERRORS: see above; their numbers are not valid" >&2
  exit 1
fi
