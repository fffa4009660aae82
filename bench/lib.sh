# Shared by the bench/ scripts (source it; it is not a script of its own): installing the
# Debian tools, free ports, starting memcached and speicherd and stopping them on exit.
# shellcheck shell=bash

# Installs the Debian packages whose commands are missing: need_commands memcached:memcached ...
need_commands() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  if ((${#missing[@]})); then
    local sudo=""; [[ $(id -u) -eq 0 ]] || sudo=sudo
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# need_memaslap_and_jar: memcached and memaslap installed, and the server jar in $jar, built when
# missing; what every memaslap script starts with.
need_memaslap_and_jar() {
  need_commands memcached:memcached memcaslap:libmemcached-tools
  jar=kv-server/target/kv-server.jar
  [[ -f $jar ]] || bin/mvn -q -B package -DskipTests
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A scratch directory in $work and the servers in $pids, both gone when the script exits.
work=$(mktemp -d)
pids=()
bench_cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap bench_cleanup EXIT

# memaslap_tps PORT SECONDS CONFIG [memaslap flags...]: one memaslap run (Debian names it
# memcaslap) from 50 connections on 2 threads, with the workload in bench/CONFIG; prints its
# throughput in operations per second, or 0 (and a warning) for a run that gave none, so that
# the rounds of a comparison stay paired; the summaries leave the zeros out.
memaslap_tps() {
  local port=$1 secs=$2 config=$3 tps; shift 3
  tps=$(memcaslap -s "127.0.0.1:$port" -F "bench/$config" -T 2 -c 50 -t "${secs}s" "$@" 2>&1 \
    | sed -n 's/.*TPS: \([0-9]*\).*/\1/p' | tail -1)
  if [[ -z $tps ]]; then
    echo "memaslap against port $port gave no throughput: a failed run, counted as 0 and left out" >&2
    tps=0
  fi
  echo "$tps"
}

# start_memcached PORT [extra flags...]: memcached 1.6 with two threads, as SPEC.md compares.
start_memcached() {
  local port=$1; shift
  memcached -u "$(id -un)" -p "$port" -U 0 -l 127.0.0.1 -t 2 -m 1024 "$@" &
  pids+=($!)
  last_pid=$!
}

# start_speicherd NAME MEMCACHED_PORT SPEICHER_PORT [flags...]: the jar in $jar, through
# bin/speicherd (its JVM launch defaults, then $SPEICHERD_JAVA_OPTS), logging to $work/NAME.log;
# returns once it says it is ready.
start_speicherd() {
  local name=$1 port=$2 speicher=$3; shift 3
  SPEICHERD_JAR=$jar bin/speicherd -p "$port" --speicher-port "$speicher" "$@" 2>"$work/$name.log" &
  pids+=($!)
  last_pid=$!
  for _ in $(seq 100); do
    grep -q " ready: " "$work/$name.log" 2>/dev/null && return 0
    sleep 0.1
  done
  cat "$work/$name.log" >&2
  return 1
}

# start_both_warm SECONDS: memcached and speicherd as the memaslap comparisons run them, on free
# ports ($mc_port, $sd_port; processes $mc_pid, $sd_pid), each warmed up (JIT, page cache) by
# warm_up before anything is measured.
start_both_warm() {
  mc_port=$(free_port); sd_port=$(free_port)
  start_memcached "$mc_port" -c 4096
  mc_pid=$last_pid
  start_speicherd speicherd "$sd_port" "$(free_port)" -m 1024 -c 4096
  sd_pid=$(pgrep -f "java.* -p $sd_port " | head -1)
  local port
  for port in "$mc_port" "$sd_port"; do warm_up "$port" "$1"; done
}

# warm_up PORT SECONDS [memaslap flags...]: memaslap (90/10 unless the flags say otherwise) for
# twice SECONDS, thrown away, before anything on PORT is measured. A JVM needs that long: after
# a warm-up of 200,000 operations (about a second), C2 still spent 0.4-0.7 s of CPU compiling in
# the first 10 s round measured (4-7 % of a core taken from that round alone; /proc/PID/task/*/stat
# of its compiler threads). memcached gets the same.
warm_up() {
  local port=$1 secs=$2; shift 2
  memaslap_tps "$port" "$((2 * secs))" memaslap.cfg "$@" >/dev/null
}
