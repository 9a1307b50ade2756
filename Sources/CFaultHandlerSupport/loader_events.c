// Notices libraries loaded with dlopen(3) after the fault handler was enabled, so their symbols are prepared
// outside any signal handler.
//
// A program that links this library exports this `dlopen` from its executable; the dynamic linker binds every
// caller (the program, the Swift runtime, Foundation) to it. It calls the C library's dlopen, then, when a
// callback is set and this thread is not already inside it, the callback. Nothing here runs in a signal handler.
#define _GNU_SOURCE
#include "CFaultHandlerSupport.h"
#include "sanitizer_detection.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stddef.h>

static _Atomic(cfh_image_change_callback) image_change_callback;
static __thread int inside_callback;

void cfh_set_image_change_callback(cfh_image_change_callback callback) {
    atomic_store_explicit(&image_change_callback, callback, memory_order_release);
}

typedef void *(*dlopen_function)(const char *, int);

static dlopen_function real_dlopen(void) {
    static _Atomic(dlopen_function) cached;
    dlopen_function function = atomic_load_explicit(&cached, memory_order_acquire);
    if (function == NULL) {
        function = (dlopen_function)dlvsym(RTLD_NEXT, "dlopen", "GLIBC_2.34");
        if (function == NULL) function = (dlopen_function)dlsym(RTLD_NEXT, "dlopen");
        atomic_store_explicit(&cached, function, memory_order_release);
    }
    return function;
}

// Left out under AddressSanitizer or ThreadSanitizer, whose runtime interposes this function itself.
#ifndef CFH_UNDER_SANITIZER
void *dlopen(const char *file, int mode) {
    dlopen_function function = real_dlopen();
    if (function == NULL) return NULL;
    void *handle = function(file, mode);
    cfh_image_change_callback callback = atomic_load_explicit(&image_change_callback, memory_order_acquire);
    if (handle != NULL && callback != NULL && !inside_callback) {
        inside_callback = 1;
        callback();
        inside_callback = 0;
    }
    return handle;
}
#endif
