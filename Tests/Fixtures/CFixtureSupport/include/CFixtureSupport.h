// C helpers for the crash fixture: crashes that need C (integer division trap, qsort callbacks, mmap tricks).
#ifndef CFIXTURESUPPORT_H
#define CFIXTURESUPPORT_H
#endif
