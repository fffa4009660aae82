#!/usr/bin/env bash
# What kind of host this is, for reading the other benchmarks' figures: the processor and
# kernel, whether system calls empty the TLB (page-table isolation without PCIDs), and what
# bench/host-probe.c measures: a system call's round trip, a page touched right after one, a
# load that misses the caches, alone and eight at a time, with and without huge pages.
# The ratios of bench/compare.sh differ between hosts for these reasons; see
# docs/performance-log.md, "System calls on the second kind of host". Takes a few seconds; run
# it on an idle machine.
#
# usage: bench/host.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=bench/lib.sh
. bench/lib.sh
need_commands gcc:gcc
gcc -O2 -o "$work/host-probe" bench/host-probe.c

flags=" $(grep -m1 '^flags' /proc/cpuinfo) "
has() { [[ $flags == *" $1 "* ]] && echo yes || echo no; }
echo "processor: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores; hypervisor: $(has hypervisor)"
echo "kernel: $(uname -r); page-table isolation (pti): $(has pti); PCIDs: $(has pcid); meltdown: $(cat /sys/devices/system/cpu/vulnerabilities/meltdown 2>/dev/null || echo unknown)"
echo "transparent huge pages: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unknown)"
"$work/host-probe"
