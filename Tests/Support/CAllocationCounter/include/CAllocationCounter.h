// A per-thread malloc counter for tests: this target defines malloc and friends, so linking it into a test
// binary or fixture interposes the C library's allocator for the whole process (the executable's definitions
// win symbol resolution), and counts calls made by the calling thread while armed.
#ifndef CALLOCATIONCOUNTER_H
#define CALLOCATIONCOUNTER_H
#include <stdint.h>

// Under AddressSanitizer or ThreadSanitizer nothing is interposed and every count is 0 (the sanitizer runtime
// owns the allocator); the zero-allocation tests are meaningful in ordinary builds only.

/// Starts counting allocations made by the calling thread (resets the count).
void allocation_counter_arm(void);
/// Stops counting and returns how many allocation calls the calling thread made since arm.
uint64_t allocation_counter_disarm(void);
/// The calling thread's count so far (does not disarm). Async-signal-safe.
uint64_t allocation_counter_peek(void);
#endif
