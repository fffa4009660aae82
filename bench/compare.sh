#!/usr/bin/env bash
# Throughput of speicherd against memcached 1.6 on this machine, with the same load generator,
# in the same run, alternating A B A B so that drift in a noisy machine hits both alike.
#
# usage: bench/compare.sh [ROUNDS] [SECONDS]      (defaults: 5 rounds of 10 s per case)
# Prints, per case, the median throughput of each server, the spread (min..max), and the ratio
# speicherd / memcached. Installs memcached and libmemcached-tools if they are missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-5}
seconds=${2:-10}

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_memaslap_and_jar
java_home=$(bin/jdk)
start_both_warm "$seconds"

declare -A results
cases=("get90-set10" "multiget-d10")
case_args() { case $1 in get90-set10) echo "";; multiget-d10) echo "-d 10";; esac; }

for c in "${cases[@]}"; do
  for r in $(seq "$rounds"); do
    # shellcheck disable=SC2046
    results[$c,memcached]+="$(memaslap_tps "$mc_port" "$seconds" memaslap.cfg $(case_args "$c")) "
    # shellcheck disable=SC2046
    results[$c,speicherd]+="$(memaslap_tps "$sd_port" "$seconds" memaslap.cfg $(case_args "$c")) "
  done
done

echo "machine: $(nproc) cores, $(uname -r); $(memcached -V); speicherd $("$java_home/bin/java" -jar "$jar" --version | cut -d' ' -f2) on $("$java_home/bin/java" -version 2>&1 | head -1)"
echo "memaslap: 50 connections, 2 threads, 32-byte keys, 100-byte values, 90% get / 10% set, $rounds x ${seconds}s per server, alternating"
printf '%-14s %14s %22s %14s %22s %8s\n' case memcached "(min..max)" speicherd "(min..max)" ratio
for c in "${cases[@]}"; do
  python3 - "$c" "${results[$c,memcached]}" "${results[$c,speicherd]}" <<'PY'
import statistics, sys
name, a, b = sys.argv[1], [int(x) for x in sys.argv[2].split()], [int(x) for x in sys.argv[3].split()]
ma, mb = statistics.median(a), statistics.median(b)
print("%-14s %14.0f %22s %14.0f %22s %8.2f" % (name, ma, "(%d..%d)" % (min(a), max(a)), mb, "(%d..%d)" % (min(b), max(b)), mb / ma))
PY
done
