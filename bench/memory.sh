#!/usr/bin/env bash
# Memory per item of speicherd (in-memory engine) against memcached 1.6: both load the same
# items (by default 1,000,000 with 32-byte keys and 100-byte values) over the memcached text
# protocol, and for each this prints what `stats` says (curr_items, bytes) and what the process
# really grew by (VmRSS after loading minus before); for speicherd also the heap in use after a
# full GC (jcmd GC.run, GC.heap_info), before and after, and its RSS once that GC is done.
#
# usage: bench/memory.sh [ITEMS] [KEY_BYTES] [VALUE_BYTES]
# Environment: MEMORY_LIMIT (-m for both servers, MiB; 1024). The JVM runs with bin/speicherd's
# launch defaults (G1, the heap sized from -m: 1,652 MiB for -m 1024, 500 MiB for -m 256) plus
# whatever is in SPEICHERD_JAVA_OPTS. The stats and heap figures repeat to a byte or so per item
# on a noisy machine; speicherd's RSS does not: it is the heap G1 grew into while loading (live
# items plus room for garbage), which varies by some 10 % from run to run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
items=${1:-1000000}
key_bytes=${2:-32}
value_bytes=${3:-100}
memory_limit=${MEMORY_LIMIT:-1024} # -m for both, MiB; bin/speicherd sizes speicherd's heap from it

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_commands memcached:memcached
jar=kv-server/target/kv-server.jar
if [[ ! -f $jar ]] || [[ -n $(find kv-*/src/main kv-*/pom.xml pom.xml -newer "$jar" -print -quit) ]]; then
  echo "building $jar" >&2
  bin/mvn -q -B package -DskipTests -pl kv-server -am >&2
fi
java_home=$(bin/jdk)
client=bench/memory/client.py

mc_port=$(free_port); sd_port=$(free_port); sd_speicher=$(free_port)

rss_kib() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
# The heap in use after a full GC, in KiB: "used" of every generation's line (G1 has one), which
# says "total", unlike the metaspace's.
heap_kib() {
  "$java_home/bin/jcmd" "$1" GC.run >/dev/null
  "$java_home/bin/jcmd" "$1" GC.heap_info \
    | awk '/total/ && match($0, /used [0-9]+K/) { kib += substr($0, RSTART + 5, RLENGTH - 6) } END { print kib + 0 }'
}
per_item() { awk -v x="$1" -v n="$items" 'BEGIN { printf "%.1f", x / n }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

start_memcached "$mc_port" -m "$memory_limit"
mc_pid=$last_pid
start_speicherd speicherd "$sd_port" "$sd_speicher" -m "$memory_limit"
sd_pid=$last_pid

mc_rss0=$(rss_kib "$mc_pid")
mc_load=$(python3 "$client" load 127.0.0.1 "$mc_port" "$items" "$key_bytes" "$value_bytes")
mc_rss1=$(rss_kib "$mc_pid")
read -r mc_items mc_bytes < <(python3 "$client" stats 127.0.0.1 "$mc_port")

sd_heap0=$(heap_kib "$sd_pid")
sd_rss0=$(rss_kib "$sd_pid")
sd_load=$(python3 "$client" load 127.0.0.1 "$sd_port" "$items" "$key_bytes" "$value_bytes")
sd_rss1=$(rss_kib "$sd_pid")
read -r sd_items sd_bytes < <(python3 "$client" stats 127.0.0.1 "$sd_port")
sd_heap1=$(heap_kib "$sd_pid")
sd_rss2=$(rss_kib "$sd_pid")
flags=$("$java_home/bin/jcmd" "$sd_pid" VM.flags -all \
  | awk '$2 ~ /^(MaxHeapSize|UseCompressedOops|UseCompactObjectHeaders|UseG1GC)$/ { printf "%s%s=%s", sep, $2, $4; sep=" " }')

payload=$((key_bytes + value_bytes))
mc_stat=$(per_item "$mc_bytes"); sd_stat=$(per_item "$sd_bytes")
mc_rss=$(per_item $(((mc_rss1 - mc_rss0) * 1024))); sd_rss=$(per_item $(((sd_rss1 - sd_rss0) * 1024)))
sd_rss_gc=$(per_item $(((sd_rss2 - sd_rss0) * 1024)))
sd_heap=$(per_item $(((sd_heap1 - sd_heap0) * 1024)))

echo "$items items, $key_bytes-byte keys, $value_bytes-byte values ($payload payload bytes each); bytes per item"
echo "$(memcached -V); speicherd on $("$java_home/bin/java" -version 2>&1 | head -1), $flags"
echo "before loading: memcached RSS $((mc_rss0 / 1024)) MiB; speicherd RSS $((sd_rss0 / 1024)) MiB, heap $((sd_heap0 / 1024)) MiB"
printf '%-21s %10s %12s %11s %13s %14s %7s\n' "" curr_items "stats bytes" "RSS growth" "RSS after GC" "heap after GC" "load s"
printf '%-21s %10s %12s %11s %13s %14s %7s\n' memcached "$mc_items" "$mc_stat" "$mc_rss" - - "$mc_load"
printf '%-21s %10s %12s %11s %13s %14s %7s\n' speicherd "$sd_items" "$sd_stat" "$sd_rss" "$sd_rss_gc" "$sd_heap" "$sd_load"
printf '%-21s %10s %12s %11s %13s %14s\n' "speicherd/memcached" "" "$(ratio "$sd_stat" "$mc_stat")" \
  "$(ratio "$sd_rss" "$mc_rss")" "$(ratio "$sd_rss_gc" "$mc_rss")" "$(ratio "$sd_heap" "$mc_rss")"
echo "overhead per item beyond the $payload payload bytes: memcached RSS $(awk -v x="$mc_rss" -v p="$payload" \
  'BEGIN { printf "%.1f", x - p }'), speicherd heap $(awk -v x="$sd_heap" -v p="$payload" 'BEGIN { printf "%.1f", x - p }')"
