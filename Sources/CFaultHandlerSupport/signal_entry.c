// Signal-handler plumbing Swift cannot express in compiler-checked code: calling a C function pointer and
// reading siginfo_t union members.
#define _GNU_SOURCE
#include "CFaultHandlerSupport.h"

#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

void cfh_call_sigaction(cfh_sigaction_handler handler, int signo, siginfo_t *info, void *context) {
    handler(signo, info, context);
}

void cfh_call_handler(void (*handler)(int), int signo) { handler(signo); }

static int pending_output_signals(void) {
    sigset_t pending;
    sigemptyset(&pending);
    if (sigpending(&pending) != 0) return 0;
    return (sigismember(&pending, SIGPIPE) == 1 ? 1 : 0) | (sigismember(&pending, SIGXFSZ) == 1 ? 2 : 0);
}

void cfh_begin_output_signal_guard(sigset_t *previous, int *pending) {
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    sigaddset(&block, SIGXFSZ);
    *pending = pending_output_signals();
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, &block, previous, (size_t)(_NSIG / 8));
}

void cfh_end_output_signal_guard(const sigset_t *previous, int pending) {
    int raised = pending_output_signals() & ~pending;
    struct timespec zero = {0, 0};
    for (int round = 0; round < 2 && raised != 0; round++) {
        sigset_t consume;
        sigemptyset(&consume);
        if (raised & 1) sigaddset(&consume, SIGPIPE);
        if (raised & 2) sigaddset(&consume, SIGXFSZ);
        long taken = syscall(SYS_rt_sigtimedwait, &consume, NULL, &zero, (size_t)(_NSIG / 8));
        if (taken == SIGPIPE) raised &= ~1;
        else if (taken == SIGXFSZ) raised &= ~2;
        else break;
    }
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, previous, NULL, (size_t)(_NSIG / 8));
}

void *cfh_siginfo_address(const siginfo_t *info) { return info->si_addr; }

int cfh_siginfo_pid(const siginfo_t *info) { return info->si_pid; }
