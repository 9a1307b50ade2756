// C helpers for the crash fixture: crashes that need C (integer division, qsort callbacks, mapped files past
// their end) and a chained handler that reports allocations made during a dump.
#ifndef CFIXTURESUPPORT_H
#define CFIXTURESUPPORT_H

#include <stddef.h>

/// Divides with the C `/` operator, so a zero divisor raises SIGFPE (Swift traps with SIGILL instead).
int fixture_divide(int dividend, int divisor);

/// Sorts a small array with qsort(3), calling `compare` for each comparison (a crash inside the callback has
/// libc frames between it and the caller).
void fixture_qsort(int (*compare)(const void *, const void *));

/// Maps a file truncated to zero length and reads from the mapping: SIGBUS (BUS_ADRERR).
int fixture_read_past_end_of_mapped_file(const char *directory);

/// Installs a handler for `signo` that writes `mallocs during dump: N` (this thread's allocation count since
/// `allocation_counter_arm`) to stderr, then restores the default action and re-raises. Installed before the
/// fault handler and reached through chaining, it measures what the fault handler allocated.
void fixture_install_allocation_reporter(int signo);

/// Writes `marker` to stderr and re-raises with the default action; installed as a plain previous handler to
/// show that chaining reached it.
void fixture_install_marker_handler(int signo);

#endif
