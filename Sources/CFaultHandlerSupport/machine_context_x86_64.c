// ucontext_t access for x86_64. REG_* names are only visible with _GNU_SOURCE, which this file defines.
#define _GNU_SOURCE
#include "CFaultHandlerSupport.h"

#include <string.h>
#include <ucontext.h>

#if defined(__x86_64__)

void cfh_ucontext_registers(const void *context, uint64_t registers[CFH_REGISTER_COUNT]) {
    const greg_t *gregs = ((const ucontext_t *)context)->uc_mcontext.gregs;
    // DWARF numbering (System V x86_64 psABI, figure 3.36).
    registers[0] = (uint64_t)gregs[REG_RAX];
    registers[1] = (uint64_t)gregs[REG_RDX];
    registers[2] = (uint64_t)gregs[REG_RCX];
    registers[3] = (uint64_t)gregs[REG_RBX];
    registers[4] = (uint64_t)gregs[REG_RSI];
    registers[5] = (uint64_t)gregs[REG_RDI];
    registers[6] = (uint64_t)gregs[REG_RBP];
    registers[7] = (uint64_t)gregs[REG_RSP];
    registers[8] = (uint64_t)gregs[REG_R8];
    registers[9] = (uint64_t)gregs[REG_R9];
    registers[10] = (uint64_t)gregs[REG_R10];
    registers[11] = (uint64_t)gregs[REG_R11];
    registers[12] = (uint64_t)gregs[REG_R12];
    registers[13] = (uint64_t)gregs[REG_R13];
    registers[14] = (uint64_t)gregs[REG_R14];
    registers[15] = (uint64_t)gregs[REG_R15];
    registers[16] = (uint64_t)gregs[REG_RIP];
}

// Written in assembly so that no compiler-chosen prologue disturbs the registers: on entry rsp points at the
// return address, so the caller's rsp after the call returns is rsp + 8.
__attribute__((naked)) void cfh_capture_registers(uint64_t registers[CFH_REGISTER_COUNT]) {
    __asm__ volatile(
        "movq %rax, 0(%rdi)\n\t"
        "movq %rdx, 8(%rdi)\n\t"
        "movq %rcx, 16(%rdi)\n\t"
        "movq %rbx, 24(%rdi)\n\t"
        "movq %rsi, 32(%rdi)\n\t"
        "movq %rdi, 40(%rdi)\n\t"
        "movq %rbp, 48(%rdi)\n\t"
        "leaq 8(%rsp), %rax\n\t"
        "movq %rax, 56(%rdi)\n\t"
        "movq %r8, 64(%rdi)\n\t"
        "movq %r9, 72(%rdi)\n\t"
        "movq %r10, 80(%rdi)\n\t"
        "movq %r11, 88(%rdi)\n\t"
        "movq %r12, 96(%rdi)\n\t"
        "movq %r13, 104(%rdi)\n\t"
        "movq %r14, 112(%rdi)\n\t"
        "movq %r15, 120(%rdi)\n\t"
        "movq (%rsp), %rax\n\t"
        "movq %rax, 128(%rdi)\n\t"
        "movq 0(%rdi), %rax\n\t"
        "ret\n\t");
}

#else
#error "swift-faulthandler supports x86_64 Linux only for now"
#endif

size_t cfh_ucontext_size(void) { return sizeof(ucontext_t); }
