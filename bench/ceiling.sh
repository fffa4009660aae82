#!/usr/bin/env bash
# What a design can reach on this machine, with no work to do: memaslap (90/10, 50 connections,
# as bench/compare.sh) against memcached 1.6, speicherd, and bare responders from kv-bench that
# answer gets and sets with a fixed value and store nothing (dev.speicherd.bench.ceiling):
# - one blocking virtual thread per connection (speicherd's first design);
# - two selector threads on the JDK's NIO (memcached's design, and speicherd's since), serving
#   one ready connection after another as memcached's workers do (bare-loop), or in speicherd's
#   turn of three passes: read every ready connection, answer every one, write every one (bare-turn);
# - two event loops on netty's native transports, which call the kernel through JNI instead of
#   NIO: epoll (edge-triggered), and io_uring where the kernel allows it (skipped otherwise).
# The servers take turns in an order that rotates round by round; prints each one's median ops/s,
# its ratio to memcached's, and the medians of its rounds' ratios to memcached's and to
# speicherd's, each with a 90 % bootstrap interval.
# The bare servers bound what a real server in each design can do here: a server that parses and
# stores does more per request.
#
# usage: [SERVERS="memcached speicherd bare-loop"] bench/ceiling.sh [ROUNDS] [SECONDS]
#        (defaults: every server above, 3 rounds of 10 s per server; SERVERS picks some of
#        memcached, speicherd, speicherd-nio (on the JDK's NIO loops whatever the kernel allows),
#        bare-threads, bare-loop, bare-turn, netty-epoll and netty-io_uring, and
#        needs memcached and speicherd among them, which the ratios are against)
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

all=(memcached speicherd speicherd-nio bare-threads bare-loop bare-turn netty-epoll netty-io_uring netty-io_uring-store)
read -ra names <<<"${SERVERS:-${all[*]}}"
for name in "${names[@]}"; do
  [[ " ${all[*]} " == *" $name "* ]] || { echo "unknown server in SERVERS: $name (known: ${all[*]})" >&2; exit 2; }
done
[[ ${names[0]} == memcached && ${names[1]:-} == speicherd ]] || {
  echo "SERVERS must begin with memcached speicherd, which the ratios are against" >&2
  exit 2
}
runs() { [[ " ${names[*]} " == *" $1 "* ]]; }
declare -A port
for name in "${names[@]}"; do port[$name]=$(free_port); done
start_memcached "${port[memcached]}" -c 4096
start_speicherd speicherd "${port[speicherd]}" 0 -m 1024 -c 4096
runs speicherd-nio && start_speicherd speicherd-nio "${port[speicherd-nio]}" 0 -m 1024 -c 4096 --io nio
for design in threads loop turn; do
  runs "bare-$design" || continue
  "$java" -cp "$bench_jar" dev.speicherd.bench.ceiling.BareServer "$design" \
    "${port[bare-$design]}" 2>"$work/bare-$design.log" &
  pids+=($!)
done
for transport in epoll io_uring io_uring-store; do
  runs "netty-$transport" || continue
  store=(); [[ $transport == *-store ]] && store=(store) # gets and sets through a MemoryStore
  "$java" --enable-native-access=ALL-UNNAMED -cp "$bench_jar" dev.speicherd.bench.ceiling.NettyBareServer \
    "${transport%-store}" "${port[netty-$transport]}" 2 "${store[@]}" 2>"$work/netty-$transport.log" &
  pids+=($!)
done
for transport in epoll io_uring io_uring-store; do
  runs "netty-$transport" || continue
  log=$work/netty-$transport.log
  for _ in $(seq 50); do # up to 10 s for the JVM and netty's native library
    grep -q "server on" "$log" && break
    sleep 0.2
  done
  if ! grep -q "server on" "$log"; then
    echo "netty $transport cannot run here, left out: $(grep -m1 -i "exception\|error" "$log")" >&2
    kept=()
    for name in "${names[@]}"; do [[ $name == "netty-$transport" ]] || kept+=("$name"); done
    names=("${kept[@]}")
  fi
done

declare -A results
for name in "${names[@]}"; do warm_up "${port[$name]}" "$seconds"; done
for r in $(seq "$rounds"); do
  for i in "${!names[@]}"; do
    name=${names[$(((i + r) % ${#names[@]}))]} # each round starts one server later
    results[$name]+="$(memaslap_tps "${port[$name]}" "$seconds" memaslap.cfg) "
  done
done

echo "machine: $(nproc) cores, $(uname -r); $(memcached -V); $("$java" -version 2>&1 | head -1)"
echo "memaslap 90/10, 50 connections, 2 threads, $rounds x ${seconds}s per server, order rotating"
summary=()
for name in "${names[@]}"; do summary+=("$name" "${results[$name]}"); done
python3 - "${summary[@]}" <<'PY'
import statistics, sys
sys.path.insert(0, "bench")
from paired import median_with_interval, ratios
labels = {"memcached": "memcached", "speicherd": "speicherd", "speicherd-nio": "speicherd --io nio",
          "bare-threads": "bare: virtual thread per connection", "bare-loop": "bare: 2 NIO selector threads",
          "bare-turn": "bare: 2 NIO selector threads, 3 passes",
          "netty-epoll": "bare: netty epoll, 2 loops", "netty-io_uring": "bare: netty io_uring, 2 loops",
          "netty-io_uring-store": "netty io_uring, 2 loops, a store"}
names = sys.argv[1::2]
runs = [[int(x) for x in arg.split()] for arg in sys.argv[2::2]]
print("%-38s %10s %18s %6s %24s %24s" % ("server", "ops/s", "(min..max)", "ratio", "rounds' / memcached", "rounds' / speicherd"))
ok = [[x for x in r if x] for r in runs]  # 0: a run that failed (bench/lib.sh)
for name, r, good in zip(names, runs, ok):
    print("%-38s %10.0f %18s %6.2f %24s %24s" % (labels[name], statistics.median(good), "(%d..%d)" % (min(good), max(good)),
          statistics.median(good) / statistics.median(ok[0]),
          "%.3f (%.3f..%.3f)" % median_with_interval(ratios(runs[0], r)),
          "%.3f (%.3f..%.3f)" % median_with_interval(ratios(runs[1], r))))
PY
