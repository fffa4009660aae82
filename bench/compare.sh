#!/usr/bin/env bash
# Throughput of speicherd against memcached 1.6 on this machine, with the same load generator,
# in the same run, alternating A B A B so that drift in a noisy machine hits both alike.
#
# usage: bench/compare.sh [ROUNDS] [SECONDS]      (defaults: 5 rounds of 10 s per case)
# Prints, per case, the median throughput of each server, the spread (min..max), and the ratio
# speicherd / memcached; then each round's ratio (the two servers' runs of one round are
# neighbours in time, so a drift of the machine hits both), their median, and a 90 % bootstrap
# interval of that median: a ratio is above 1.0 beyond the noise only when the interval is.
# Installs memcached and libmemcached-tools if they are missing.
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
  # A case that runs other code (a multi-get's stages) gets its own warm-up first.
  if [[ -n $(case_args "$c") ]]; then
    # shellcheck disable=SC2046
    for port in "$mc_port" "$sd_port"; do warm_up "$port" "$seconds" $(case_args "$c"); done
  fi
  for r in $(seq "$rounds"); do
    # A B, then B A: whichever server runs second in a round does not always get the same turn.
    order=(memcached speicherd); ((r % 2)) || order=(speicherd memcached)
    for server in "${order[@]}"; do
      port=$mc_port; [[ $server == speicherd ]] && port=$sd_port
      # shellcheck disable=SC2046
      results[$c,$server]+="$(memaslap_tps "$port" "$seconds" memaslap.cfg $(case_args "$c")) "
    done
  done
done

echo "machine: $(nproc) cores, $(uname -r); $(memcached -V); speicherd $("$java_home/bin/java" -jar "$jar" --version | cut -d' ' -f2) on $("$java_home/bin/java" -version 2>&1 | head -1)"
echo "memaslap: 50 connections, 2 threads, 32-byte keys, 100-byte values, 90% get / 10% set, $rounds x ${seconds}s per server, alternating"
# One summary for all cases: "case memcached-rounds speicherd-rounds" per case.
summary=()
for c in "${cases[@]}"; do summary+=("$c" "${results[$c,memcached]}" "${results[$c,speicherd]}"); done
python3 - "${summary[@]}" <<'PY'
import statistics, sys
sys.path.insert(0, "bench")
from paired import median_with_interval, ratios
cases = [(name, [int(x) for x in a.split()], [int(x) for x in b.split()])
         for name, a, b in zip(sys.argv[1::3], sys.argv[2::3], sys.argv[3::3])]
print("%-14s %14s %22s %14s %22s %8s" % ("case", "memcached", "(min..max)", "speicherd", "(min..max)", "ratio"))
for name, a, b in cases:
    a, b = [x for x in a if x], [y for y in b if y]  # 0: a run that failed (bench/lib.sh)
    ma, mb = statistics.median(a), statistics.median(b)
    print("%-14s %14.0f %22s %14.0f %22s %8.2f" % (name, ma, "(%d..%d)" % (min(a), max(a)), mb, "(%d..%d)" % (min(b), max(b)), mb / ma))
print("per round (speicherd / memcached in the same round):")
for name, a, b in cases:
    rounds = ratios(a, b)
    print("%-14s median %.3f, 90%% interval %.3f..%.3f, %d of %d rounds >= 1.0: %s" % (
        name, *median_with_interval(rounds), sum(r >= 1 for r in rounds), len(rounds),
        " ".join("%.3f" % r for r in rounds)))
PY
