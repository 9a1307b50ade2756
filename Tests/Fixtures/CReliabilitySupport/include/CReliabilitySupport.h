// Hostile crashes for the reliability suite: faults whose stacks an unwinder cannot trust. Each function
// faults and never returns. They are written in C (and assembly) because Swift cannot corrupt its own frames.
#ifndef CRELIABILITYSUPPORT_H
#define CRELIABILITYSUPPORT_H

/// Overwrites this frame's saved frame pointer and return address with garbage, then dereferences NULL.
void reliability_fault_with_clobbered_frame(void);

/// Makes this frame's saved frame pointer point at itself and its return address point back into the same
/// function, then dereferences NULL: a naive unwinder walks this frame forever.
void reliability_fault_in_frame_cycle(void);

/// Assembly without unwind information: sets rsp and rbp to small garbage values, then dereferences NULL.
/// The signal can only be delivered on the alternate stack.
void reliability_fault_with_garbage_stack_pointer(void);

/// Calls a function pointer holding `address` (an unmapped or non-canonical address): the fault's pc lies
/// in no image.
void reliability_call_address(unsigned long address);

/// Copies a `ret` instruction to the stack and calls it: the fault's pc lies in a non-executable mapping.
void reliability_execute_stack(void);

/// Fills the 2 KiB of stack above this frame's caller with `pattern` (destroying every caller frame that lies
/// there), then dereferences NULL.
void reliability_fault_with_smashed_stack(unsigned long pattern);

/// Returns the write end of a pipe whose read end is already closed (a write fails with EPIPE and raises
/// SIGPIPE), or -1.
int reliability_broken_pipe(void);

/// Limits the size of files this process may write to `bytes` (RLIMIT_FSIZE); a write past it fails with
/// EFBIG and raises SIGXFSZ. Returns 0 on success.
int reliability_limit_file_size(unsigned long bytes);

/// Closes every descriptor from `first` to 1023.
void reliability_close_descriptors_from(int first);

/// Divides with the C `/` operator (SIGFPE when `divisor` is zero; Swift would trap with SIGILL instead).
int reliability_divide(int dividend, int divisor);

/// Sets the calling thread's name (pthread_setname_np, which Swift cannot see without _GNU_SOURCE).
void reliability_set_thread_name(const char *name);

#endif
