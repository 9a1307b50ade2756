// Process-wide allocation counting for the symbolication probes (Benchmarks/Sources/SymbolicationProbeKit).
#ifndef CPROBEALLOCATIONS_H
#define CPROBEALLOCATIONS_H

#include <stdint.h>

/// Allocation calls (malloc, calloc, realloc, the aligned allocators) made by every thread since the process
/// started. Read it before and after a measured call; the difference is that call's allocations as long as no
/// other thread allocates meanwhile.
uint64_t probe_allocation_count(void);

#endif
