#!/usr/bin/env bash
# Where the CPU goes, per request: memaslap 90/10 (as bench/compare.sh) against memcached 1.6,
# speicherd and the bare NIO responder of bench/ceiling.sh (two selector threads that parse
# nothing and store nothing: the floor of speicherd's design), in turn round by round; for each
# run, the server's CPU per request in user space and in the kernel (from /proc/PID/stat),
# memaslap's own (from bash's time), and the context switches per 1,000 requests of the threads
# that serve the connections (memcached's workers, speicherd's event loops, the bare loops). On
# two cores shared by client and server, throughput is what both spend per request; this says
# which side spent it, and where.
#
# usage: bench/cpu.sh [ROUNDS] [SECONDS]      (defaults: 3 rounds of 10 s per server)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-3}
seconds=${2:-10}

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_memaslap_and_jar
bench_jar=kv-bench/target/kv-bench.jar
[[ -f $bench_jar ]] || bin/mvn -q -B package -DskipTests -pl kv-bench -am

start_both_warm "$seconds"
bare_port=$(free_port)
"$(bin/jdk --runtime)/bin/java" -cp "$bench_jar" dev.speicherd.bench.ceiling.BareServer loop "$bare_port" \
  2>"$work/bare-loop.log" &
bare_pid=$!
pids+=("$bare_pid")
sleep 2
warm_up "$bare_port" "$seconds"

ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12, $13}'; } # utime stime
switches() {
  local t
  for t in /proc/"$1"/task/*; do
    case $(cat "$t/comm") in mc-worker*|speicherd-io*|bare-loop*) awk '/ctxt_switches/ {print $2}' "$t/status" | paste -sd' ';; esac
  done | awk '{v += $1; n += $2} END {print v + 0, n + 0}'
}

TIMEFORMAT='client-cpu %U %S' # what bash's time prints: memaslap's user and system seconds
printf '%-10s %10s %28s %18s %22s\n' server ops/s "server us/req (user + kernel)" "memaslap us/req" "switches/1000 (vol invol)"
for _ in $(seq "$rounds"); do
  for triple in "memcached:$mc_pid:$mc_port" "speicherd:$sd_pid:$sd_port" "bare-loop:$bare_pid:$bare_port"; do
    IFS=: read -r name pid port <<<"$triple"
    t0=$(ticks "$pid"); s0=$(switches "$pid")
    out=$({ time memcaslap -s "127.0.0.1:$port" -F bench/memaslap.cfg -T 2 -c 50 -t "${seconds}s"; } 2>&1)
    t1=$(ticks "$pid"); s1=$(switches "$pid")
    tps=$(sed -n 's/.*TPS: \([0-9]*\).*/\1/p' <<<"$out" | tail -1)
    python3 - "$name" "$tps" "$seconds" "$t0" "$t1" "$(grep '^client-cpu' <<<"$out")" "$s0" "$s1" "$(getconf CLK_TCK)" <<'PY'
import sys
name, tps, secs, t0, t1, client, s0, s1, hz = sys.argv[1:]
requests = int(tps) * int(secs)
(u0, k0), (u1, k1) = ([int(x) for x in t.split()] for t in (t0, t1))
user, kernel = ((b - a) / int(hz) * 1e6 / requests for a, b in ((u0, u1), (k0, k1)))
client_user, client_system = (float(x) for x in client.split()[1:])
(v0, n0), (v1, n1) = ([int(x) for x in s.split()] for s in (s0, s1))
print("%-10s %10s %28s %18.2f %12.1f %9.1f" % (name, tps, "%.2f (%.2f + %.2f)" % (user + kernel, user, kernel),
      (client_user + client_system) * 1e6 / requests, (v1 - v0) * 1000 / requests, (n1 - n0) * 1000 / requests))
PY
  done
done
