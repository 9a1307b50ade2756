// Raw system calls that Swift cannot reach: syscall(2) is variadic, and gettid/tgkill/getdents64/
// process_vm_readv are only declared under _GNU_SOURCE, which must not leak into an imported header.
#define _GNU_SOURCE
#include "CFaultHandlerSupport.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <linux/futex.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/auxv.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

int cfh_errno(void) { return errno; }

void cfh_set_errno(int value) { errno = value; }

// Converts a raw syscall's -1/errno convention into a -errno return value and leaves errno untouched, so that
// the signal handler's saved errno is never clobbered behind its back.
static long result_or_negative_errno(long result) {
    if (result == -1) {
        long error = -(long)errno;
        return error;
    }
    return result;
}

long cfh_gettid(void) { return syscall(SYS_gettid); }

long cfh_tgkill(long tgid, long tid, int sig) {
    return result_or_negative_errno(syscall(SYS_tgkill, tgid, tid, sig));
}

long cfh_getdents64(int fd, void *buffer, size_t count) {
    return result_or_negative_errno(syscall(SYS_getdents64, fd, buffer, count));
}

long cfh_read_own_memory(void *destination, const void *source, size_t count) {
    struct iovec local = {destination, count};
    struct iovec remote = {(void *)source, count};
    return result_or_negative_errno(syscall(SYS_process_vm_readv, getpid(), &local, 1UL, &remote, 1UL, 0UL));
}

void cfh_set_thread_name(const char *name) { prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL); }

int cfh_open(const char *path, int flags, unsigned int mode) {
    return (int)result_or_negative_errno(syscall(SYS_openat, AT_FDCWD, path, flags, mode));
}

int cfh_sigaction(int signo, const struct sigaction *action, struct sigaction *previous) {
    return sigaction(signo, action, previous) == 0 ? 0 : -errno;
}

long cfh_futex_wait(uint32_t *address, uint32_t expected, int64_t timeout_ns) {
    struct timespec timeout;
    struct timespec *timeout_pointer = NULL;
    if (timeout_ns > 0) {
        timeout.tv_sec = timeout_ns / 1000000000;
        timeout.tv_nsec = timeout_ns % 1000000000;
        timeout_pointer = &timeout;
    }
    return result_or_negative_errno(
        syscall(SYS_futex, address, FUTEX_WAIT_PRIVATE, expected, timeout_pointer, NULL, 0));
}

long cfh_futex_wake(uint32_t *address, int count) {
    return result_or_negative_errno(syscall(SYS_futex, address, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0));
}

long cfh_sigprocmask(int how, const sigset_t *set, sigset_t *old) {
    // The kernel's sigset is 8 bytes on x86_64 (_NSIG / 8), not glibc's 128.
    return result_or_negative_errno(syscall(SYS_rt_sigprocmask, how, set, old, (size_t)(_NSIG / 8)));
}

int cfh_pipe_nonblocking(int fds[2]) {
    return pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0 ? 0 : -errno;
}

int cfh_sigrtmin(void) { return SIGRTMIN; }

int cfh_sigrtmax(void) { return SIGRTMAX; }

unsigned long cfh_is_secure_execution(void) { return getauxval(AT_SECURE); }

// The image table is published with a release store and read from signal handlers with an acquire load.
uintptr_t cfh_atomic_load_acquire(const uintptr_t *address) {
    return __atomic_load_n(address, __ATOMIC_ACQUIRE);
}

void cfh_atomic_store_release(uintptr_t *address, uintptr_t value) {
    __atomic_store_n(address, value, __ATOMIC_RELEASE);
}
