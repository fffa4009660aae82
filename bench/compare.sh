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
concurrency=50

need=()
command -v memcached >/dev/null || need+=(memcached)
command -v memcaslap >/dev/null || need+=(libmemcached-tools)
if ((${#need[@]})); then
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo=sudo
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
jar=kv-server/target/kv-server.jar
[[ -f $jar ]] || bin/mvn -q -B package -DskipTests
java_home=$(bin/jdk)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mc_port=$(free_port); sd_port=$(free_port); sd_speicher=$(free_port)
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

memcached -u "$(id -un)" -p "$mc_port" -U 0 -l 127.0.0.1 -t 2 -m 1024 -c 4096 &
pids+=($!)
# shellcheck disable=SC2086 # SPEICHERD_JAVA_OPTS is a list of options
"$java_home/bin/java" ${SPEICHERD_JAVA_OPTS:-} -jar "$jar" -p "$sd_port" --speicher-port "$sd_speicher" \
  -m 1024 -c 4096 2>"$work/speicherd.log" &
pids+=($!)
for _ in $(seq 100); do
  grep -q " ready: " "$work/speicherd.log" 2>/dev/null && break
  sleep 0.1
done
grep -q " ready: " "$work/speicherd.log" || { cat "$work/speicherd.log"; exit 1; }

# One memaslap run; prints its throughput in operations per second.
memaslap_tps() { # port, extra args...
  local port=$1; shift
  memcaslap -s "127.0.0.1:$port" -F bench/memaslap.cfg -T 2 -c "$concurrency" -t "${seconds}s" "$@" 2>&1 \
    | sed -n 's/.*TPS: \([0-9]*\).*/\1/p' | tail -1
}

declare -A results
cases=("get90-set10" "multiget-d10")
case_args() { case $1 in get90-set10) echo "";; multiget-d10) echo "-d 10";; esac; }

# warm both servers up (JIT, page cache) before measuring
memaslap_tps "$mc_port" -x 200000 >/dev/null
memaslap_tps "$sd_port" -x 200000 >/dev/null

for c in "${cases[@]}"; do
  for r in $(seq "$rounds"); do
    # shellcheck disable=SC2046
    results[$c,memcached]+="$(memaslap_tps "$mc_port" $(case_args "$c")) "
    # shellcheck disable=SC2046
    results[$c,speicherd]+="$(memaslap_tps "$sd_port" $(case_args "$c")) "
  done
done

echo "machine: $(nproc) cores, $(uname -r); $(memcached -V); speicherd $("$java_home/bin/java" -jar "$jar" --version | cut -d' ' -f2) on $("$java_home/bin/java" -version 2>&1 | head -1)"
echo "memaslap: $concurrency connections, 2 threads, 32-byte keys, 100-byte values, 90% get / 10% set, $rounds x ${seconds}s per server, alternating"
printf '%-14s %14s %22s %14s %22s %8s\n' case memcached "(min..max)" speicherd "(min..max)" ratio
for c in "${cases[@]}"; do
  python3 - "$c" "${results[$c,memcached]}" "${results[$c,speicherd]}" <<'PY'
import statistics, sys
name, a, b = sys.argv[1], [int(x) for x in sys.argv[2].split()], [int(x) for x in sys.argv[3].split()]
ma, mb = statistics.median(a), statistics.median(b)
print("%-14s %14.0f %22s %14.0f %22s %8.2f" % (name, ma, "(%d..%d)" % (min(a), max(a)), mb, "(%d..%d)" % (min(b), max(b)), mb / ma))
PY
done
