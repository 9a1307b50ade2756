// C crash paths for the oracle comparison, compiled with clang -O2 -g by the integration tests, so the dump
// must unwind frames without frame pointers and name functions the optimiser inlined.
#include "oracle_c.h"

#include <stdlib.h>

/// Where the parser writes; a NULL pointer reached through a volatile read, so the compiler keeps the store.
static int *volatile oracle_target = 0;

/// Stores the byte through the NULL target: the fault.
__attribute__((noinline)) static int oracle_c_store(int byte) {
    *oracle_target = byte;
    return byte + 1;
}

/// Small enough to be inlined into its caller at -O2.
static inline int oracle_c_token(const char *text, int index) {
    int byte = text[index];
    if (byte == ';') return oracle_c_store(byte);
    return byte;
}

/// Walks the text, one token at a time (noinline: a real frame between the store and the entry point).
__attribute__((noinline)) static int oracle_c_scan(const char *text) {
    int sum = 0;
    for (int index = 0; text[index] != 0 && index < 64; index++) {
        sum += oracle_c_token(text, index);
    }
    return sum;
}

int oracle_c_parse(const char *text) {
    int result = oracle_c_scan(text);
    return result * 3;  // not a tail call
}

void oracle_c_sort(int (*compare)(const void *, const void *)) {
    int values[] = {5, 3, 9, 1, 7, 2};
    qsort(values, 6, sizeof(int), compare);
    oracle_target = values;  // after the call: keeps qsort from being a tail call
}

__attribute__((noinline)) static void oracle_c_abort_inner(int depth) {
    if (depth <= 0) abort();
    oracle_c_abort_inner(depth - 1);
    oracle_target = 0;
}

void oracle_c_abort(int depth) {
    oracle_c_abort_inner(depth);
    oracle_target = 0;
}

int oracle_c_divide(int dividend, int divisor) {
    volatile int d = divisor;  // the division happens at run time
    return dividend / d + 1;
}
