#!/usr/bin/env bash
# How server and client take turns on the cores: memaslap 90/10 (as bench/compare.sh) against
# memcached 1.6 and speicherd in turn, with the scheduler's events counted system-wide (perf
# tracepoints: needs root, or kernel.perf_event_paranoid at -1). Per 1,000 requests, for each run:
# - switch, wake, syscall: context switches, wake-ups and system calls on the whole machine;
# - srv>cli, cli>srv: wake-ups of a memaslap thread by a thread serving connections (memcached's
#   workers, speicherd's event loops), and the other way;
# - preempted: a serving thread taken off the CPU while still runnable, for a memaslap thread;
# - slept: a serving thread that went to sleep (it found nothing to do).
# On two cores shared by client and server every switch costs both (docs/performance-log.md,
# "How the loops and the client share the cores").
#
# usage: bench/sched.sh [ROUNDS] [SECONDS]      (defaults: 2 rounds of 10 s per server)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-2}
seconds=${2:-10}

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_memaslap_and_jar
need_commands perf:linux-perf

start_both_warm "$seconds"

# count_run NAME PORT: one memaslap run under perf stat, one under perf record; prints a row.
window=$((seconds - 2)) # perf watches the middle of each run, away from its start and end
count_run() {
  local name=$1 port=$2 tps_stat tps_rec
  perf stat -a -x, -o "$work/stat" -e sched:sched_switch,sched:sched_wakeup,raw_syscalls:sys_enter \
    -- sleep "$window" 2>/dev/null &
  tps_stat=$(memaslap_tps "$port" "$seconds" memaslap.cfg)
  wait $!
  perf record -q -a -o "$work/rec" -e sched:sched_switch,sched:sched_wakeup -- sleep "$window" >/dev/null 2>&1 &
  tps_rec=$(memaslap_tps "$port" "$seconds" memaslap.cfg)
  wait $!
  perf script -i "$work/rec" -F comm,event,trace 2>/dev/null >"$work/events"
  python3 - "$name" "$tps_stat" "$tps_rec" "$window" "$work/stat" "$work/events" <<'PY'
import re, sys
name, tps_stat, tps_rec, window, stat, events = sys.argv[1:]
per_k_stat = 1000 / (int(tps_stat) * int(window))
per_k_rec = 1000 / (int(tps_rec) * int(window))
counts = {}
for line in open(stat):
    fields = line.split(",")
    if len(fields) > 2 and fields[0].strip().isdigit():
        counts[fields[2]] = int(fields[0])
serving = re.compile(r"^(mc-worker|speicherd-io)")
client = "memcaslap"
srv_cli = cli_srv = preempted = slept = 0
for line in open(events):
    if "sched_wakeup:" in line:
        waker = line.split()[0]
        wakee = re.search(r"comm=(\S+)", line).group(1)
        srv_cli += bool(serving.match(waker)) and wakee == client
        cli_srv += waker == client and bool(serving.match(wakee))
    elif "sched_switch:" in line:
        prev = re.search(r"prev_comm=(\S+)", line).group(1)
        state = re.search(r"prev_state=(\S+)", line).group(1)
        nxt = re.search(r"next_comm=(\S+)", line).group(1)
        if serving.match(prev):
            preempted += state.startswith("R") and nxt == client
            slept += state.startswith("S")
print("%-10s %8s %8.1f %8.1f %8.0f %8.1f %8.1f %10.1f %8.1f" % (name, tps_stat,
      counts.get("sched:sched_switch", 0) * per_k_stat, counts.get("sched:sched_wakeup", 0) * per_k_stat,
      counts.get("raw_syscalls:sys_enter", 0) * per_k_stat,
      srv_cli * per_k_rec, cli_srv * per_k_rec, preempted * per_k_rec, slept * per_k_rec))
PY
}

printf '%-10s %8s %8s %8s %8s %8s %8s %10s %8s\n' server ops/s switch wake syscall "srv>cli" "cli>srv" preempted slept
for _ in $(seq "$rounds"); do
  count_run memcached "$mc_port"
  count_run speicherd "$sd_port"
done
