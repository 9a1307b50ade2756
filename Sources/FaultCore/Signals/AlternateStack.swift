// Alternate signal stacks, so that a stack overflow can still be dumped: the kernel cannot push a signal frame
// on an exhausted stack, and without an alternate stack the process dies silently.

import CFaultHandlerSupport

#if canImport(Glibc)
import Glibc
#endif

/// Installs alternate signal stacks for threads.
package enum AlternateStack {
    /// The size we give a thread's alternate stack: the dump (unwinder, symbol lookup, demangler, formatting)
    /// runs on it, and the dynamic linker may need room too on a first lazy binding. Only the pages a dump
    /// touches become resident. Unoptimised builds need much more (their frames are far larger).
    package static var size: Int {
        #if DEBUG
        return 512 * 1024
        #else
        return 256 * 1024
        #endif
    }

    /// Gives the calling thread an alternate signal stack of at least `size` bytes, unless it already has one
    /// that large (Swift's runtime gives the main thread only 24 KiB, which is replaced). The stack is mapped
    /// with a guard page below it and is never unmapped (the thread may fault at any later time).
    ///
    /// - Returns: true if the thread has a large enough alternate stack afterwards.
    /// - Signal safety: unsafe. Call outside signal handlers only (mmap and sigaltstack are fine, but this is
    ///   part of setup).
    @discardableResult
    package static func installForCurrentThread() -> Bool {
        var current = stack_t()
        if sigaltstack(nil, &current) == 0, current.ss_flags & Int32(SS_DISABLE) == 0, current.ss_size >= size {
            return true
        }
        if current.ss_flags & Int32(SS_ONSTACK) != 0 { return false }  // cannot replace the stack we are running on
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let total = size + pageSize
        guard let mapping = mmap(nil, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0),
              mapping != MAP_FAILED
        else { return false }
        // The lowest page stays inaccessible: an overflow of the alternate stack faults instead of corrupting
        // whatever lies below it.
        _ = mprotect(mapping, pageSize, PROT_NONE)
        var stack = stack_t(ss_sp: mapping + pageSize, ss_flags: 0, ss_size: size)
        if sigaltstack(&stack, nil) != 0 {
            munmap(mapping, total)
            return false
        }
        return true
    }

    /// Makes every thread created from now on install an alternate stack of `size` bytes for itself (through
    /// the library's `pthread_create` wrapper, see CFaultHandlerSupport/threads.c).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func enableForNewThreads() {
        cfh_set_thread_alternate_stack_size(size)
    }

    /// Stops giving new threads alternate stacks (threads that have one keep it until they exit).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func disableForNewThreads() {
        cfh_set_thread_alternate_stack_size(0)
    }
}
