// The machine registers an unwind starts from.

import CFaultHandlerSupport

/// The DWARF register file of one frame on x86_64 (rax..r15 = 0..15, rip = 16), stored inline.
package struct RegisterFile {
    /// Number of registers.
    package static let count = Int(CFH_REGISTER_COUNT)
    package var storage: (
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
    ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    /// - Signal safety: safe. Zero-initialised value.
    @_noAllocation @_noLocks
    package init() {}

    /// Registers of the interrupted code, from a signal handler's `ucontext_t`.
    ///
    /// - Signal safety: safe. Memory reads of the kernel-provided context (C shim).
    @_noAllocation @_noLocks
    package init(context: UnsafeRawPointer) {
        withUnsafeMutableBytes(of: &storage) { bytes in
            let registers = bytes.baseAddress!.assumingMemoryBound(to: UInt64.self)
            _unsafePerformance { cfh_ucontext_registers(context, registers) }
        }
    }

    /// A copy of 17 registers in DWARF order.
    ///
    /// - Signal safety: safe. Memory copy.
    @_noAllocation @_noLocks
    package init(copying registers: UnsafePointer<UInt64>) {
        withUnsafeMutableBytes(of: &storage) { bytes in
            bytes.baseAddress!.copyMemory(from: registers, byteCount: 17 * 8)
        }
    }

    /// The program counter (rip).
    package var pc: UInt64 {
        @_noAllocation @_noLocks get { storage.16 }
    }

    /// The stack pointer (rsp).
    package var sp: UInt64 {
        @_noAllocation @_noLocks get { storage.7 }
    }

    /// The frame pointer (rbp).
    package var fp: UInt64 {
        @_noAllocation @_noLocks get { storage.6 }
    }
}
