#!/usr/bin/env bash
# Where the CPU goes inside one compiled method of speicherd, instruction by instruction, under
# memaslap 90/10 (as bench/compare.sh): the JIT prints the method's machine code (as hex: no
# disassembler plugin is needed), perf samples the server's instruction pointers, objdump
# disassembles the last C2 compilation of the method, and each instruction gets its share of
# the method's samples. A load that misses the cache shows as samples on it and on the
# instruction after it (skid). Needs perf (installed as linux-perf if missing; root, or
# kernel.perf_event_paranoid at -1) and objdump (binutils).
#
# usage: [CONTEXT=N] bench/hotasm.sh [CLASS::METHOD] [TOP]
#        (defaults: dev.speicherd.storage.MemoryStore::read, the 25 hottest instructions;
#        CONTEXT=N also lists N instructions each side of the three hottest)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
method=${1:-dev.speicherd.storage.MemoryStore::read}
top=${2:-25}

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_memaslap_and_jar
need_commands perf:linux-perf objdump:binutils
java_home=$(bin/jdk --runtime)

port=$(free_port)
# bin/speicherd's launch defaults, plus the printing; the machine code goes to stdout.
SPEICHERD_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=quiet -XX:CompileCommand=print,$method" \
  start_speicherd server "$port" 0 -m 1024 -c 4096 >"$work/code"
pid=$last_pid # bin/speicherd execs the JVM
warm_up "$port" 10 # until the method's final compilation
perf record -q -F 4999 -p "$pid" -o "$work/perf.data" -- sleep 8 >/dev/null 2>&1 &
recorder=$!
echo "memaslap 90/10: $(memaslap_tps "$port" 10 memaslap.cfg) ops/s; perf watched 8 s of it"
wait "$recorder" || true
perf script -i "$work/perf.data" -F ip 2>/dev/null >"$work/ips"
kill "$pid"; wait "$pid" || true # the JVM writes out the last of the machine code as it exits

python3 - "$work/code" "$work/ips" "$top" <<'PY'
import collections, os, re, subprocess, sys, tempfile
code_file, ips_file, top = sys.argv[1], sys.argv[2], int(sys.argv[3])
ips = collections.Counter(int(x, 16) for x in open(ips_file) if x.strip())
total = sum(ips.values())
# Each compilation: "Compiled method (c2) ..." then "main code [start,end]", then lines of
# "  0xADDR: hex | hex ..." until the stubs. Take the C2 compilation that holds most samples.
methods, current = [], None
for line in open(code_file):
    if line.startswith("Compiled method"):
        current = {"title": line.strip(), "start": None, "bytes": bytearray(), "open": True}
        methods.append(current)
    elif current is not None and current["open"]:
        if line.startswith("[Stub Code]") or line.startswith("[Exception Handler]") or line.startswith("----"):
            current["open"] = False
            continue
        m = re.match(r"\s+0x([0-9a-f]+): ([0-9a-f |]+)$", line.rstrip())
        if m and "[Instructions begin]" not in line:
            address = int(m.group(1), 16)
            if current["start"] is None:
                current["start"] = address
            if address == current["start"] + len(current["bytes"]):
                current["bytes"] += bytes.fromhex(m.group(2).replace("|", "").replace(" ", ""))
def samples(m):
    return sum(c for ip, c in ips.items() if m["start"] <= ip < m["start"] + len(m["bytes"]))
compiled = [m for m in methods if "(c2)" in m["title"] and m["start"] is not None]
if not compiled:
    sys.exit("no C2 compilation of the method was printed")
best = max(compiled, key=samples)
in_method = samples(best)
print("%s: %d of %d samples (%.1f %% of the server's)" % (best["title"], in_method, total, 100 * in_method / max(total, 1)))
if in_method < total / 100:
    print("few samples: in this run C2 may have inlined the method into a caller, or compiled it again"
          " after the samples; rerun, or name a caller (dev.speicherd.server.memcached.MemcachedDispatch::get)")
with tempfile.NamedTemporaryFile(suffix=".bin") as f:
    f.write(best["bytes"]); f.flush()
    listing = subprocess.run(["objdump", "-D", "-b", "binary", "-mi386:x86-64", "--adjust-vma=%d" % best["start"], f.name],
                             capture_output=True, text=True, check=True).stdout
rows = []
for line in listing.splitlines():
    m = re.match(r"\s*([0-9a-f]+):\s+(?:[0-9a-f]{2} )+\s*(.*)$", line)
    if m:
        address = int(m.group(1), 16)
        rows.append((ips.get(address, 0), address - best["start"], m.group(2).strip()))
print("%8s %8s  %s" % ("share", "offset", "instruction"))
for count, offset, text in sorted(rows, key=lambda r: -r[0])[:top]:
    print("%7.1f%% %8s  %s" % (100 * count / max(in_method, 1), "+0x%x" % offset, text))
# With CONTEXT=N, the N instructions each side of the three hottest, to tell which load missed.
context = int(os.environ.get("CONTEXT", "0"))
for hot in sorted(range(len(rows)), key=lambda i: -rows[i][0])[:3 if context else 0]:
    print()
    for count, offset, text in rows[max(0, hot - context):hot + context + 1]:
        print("%7.1f%% %8s  %s" % (100 * count / max(in_method, 1), "+0x%x" % offset, text))
PY
