// Crash helpers that need C. See the header for what each does.
#define _GNU_SOURCE
#include "CFixtureSupport.h"
#include "CAllocationCounter.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

__attribute__((noinline)) int fixture_divide(int dividend, int divisor) {
    volatile int d = divisor;  // keep the division at run time
    return dividend / d;
}

void fixture_qsort(int (*compare)(const void *, const void *)) {
    int values[] = {5, 3, 9, 1, 7};
    qsort(values, 5, sizeof(int), compare);
}

int fixture_read_past_end_of_mapped_file(const char *directory) {
    char path[4096];
    snprintf(path, sizeof path, "%s/fixture-sigbus-XXXXXX", directory);
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    unlink(path);
    if (ftruncate(fd, 4096) != 0) return -1;
    volatile char *mapping = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    if (mapping == MAP_FAILED) return -1;
    if (ftruncate(fd, 0) != 0) return -1;  // the page now lies past the end of the file
    return mapping[0];
}

static void write_text(const char *text) {
    ssize_t ignored = write(2, text, strlen(text));
    (void)ignored;
}

static void allocation_reporter(int signo, siginfo_t *info, void *context) {
    (void)info;
    (void)context;
    unsigned long long count = allocation_counter_peek();
    char line[64];
    int n = snprintf(line, sizeof line, "mallocs during dump: %llu\n", count);
    if (n > 0) write_text(line);
    signal(signo, SIG_DFL);
    raise(signo);
}

void fixture_install_allocation_reporter(int signo) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = allocation_reporter;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(signo, &action, NULL);
}

static void marker_handler(int signo) {
    write_text("previous handler called\n");
    signal(signo, SIG_DFL);
    raise(signo);
}

void fixture_install_marker_handler(int signo) { signal(signo, marker_handler); }
