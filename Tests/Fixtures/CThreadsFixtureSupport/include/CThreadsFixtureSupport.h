// C helpers for the threads fixture: thread names, plain signal handlers installed before the fault handler,
// and the watchdog test hook.
#ifndef CTHREADSFIXTURESUPPORT_H
#define CTHREADSFIXTURESUPPORT_H

#include <stdint.h>

/// Sets the calling thread's name (pthread_setname_np; at most 15 bytes are kept).
void threads_fixture_set_name(const char *name);

/// Installs a plain handler for `signo` that records `allocation_counter_peek()` (the allocations the calling
/// thread made since `allocation_counter_arm`) and counts its calls. Installed before `register(chain: true)`,
/// it runs after the dump and so measures what the dump allocated.
void threads_fixture_install_counting_handler(int signo);
/// How many times the counting handler ran, and the allocation count it saw the last time.
int threads_fixture_counting_handler_calls(void);
uint64_t threads_fixture_counting_handler_mallocs(void);

/// Makes the watchdog test hook arm the allocation counter before each watchdog dump and write
/// `watchdog mallocs during dump: N` to stderr after it.
void threads_fixture_enable_watchdog_hook(void);

/// Sends `signo` to the calling thread (pthread_kill(pthread_self())).
void threads_fixture_signal_self(int signo);

#endif
