// Reaches the generated code, which exists only after scripts/generate-large-sources.py has written
// generated_*.c next to this file and Generated*.swift into LargeGeneratedSwift. Both sides are weak references,
// so the module also builds (empty) before generation.
#include "LargeGeneratedC.h"

#include <stddef.h>

typedef int64_t (*large_generated_function)(int64_t, int64_t);

/// Defined by the generated generated_table.c: every generated C function, and their number.
extern const large_generated_function large_generated_table[] __attribute__((weak));
extern const int64_t large_generated_table_count __attribute__((weak));

/// Defined (with @_cdecl) by the generated Swift module.
extern int64_t large_generated_swift_entry(int64_t seed, int64_t index) __attribute__((weak));

int64_t large_generated_c_count(void) {
    return &large_generated_table_count ? large_generated_table_count : 0;
}

int large_generated_swift_present(void) {
    return large_generated_swift_entry != NULL;
}

int64_t large_generated_run(int64_t seed, int64_t index) {
    int64_t count = large_generated_c_count();
    if (index >= 0 && index < count) return large_generated_table[index](seed, index);
    if (large_generated_swift_entry) return large_generated_swift_entry(seed, index - count);
    return seed;
}
