// C half of the oracle crash program: crashes that pass through C frames compiled with clang -O2 -g.
// Used as the bridging header of oracle.swift (swiftc -import-objc-header).
#ifndef ORACLE_C_H
#define ORACLE_C_H

/// Parses `text` with a chain of small C functions (some inlined by -O2) and dereferences NULL at the end.
int oracle_c_parse(const char *text);

/// Sorts a small array with qsort(3) calling `compare`: frames of libc between the callback and C.
void oracle_c_sort(int (*compare)(const void *, const void *));

/// Calls abort(3) two C calls deep.
void oracle_c_abort(int depth);

/// Divides by `divisor` with C integer division (SIGFPE when it is zero).
int oracle_c_divide(int dividend, int divisor);

#endif
