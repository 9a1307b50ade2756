// Interposes malloc, calloc, realloc, free's siblings and the aligned allocators, forwarding to glibc's
// internal entry points, and counts allocation calls per thread while armed. Only test targets link this.
#define _GNU_SOURCE
#include "CAllocationCounter.h"

#include <stddef.h>
#include <errno.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CALLOCATIONCOUNTER_UNDER_SANITIZER 1
#endif
#endif

static __thread int armed;
static __thread uint64_t count;

static inline void note(void) {
    if (armed) count++;
}

void allocation_counter_arm(void) { count = 0; armed = 1; }
uint64_t allocation_counter_disarm(void) { armed = 0; return count; }
uint64_t allocation_counter_peek(void) { return count; }

#ifndef CALLOCATIONCOUNTER_UNDER_SANITIZER
// Under AddressSanitizer or ThreadSanitizer the sanitizer runtime owns malloc (and calls it while the program
// is still starting): no replacement then, and every count reads 0.
void *malloc(size_t size) { note(); return __libc_malloc(size); }
void *calloc(size_t n, size_t size) { note(); return __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { note(); return __libc_realloc(p, size); }
void free(void *p) { __libc_free(p); }
void *memalign(size_t alignment, size_t size) { note(); return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { note(); return __libc_memalign(alignment, size); }
void *valloc(size_t size) { note(); return __libc_memalign(4096, size); }
int posix_memalign(void **out, size_t alignment, size_t size) {
    note();
    void *p = __libc_memalign(alignment, size);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}
#endif
