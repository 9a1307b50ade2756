// Signal-handler plumbing Swift cannot express in compiler-checked code: calling a C function pointer and
// reading siginfo_t union members.
#define _GNU_SOURCE
#include "CFaultHandlerSupport.h"

void cfh_call_sigaction(cfh_sigaction_handler handler, int signo, siginfo_t *info, void *context) {
    handler(signo, info, context);
}

void cfh_call_handler(void (*handler)(int), int signo) { handler(signo); }

void *cfh_siginfo_address(const siginfo_t *info) { return info->si_addr; }

int cfh_siginfo_pid(const siginfo_t *info) { return info->si_pid; }
