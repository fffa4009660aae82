#!/usr/bin/env bash
# What a design can reach on this machine, with no work to do: memaslap (90/10, 50 connections,
# as bench/compare.sh) against memcached 1.6, speicherd, and two bare responders from kv-bench
# that answer gets and sets with a fixed value and store nothing (dev.speicherd.bench.ceiling):
# one blocking virtual thread per connection (speicherd's first design) and two selector threads
# (memcached's, and speicherd's since). Alternating runs; prints the median ops/s of each and
# its ratio to memcached.
# The bare servers bound what a real server in either design can do here: a server that parses
# and stores does more per request.
#
# usage: bench/ceiling.sh [ROUNDS] [SECONDS]      (defaults: 3 rounds of 10 s per server)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-3}
seconds=${2:-10}

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_commands memcached:memcached memcaslap:libmemcached-tools
jar=kv-server/target/kv-server.jar
bench_jar=kv-bench/target/kv-bench.jar
[[ -f $jar && -f $bench_jar ]] || bin/mvn -q -B package -DskipTests -pl kv-server,kv-bench -am
java=$(bin/jdk --runtime)/bin/java

declare -A port
for name in memcached speicherd bare-threads bare-loop; do port[$name]=$(free_port); done
start_memcached "${port[memcached]}" -c 4096
start_speicherd speicherd "${port[speicherd]}" 0 -m 1024 -c 4096
for design in threads loop; do
  "$java" -cp "$bench_jar" dev.speicherd.bench.ceiling.BareServer "$design" \
    "${port[bare-$design]}" 2>"$work/bare-$design.log" &
  pids+=($!)
done
sleep 2

names=(memcached speicherd bare-threads bare-loop)
declare -A results
for name in "${names[@]}"; do memaslap_tps "${port[$name]}" 3 memaslap.cfg >/dev/null; done # warm-up
for _ in $(seq "$rounds"); do
  for name in "${names[@]}"; do results[$name]+="$(memaslap_tps "${port[$name]}" "$seconds" memaslap.cfg) "; done
done

echo "machine: $(nproc) cores, $(uname -r); $(memcached -V); $("$java" -version 2>&1 | head -1)"
echo "memaslap 90/10, 50 connections, 2 threads, $rounds x ${seconds}s per server, alternating"
python3 - "${results[memcached]}" "${results[speicherd]}" "${results[bare-threads]}" "${results[bare-loop]}" <<'PY'
import statistics, sys
names = ["memcached", "speicherd", "bare: virtual thread per connection", "bare: 2 selector threads"]
runs = [[int(x) for x in arg.split()] for arg in sys.argv[1:]]
base = statistics.median(runs[0])
print("%-38s %10s %22s %8s" % ("server", "ops/s", "(min..max)", "ratio"))
for name, r in zip(names, runs):
    print("%-38s %10.0f %22s %8.2f" % (name, statistics.median(r), "(%d..%d)" % (min(r), max(r)), statistics.median(r) / base))
PY
