// Hostile crashes for the reliability suite. See the header for what each one does. Compiled by SwiftPM
// (-O0 in debug builds, -O2 -fno-omit-frame-pointer in release), so frames use rbp in both.
#define _GNU_SOURCE
#include "CReliabilitySupport.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

/// A NULL pointer the compiler cannot see through.
static volatile int *volatile reliability_null = 0;

__attribute__((noinline)) void reliability_fault_with_clobbered_frame(void) {
    void *volatile *frame = __builtin_frame_address(0);  // [0] saved rbp, [1] return address
    frame[0] = (void *)0x0000dead0000beefUL;
    frame[1] = (void *)0x0000000041414141UL;
    *reliability_null = 1;
}

__attribute__((noinline)) void reliability_fault_in_frame_cycle(void) {
    void *volatile *frame = __builtin_frame_address(0);
    frame[0] = (void *)frame;
    frame[1] = &&fault;  // the "caller" is this function again, with the same frame
fault:
    *reliability_null = 2;
    __builtin_unreachable();
}

// No .cfi directives: the unwinder finds no FDE for this code and must fall back on its own.
__asm__(
    ".text\n"
    ".globl reliability_fault_with_garbage_stack_pointer\n"
    ".type reliability_fault_with_garbage_stack_pointer, @function\n"
    "reliability_fault_with_garbage_stack_pointer:\n"
    "    movq $0x1008, %rsp\n"
    "    movq $0x2000, %rbp\n"
    "    xorl %eax, %eax\n"
    "    movq (%rax), %rax\n"
    "    ud2\n"
    ".size reliability_fault_with_garbage_stack_pointer, .-reliability_fault_with_garbage_stack_pointer\n");

__attribute__((noinline)) void reliability_call_address(unsigned long address) {
    void (*function)(void) = (void (*)(void))address;
    function();
    *reliability_null = 3;  // not reached; keeps the call from being a tail call
}

__attribute__((noinline)) void reliability_execute_stack(void) {
    unsigned char code[16];
    memset(code, 0xc3, sizeof code);  // ret
    void (*function)(void) = (void (*)(void))(void *)code;
    function();
    *reliability_null = 4;
}

__attribute__((noinline)) void reliability_fault_with_smashed_stack(unsigned long pattern) {
    uintptr_t *frame = __builtin_frame_address(0);
    volatile uintptr_t *above = frame + 2;  // the caller's frame and everything older
    for (int index = 0; index < 256; index++) above[index] = pattern + (uintptr_t)index * 8;
    *reliability_null = 5;
}

int reliability_broken_pipe(void) {
    int fds[2];
    if (pipe(fds) != 0) return -1;
    close(fds[0]);
    return fds[1];
}

int reliability_limit_file_size(unsigned long bytes) {
    struct rlimit limit = {bytes, bytes};
    return setrlimit(RLIMIT_FSIZE, &limit);
}

void reliability_close_descriptors_from(int first) {
    for (int fd = first; fd < 1024; fd++) close(fd);
}

__attribute__((noinline)) int reliability_divide(int dividend, int divisor) {
    volatile int d = divisor;  // the division happens at run time
    return dividend / d;
}

#include <pthread.h>

void reliability_set_thread_name(const char *name) { pthread_setname_np(pthread_self(), name); }
