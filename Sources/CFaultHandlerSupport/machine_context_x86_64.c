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

// Frame: push rbp; rbp = rsp; 144 bytes for 17 registers (keeps rsp 16-byte aligned for the call). The
// registers stored are the caller's: rbp as it was on entry, rsp as it will be after this function returns,
// rip the return address. Callee-saved registers are not touched before they are stored.
__attribute__((naked)) void cfh_capture_and_call(cfh_registers_callback callback, void *context) {
    __asm__ volatile(
        "pushq %rbp\n\t"
        "movq %rsp, %rbp\n\t"
        "subq $144, %rsp\n\t"
        "movq %rax, 0(%rsp)\n\t"
        "movq %rdx, 8(%rsp)\n\t"
        "movq %rcx, 16(%rsp)\n\t"
        "movq %rbx, 24(%rsp)\n\t"
        "movq %rsi, 32(%rsp)\n\t"
        "movq %rdi, 40(%rsp)\n\t"
        "movq 0(%rbp), %rax\n\t"
        "movq %rax, 48(%rsp)\n\t"
        "leaq 16(%rbp), %rax\n\t"
        "movq %rax, 56(%rsp)\n\t"
        "movq %r8, 64(%rsp)\n\t"
        "movq %r9, 72(%rsp)\n\t"
        "movq %r10, 80(%rsp)\n\t"
        "movq %r11, 88(%rsp)\n\t"
        "movq %r12, 96(%rsp)\n\t"
        "movq %r13, 104(%rsp)\n\t"
        "movq %r14, 112(%rsp)\n\t"
        "movq %r15, 120(%rsp)\n\t"
        "movq 8(%rbp), %rax\n\t"
        "movq %rax, 128(%rsp)\n\t"
        "movq %rdi, %rax\n\t"
        "movq %rsp, %rdi\n\t"
        "callq *%rax\n\t"
        "leave\n\t"
        "ret\n\t");
}

#else
#error "swift-faulthandler supports x86_64 Linux only for now"
#endif

size_t cfh_ucontext_size(void) { return sizeof(ucontext_t); }
