#!/usr/bin/env bash
# The log engine's cost: memaslap set-only throughput (50 connections, 100-byte values) against
# speicherd with the memory engine and with the log engine under each fsync policy, and against
# memcached 1.6, alternating the servers round by round; then the replay benchmark (one million
# items written twice, replayed, compacted).
#
# usage: bench/log.sh [ROUNDS] [SECONDS]      (defaults: 3 rounds of 10 s per server)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-3}
seconds=${2:-10}

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_memaslap_and_jar
java=$(bin/jdk)/bin/java

declare -A port
port[memcached]=$(free_port)
start_memcached "${port[memcached]}" -c 4096
speicherd() { # name, flags...
  local name=$1; shift
  port[$name]=$(free_port)
  start_speicherd "$name" "${port[$name]}" 0 -m 0 -c 4096 "$@"
}
speicherd memory
speicherd log-no --engine log --data-dir "$work/no" --fsync no
speicherd log-everysec --engine log --data-dir "$work/everysec" --fsync everysec
speicherd log-always --engine log --data-dir "$work/always" --fsync always

servers=(memcached memory log-no log-everysec log-always)
tps() { memaslap_tps "${port[$1]}" "$seconds" memaslap-set.cfg; }
declare -A results
for s in "${servers[@]}"; do tps "$s" >/dev/null; done # warm-up
for r in $(seq "$rounds"); do
  for s in "${servers[@]}"; do results[$s]+="$(tps "$s") "; done
done

echo "machine: $(nproc) cores, $(uname -r), $(df -T "$work" | awk 'NR==2 {print $2}') at $work"
echo "memaslap set-only: 50 connections, 2 threads, 32-byte keys, 100-byte values, $rounds x ${seconds}s per server, alternating"
printf '%-14s %12s %22s %10s\n' server "sets/s" "(min..max)" "/memory"
for s in "${servers[@]}"; do
  python3 - "$s" "${results[$s]}" "${results[memory]}" <<'PY'
import statistics, sys
# 0: a run that failed (bench/lib.sh), left out
name, xs, mem = sys.argv[1], [int(x) for x in sys.argv[2].split() if x != "0"], [int(x) for x in sys.argv[3].split() if x != "0"]
m = statistics.median(xs)
print("%-14s %12.0f %22s %10.2f" % (name, m, "(%d..%d)" % (min(xs), max(xs)), m / statistics.median(mem)))
PY
done

echo
echo "replay benchmark (in process, one million items written twice):"
bin/mvn -q -B -o -pl kv-api,kv-storage install -DskipTests >/dev/null
"$java" -cp kv-api/target/classes:kv-storage/target/classes:kv-storage/target/test-classes \
  dev.speicherd.storage.LogReplayBenchmark 1000000 100
