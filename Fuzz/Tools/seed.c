/* A tiny program whose object files and executables seed the ELF, DWARF and CFI fuzz corpora. */
#include <stdio.h>
#include <stdlib.h>

static inline int square(int x) { return x * x; }

__attribute__((noinline)) int accumulate(const int *values, int count) {
    int total = 0;
    for (int i = 0; i < count; i++) total += square(values[i]);
    return total;
}

__attribute__((noinline)) void report(int value) {
    char buffer[64];
    snprintf(buffer, sizeof buffer, "%d\n", value);
    fputs(buffer, stdout);
}

int main(int argc, char **argv) {
    int values[4] = {argc, 2, 3, 4};
    if (argc > 3) abort();
    report(accumulate(values, 4));
    return 0;
}
