// See the header.
#define _GNU_SOURCE
#include "CThreadsFixtureSupport.h"
#include "CAllocationCounter.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void threads_fixture_set_name(const char *name) { pthread_setname_np(pthread_self(), name); }

static volatile int counting_calls;
static volatile uint64_t counting_mallocs;

static void counting_handler(int signo) {
    (void)signo;
    counting_mallocs = allocation_counter_peek();
    counting_calls++;
}

void threads_fixture_install_counting_handler(int signo) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = counting_handler;
    sigaction(signo, &action, NULL);
}

int threads_fixture_counting_handler_calls(void) { return counting_calls; }

uint64_t threads_fixture_counting_handler_mallocs(void) { return counting_mallocs; }

static volatile int watchdog_hook_enabled;

void threads_fixture_enable_watchdog_hook(void) { watchdog_hook_enabled = 1; }

// Overrides the weak declaration in CFaultHandlerSupport: the watchdog thread calls it around each dump.
void cfh_test_hook_watchdog_dump(int phase) {
    if (!watchdog_hook_enabled) return;
    if (phase == 0) {
        allocation_counter_arm();
        return;
    }
    char line[64];
    int length = snprintf(line, sizeof line, "watchdog mallocs during dump: %llu\n",
                          (unsigned long long)allocation_counter_disarm());
    if (length > 0) {
        ssize_t ignored = write(2, line, (size_t)length);
        (void)ignored;
    }
}

void threads_fixture_signal_self(int signo) { pthread_kill(pthread_self(), signo); }
