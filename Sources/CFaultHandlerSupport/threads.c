// Every thread gets an alternate signal stack, so a stack overflow on any thread can be dumped; and the startup
// hook that enables the handlers before main when SWIFT_FAULTHANDLER is set.
//
// sigaltstack(2) is per thread and must be called by the thread itself; neither glibc nor the Swift runtime
// gives secondary threads one, so without help the kernel cannot deliver SIGSEGV for a stack overflow on a
// secondary thread and the process dies silently. This file interposes pthread_create: a program linking this
// library defines the symbol, so every pthread_create call made through the dynamic linker (by the program,
// Foundation's Thread, libdispatch and the Swift concurrency pool) resolves to it. The wrapper starts the new
// thread in `start_with_alternate_stack`, which maps a stack with a guard page, installs it, and registers a
// thread-specific-data destructor that disables and unmaps it when the thread exits. While the size is 0 (the
// fault handler is not enabled) the call is forwarded unchanged.
#define _GNU_SOURCE
#include "CFaultHandlerSupport.h"
#include "sanitizer_detection.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef int (*pthread_create_function)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

static size_t alternate_stack_size;  // accessed with __atomic builtins

void cfh_set_thread_alternate_stack_size(size_t size) {
    __atomic_store_n(&alternate_stack_size, size, __ATOMIC_RELEASE);
}

size_t cfh_thread_alternate_stack_size(void) { return __atomic_load_n(&alternate_stack_size, __ATOMIC_ACQUIRE); }

/// glibc's pthread_create, found once with dlsym(RTLD_NEXT) (a race only resolves it twice).
static pthread_create_function next_pthread_create(void) {
    static pthread_create_function next;
    pthread_create_function found = __atomic_load_n(&next, __ATOMIC_ACQUIRE);
    if (found == NULL) {
        found = (pthread_create_function)dlsym(RTLD_NEXT, "pthread_create");
        __atomic_store_n(&next, found, __ATOMIC_RELEASE);
    }
    return found;
}

/// One mapped alternate stack: the mapping (guard page first) and its total length.
struct alternate_stack {
    void *mapping;
    size_t length;
    void *stack;
};

static pthread_key_t alternate_stack_key;
static pthread_once_t alternate_stack_key_once = PTHREAD_ONCE_INIT;

/// Runs at thread exit (also after pthread_exit and cancellation): disables the alternate stack if it is still
/// ours, then unmaps it. The thread is no longer running on it: destructors run on the thread's own stack.
static void release_alternate_stack(void *value) {
    struct alternate_stack *stack = value;
    stack_t current;
    if (sigaltstack(NULL, &current) == 0 && current.ss_sp == stack->stack) {
        // Still running on it cannot happen in a destructor; leak rather than unmap a live stack.
        if (current.ss_flags & SS_ONSTACK) return;
        stack_t disable;
        memset(&disable, 0, sizeof disable);
        disable.ss_flags = SS_DISABLE;
        sigaltstack(&disable, NULL);
    }
    munmap(stack->mapping, stack->length);
    free(stack);
}

static void create_alternate_stack_key(void) { pthread_key_create(&alternate_stack_key, release_alternate_stack); }

/// Gives the calling (new) thread an alternate stack of `size` bytes above a PROT_NONE guard page, unless it
/// already has one.
static void install_alternate_stack(size_t size) {
    stack_t current;
    if (sigaltstack(NULL, &current) == 0 && !(current.ss_flags & SS_DISABLE)) return;
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0) page = 4096;
    size = (size + (size_t)page - 1) & ~((size_t)page - 1);
    size_t length = size + (size_t)page;
    void *mapping = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (mapping == MAP_FAILED) return;
    mprotect(mapping, (size_t)page, PROT_NONE);
    struct alternate_stack *record = malloc(sizeof *record);
    if (record == NULL) {
        munmap(mapping, length);
        return;
    }
    record->mapping = mapping;
    record->length = length;
    record->stack = (char *)mapping + page;
    stack_t stack;
    memset(&stack, 0, sizeof stack);
    stack.ss_sp = record->stack;
    stack.ss_size = size;
    if (sigaltstack(&stack, NULL) != 0) {
        munmap(mapping, length);
        free(record);
        return;
    }
    pthread_once(&alternate_stack_key_once, create_alternate_stack_key);
    pthread_setspecific(alternate_stack_key, record);
}

/// The real start routine and its argument, handed from the creating thread to the new one.
struct start_request {
    void *(*routine)(void *);
    void *argument;
    size_t stack_size;
};

static void *start_with_alternate_stack(void *value) {
    struct start_request request = *(struct start_request *)value;
    free(value);
    install_alternate_stack(request.stack_size);
    return request.routine(request.argument);
}

// Left out under AddressSanitizer or ThreadSanitizer, whose runtime interposes this function itself.
#ifndef CFH_UNDER_SANITIZER
int pthread_create(pthread_t *thread, const pthread_attr_t *attributes, void *(*routine)(void *), void *argument) {
    pthread_create_function next = next_pthread_create();
    if (next == NULL) return EAGAIN;
    size_t size = cfh_thread_alternate_stack_size();
    if (size == 0) return next(thread, attributes, routine, argument);
    struct start_request *request = malloc(sizeof *request);
    if (request == NULL) return next(thread, attributes, routine, argument);
    request->routine = routine;
    request->argument = argument;
    request->stack_size = size;
    int result = next(thread, attributes, start_with_alternate_stack, request);
    if (result != 0) free(request);
    return result;
}
#endif

// MARK: Startup

/// Enables the handlers before main when SWIFT_FAULTHANDLER asks for it (see the header). Runs after the
/// shared libraries' constructors (libswiftCore's installs Swift's own crash handler first), so the handlers
/// enabled here replace or chain to it exactly as an `enable()` call in main would.
__attribute__((constructor)) static void enable_from_environment(void) {
    if (swift_faulthandler_startup == NULL) return;
    const char *options = getenv("SWIFT_FAULTHANDLER");
    if (options == NULL || options[0] == '\0' || strcmp(options, "0") == 0) return;
    if (cfh_is_secure_execution()) return;
    swift_faulthandler_startup(options);
}

// MARK: Test hooks

void cfh_watchdog_observe(int phase) {
    if (cfh_test_hook_watchdog_dump != NULL) cfh_test_hook_watchdog_dump(phase);
}
