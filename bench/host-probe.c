// What this machine charges for the things a cache server does on every request, measured in C
// so that no runtime stands between the probe and the hardware (bench/host.sh builds and runs it):
// - a system call's round trip (getppid, which does next to nothing in the kernel);
// - what touching a page costs right after a system call, beyond what it costs without one (a
//   chain of loads, each in another page, each waiting for the one before, as a lookup's do): on
//   a kernel that isolates its page tables (PTI) on a processor without PCIDs, every system call
//   empties the TLB, and each page a process touches afterwards is looked up in the page tables
//   again; a server that touches more pages between its system calls pays more for each call;
// - a load that misses every cache, alone (a pointer chase) and eight at a time (eight chases
//   interleaved: how many misses the processor overlaps, which warming lookups up relies on);
// - the same with transparent huge pages asked for (MADV_HUGEPAGE), and whether they were given.
// Prints one line per figure, "name: value unit (detail)".
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { LINE = 64, PAGE = 4096, CHASE_MB = 64, CHAINS = 8, PAGES = 256, ROUNDS = 100000 };

static double nanos(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static void *region(size_t bytes, int huge) {
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { perror("mmap"); exit(1); }
    if (huge) madvise(p, bytes, MADV_HUGEPAGE);
    memset(p, 1, bytes);
    return p;
}

static long anon_huge_kb(void) {
    FILE *f = fopen("/proc/self/smaps_rollup", "r");
    char line[256];
    long kb = 0;
    while (f && fgets(line, sizeof line, f)) sscanf(line, "AnonHugePages: %ld", &kb);
    if (f) fclose(f);
    return kb;
}

// Links one line of each of PAGES pages into a cycle in shuffled order, so that touching them
// is a chain of loads each waiting for the one before, as a lookup's loads do.
static size_t *page_cycle(void) {
    size_t *pages = region((size_t)PAGES * PAGE, 0), order[PAGES], words = PAGE / sizeof(size_t);
    for (int p = 0; p < PAGES; p++) order[p] = p;
    srand(2);
    for (int p = PAGES - 1; p > 0; p--) {
        int q = rand() % (p + 1);
        size_t t = order[p];
        order[p] = order[q], order[q] = t;
    }
    // A different line in each page, so that the lines do not compete for the same cache sets.
    for (int p = 0; p < PAGES; p++) {
        size_t from = order[p], to = order[(p + 1) % PAGES];
        pages[from * words + (from % (PAGE / LINE)) * (LINE / sizeof(size_t))] = to * words + (to % (PAGE / LINE)) * (LINE / sizeof(size_t));
    }
    return pages;
}

// Nanoseconds a round of ROUNDS: a system call first if call, then the walk over the page cycle if touch.
static double rounds(const size_t *pages, int call, int touch) {
    size_t at = 0;
    double start = nanos();
    for (int r = 0; r < ROUNDS; r++) {
        if (call) syscall(SYS_getppid);
        if (touch)
            for (int p = 0; p < PAGES; p++) at = pages[at];
    }
    double elapsed = nanos() - start;
    return at == 1 ? 0 : elapsed / ROUNDS;
}

// Nanoseconds a load, following `chains` pointer chases at once through a shuffled cycle of lines.
static double chase(int huge, int chains, long *huge_kb) {
    size_t lines = (size_t)CHASE_MB << 20 >> 6, words = LINE / sizeof(size_t);
    size_t *next = region(lines * LINE, huge), *order = malloc(lines * sizeof *order);
    for (size_t i = 0; i < lines; i++) order[i] = i;
    srand(1);
    for (size_t i = lines - 1; i > 0; i--) {
        size_t j = ((size_t)rand() * RAND_MAX + rand()) % (i + 1), t = order[i];
        order[i] = order[j], order[j] = t;
    }
    for (size_t i = 0; i < lines; i++) next[order[i] * words] = order[(i + 1) % lines] * words;
    size_t at[CHAINS], steps = 4000000 / chains, sum = 0;
    for (int c = 0; c < chains; c++) at[c] = order[c * (lines / chains)] * words;
    double start = nanos();
    for (size_t s = 0; s < steps; s++)
        for (int c = 0; c < chains; c++) at[c] = next[at[c]];
    double elapsed = nanos() - start;
    for (int c = 0; c < chains; c++) sum += at[c];
    *huge_kb = anon_huge_kb();
    free(order);
    munmap(next, lines * LINE);
    return sum == 42 ? 0 : elapsed / (steps * chains);
}

int main(void) {
    size_t *pages = page_cycle();
    rounds(pages, 1, 1); // warm up
    double call = rounds(pages, 1, 0), touch = rounds(pages, 0, 1), both = rounds(pages, 1, 1);
    printf("system call: %.0f ns (getppid, round trip)\n", call);
    printf("page touched after a system call: %.1f ns more than without one (a chain through %d pages, one cached line each: %.0f ns after a call, %.0f without)\n",
           (both - call - touch) / PAGES, PAGES, both - call, touch);
    for (int huge = 0; huge <= 1; huge++) {
        long huge_kb;
        double one = chase(huge, 1, &huge_kb), many = chase(huge, CHAINS, &huge_kb);
        printf("load missing the caches%s: %.0f ns alone, %.0f ns a load with %d at once (%d MB; %ld kB of it in huge pages)\n",
               huge ? ", huge pages asked for" : "", one, many, CHAINS, CHASE_MB, huge_kb);
    }
    return 0;
}
