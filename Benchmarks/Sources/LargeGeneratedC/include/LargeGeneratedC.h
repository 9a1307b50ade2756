// Entry point into the generated code of the large probe (scripts/generate-large-sources.py).
#ifndef LARGEGENERATEDC_H
#define LARGEGENERATEDC_H

#include <stdint.h>

/// Number of generated C functions reachable through `large_generated_run` (0 before generation).
int64_t large_generated_c_count(void);

/// Whether the generated Swift module is linked in (it defines `large_generated_swift_entry`).
int large_generated_swift_present(void);

/// Runs generated function `index` (C functions first, then the Swift entry) with `seed`. The probe calls it only
/// on a command line nobody uses, so that every generated function stays reachable and is linked in.
int64_t large_generated_run(int64_t seed, int64_t index);

#endif
