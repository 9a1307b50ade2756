// C support for swift-faulthandler: only what Swift cannot express directly.
//
// Every function here is small and async-signal-safe unless its comment says otherwise. The header must
// never define _GNU_SOURCE (that breaks importing Glibc in Swift); the .c files define it themselves.
#ifndef CFAULTHANDLERSUPPORT_H
#define CFAULTHANDLERSUPPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <signal.h>

#ifdef __cplusplus
extern "C" {
#endif

// MARK: errno (Glibc's `errno` is a Swift computed property; these are plain calls)

/// Returns the calling thread's errno. Async-signal-safe.
int cfh_errno(void);
/// Sets the calling thread's errno. Async-signal-safe.
void cfh_set_errno(int value);

// MARK: Raw system calls (syscall(2) is variadic and unavailable from Swift)

/// gettid(2). Async-signal-safe (a raw system call).
long cfh_gettid(void);
/// tgkill(2). Returns 0 or -errno. Async-signal-safe.
long cfh_tgkill(long tgid, long tid, int sig);
/// getdents64(2) into `buffer`. Returns bytes read, 0 at end, or -errno. Async-signal-safe.
long cfh_getdents64(int fd, void *buffer, size_t count);
/// process_vm_readv(2) on the calling process: copies `count` bytes from `source` to `destination` without
/// faulting. Returns the number of bytes copied or -errno (-EFAULT for unmapped memory). Async-signal-safe.
long cfh_read_own_memory(void *destination, const void *source, size_t count);
/// Names the calling thread (at most 15 bytes are kept), as shown in /proc and in dumps.
void cfh_set_thread_name(const char *name);
/// open(2) (variadic in C). Returns a descriptor or -errno. Async-signal-safe.
int cfh_open(const char *path, int flags, unsigned int mode);
/// sigaction(2). Returns 0 or -errno (Swift sees `sigaction` as both a type and a function).
int cfh_sigaction(int signo, const struct sigaction *action, struct sigaction *previous);
/// futex(2) FUTEX_WAIT with a relative timeout in nanoseconds (0 = none). Returns 0 or -errno.
long cfh_futex_wait(uint32_t *address, uint32_t expected, int64_t timeout_ns);
/// futex(2) FUTEX_WAKE. Returns the number of woken waiters or -errno.
long cfh_futex_wake(uint32_t *address, int count);
/// rt_sigprocmask(2)-based pthread_sigmask without glibc's internal-signal filtering. Returns 0 or -errno.
long cfh_sigprocmask(int how, const sigset_t *set, sigset_t *old);
/// pipe2(2) with O_NONBLOCK | O_CLOEXEC into `fds` (read end, write end). Returns 0 or -errno.
/// Used at preparation time for the write-to-pipe memory probe (the fallback when process_vm_readv is denied).
int cfh_pipe_nonblocking(int fds[2]);
/// glibc's first and last real-time signal numbers (SIGRTMIN/SIGRTMAX are function-like macros Swift cannot
/// import). Async-signal-safe (they read a constant).
int cfh_sigrtmin(void);
int cfh_sigrtmax(void);
/// getauxval(AT_SECURE): non-zero when the process runs set-user-ID, set-group-ID or with capabilities, so
/// the environment must not be trusted.
unsigned long cfh_is_secure_execution(void);

// MARK: Atomics (Swift's Atomic cannot live in a statically-initialised global)

/// Loads a pointer-sized word with acquire ordering. Async-signal-safe (a plain load on x86_64).
uintptr_t cfh_atomic_load_acquire(const uintptr_t *address);
/// Stores a pointer-sized word with release ordering. Async-signal-safe (a plain store on x86_64).
void cfh_atomic_store_release(uintptr_t *address, uintptr_t value);

// MARK: Signals raised by a dump's own writes

/// Blocks SIGPIPE and SIGXFSZ in the calling thread for the duration of a dump, so that writing to a pipe
/// nobody reads or a file at its size limit makes write(2) fail (EPIPE, EFBIG) instead of killing the process
/// (or replacing the signal a crashing process should die by). Stores the previous mask in `previous` and which
/// of the two were already pending in `pending` (bit 0 SIGPIPE, bit 1 SIGXFSZ). Async-signal-safe.
void cfh_begin_output_signal_guard(sigset_t *previous, int *pending);
/// Ends `cfh_begin_output_signal_guard`: discards a SIGPIPE/SIGXFSZ the dump raised (one that was pending
/// before is left alone), then restores the previous mask. Async-signal-safe (raw rt_sigtimedwait with a zero
/// timeout, rt_sigprocmask).
void cfh_end_output_signal_guard(const sigset_t *previous, int pending);

// MARK: Signal handler entry

/// The type of an SA_SIGINFO handler.
typedef void (*cfh_sigaction_handler)(int, siginfo_t *, void *);

/// Calls a previously installed SA_SIGINFO handler. Swift cannot call a C function pointer from code the
/// compiler checks for allocations, so chaining goes through this one-line trampoline.
void cfh_call_sigaction(cfh_sigaction_handler handler, int signo, siginfo_t *info, void *context);
/// Calls a previously installed plain (non-SA_SIGINFO) handler.
void cfh_call_handler(void (*handler)(int), int signo);

/// si_addr of a siginfo_t (a union member Swift imports awkwardly).
void *cfh_siginfo_address(const siginfo_t *info);
/// si_pid of a siginfo_t (the sender of a kill()/tgkill()/sigqueue()).
int cfh_siginfo_pid(const siginfo_t *info);

// MARK: Machine context (x86_64)

/// Number of registers in the DWARF register file we unwind with (x86_64: rax..r15 = 0..15, rip = 16).
#define CFH_REGISTER_COUNT 17

/// Copies the general-purpose registers of a signal's ucontext_t into `registers`, indexed by DWARF register
/// number (x86_64 System V psABI: 0 rax, 1 rdx, 2 rcx, 3 rbx, 4 rsi, 5 rdi, 6 rbp, 7 rsp, 8-15 r8-r15, 16 rip).
/// Async-signal-safe (memory reads only).
void cfh_ucontext_registers(const void *context, uint64_t registers[CFH_REGISTER_COUNT]);

/// Captures the caller's registers (as DWARF register file) at the call site of this function: rip is the
/// return address into the caller, rsp the caller's stack pointer after return, and the callee-saved registers
/// as they are in the caller. Async-signal-safe.
void cfh_capture_registers(uint64_t registers[CFH_REGISTER_COUNT]);

/// Captures the caller's registers (as `cfh_capture_registers` does) and, while the caller's frames are still
/// live, calls `callback(registers, context)`. Use this, not `cfh_capture_registers`, when the stack will be
/// walked: frames that have returned by the time of the walk hold stale data. rip is the return address into
/// the caller. Async-signal-safe.
typedef void (*cfh_registers_callback)(const uint64_t *registers, void *context);
void cfh_capture_and_call(cfh_registers_callback callback, void *context);

/// Size in bytes of a ucontext_t, and the offset of the general registers inside it (for tests).
size_t cfh_ucontext_size(void);

// MARK: Threads: alternate stacks for every new thread, the startup hook, test hooks (threads.c)

/// Sets the size of the alternate signal stack that every thread created from now on installs for itself
/// (0 = none, the default). `pthread_create` is interposed by this library: its start routine wrapper maps
/// `size` bytes plus a guard page, installs them with sigaltstack(2), and unmaps them when the thread exits.
/// Not async-signal-safe (call at enable time).
void cfh_set_thread_alternate_stack_size(size_t size);
/// The size set by `cfh_set_thread_alternate_stack_size`.
size_t cfh_thread_alternate_stack_size(void);

/// The startup hook: a constructor in this library calls `swift_faulthandler_startup(options)` before main when
/// the environment variable SWIFT_FAULTHANDLER is set, not empty and not "0", and the process is not running
/// with elevated privileges (AT_SECURE). The function is declared weak here and defined by the FaultHandling
/// module, so programs that link only the core are unaffected.
void swift_faulthandler_startup(const char *options) __attribute__((weak));

/// Test hook: the watchdog thread calls `cfh_test_hook_watchdog_dump(0)` right before and
/// `cfh_test_hook_watchdog_dump(1)` right after each dump, when a program defines that (weak) function. Used
/// by tests to count allocations made on the watchdog thread during its dump.
void cfh_test_hook_watchdog_dump(int phase) __attribute__((weak));
/// Calls the test hook above if it is defined.
void cfh_watchdog_observe(int phase);

// MARK: Dynamic loader (NOT async-signal-safe: call only outside signal handlers)

/// One loaded image, as reported by dl_iterate_phdr.
typedef struct {
    uintptr_t load_bias;
    const char *name;
    const void *program_headers;
    uint16_t program_header_count;
} cfh_image_info;

/// Calls `callback` for every loaded image. Takes the loader lock: never call it from a signal handler.
typedef int (*cfh_image_callback)(const cfh_image_info *image, void *context);
int cfh_iterate_images(cfh_image_callback callback, void *context);

/// The number of dlopen/dlclose events the loader has seen (glibc's dl_iterate_phdr adds/subs counters).
/// Cheap, lock-free, approximate; used to notice that the image table must be refreshed.
unsigned long long cfh_loader_generation(void);

/// The address of the dynamic linker's r_debug (its link_map list can be walked with guarded reads).
const void *cfh_r_debug(void);

/// Called (outside signal handlers, on the loading thread) after a successful dlopen(3), once set.
typedef void (*cfh_image_change_callback)(void);
/// Sets or clears (NULL) the callback run after each successful dlopen(3). This library interposes dlopen to
/// notice libraries loaded later, so their symbols can be prepared before a crash needs them.
void cfh_set_image_change_callback(cfh_image_change_callback callback);

#ifdef __cplusplus
}
#endif

#endif
