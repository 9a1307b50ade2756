// The unwinder's output: one value per frame, written into a caller-provided buffer.

/// How a frame's pc was obtained and how it must be looked up.
///
/// A plain bit set rather than an `OptionSet`, so that every operation is a concrete, checkable function on the
/// handler path (the protocol's default implementations are generic).
package struct StackFrameFlags: Sendable, Equatable {
    package var rawValue: UInt8

    /// Creates flags from their raw bits.
    ///
    /// - Signal safety: safe. Stores a byte.
    @_noAllocation @_noLocks
    package init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Whether every bit of `other` is set.
    ///
    /// - Signal safety: safe. Bit arithmetic.
    @_noAllocation @_noLocks
    package func contains(_ other: StackFrameFlags) -> Bool { rawValue & other.rawValue == other.rawValue }

    /// The bits of both.
    ///
    /// - Signal safety: safe. Bit arithmetic.
    @_noAllocation @_noLocks
    package func union(_ other: StackFrameFlags) -> StackFrameFlags { StackFrameFlags(rawValue: rawValue | other.rawValue) }

    /// Sets the bits of `other`.
    ///
    /// - Signal safety: safe. Bit arithmetic.
    @_noAllocation @_noLocks
    package mutating func insert(_ other: StackFrameFlags) { rawValue |= other.rawValue }

    /// The pc is a return address: symbol and line lookups must use `pc - 1` (the call instruction). Not set
    /// for the first frame or for the frame interrupted by a signal, whose pc is the exact instruction.
    package static var returnAddress: StackFrameFlags { @_noAllocation @_noLocks get { StackFrameFlags(rawValue: 1) } }
    /// The pc was recovered with DWARF call frame information of the frame below.
    package static var viaCFI: StackFrameFlags { @_noAllocation @_noLocks get { StackFrameFlags(rawValue: 2) } }
    /// The pc was recovered by following the frame-pointer (rbp) chain, or the leaf heuristic ([rsp]).
    package static var viaFramePointer: StackFrameFlags { @_noAllocation @_noLocks get { StackFrameFlags(rawValue: 4) } }
    /// The pc was recovered from a `ucontext_t` saved by the kernel on a signal frame.
    package static var viaSignalContext: StackFrameFlags { @_noAllocation @_noLocks get { StackFrameFlags(rawValue: 8) } }
    /// This frame is a signal trampoline (glibc's `__restore_rt`): a handler was running above it.
    package static var signalTrampoline: StackFrameFlags { @_noAllocation @_noLocks get { StackFrameFlags(rawValue: 16) } }
}

/// One frame of an unwound stack.
package struct StackFrame: Sendable {
    /// The instruction address (exact or a return address, see `flags`).
    package var pc: UInt
    /// The stack pointer (rsp) of the frame when `pc` executes; 0 if unknown.
    package var stackPointer: UInt
    /// How `pc` was obtained.
    package var flags: StackFrameFlags

    /// Creates a frame.
    ///
    /// - Signal safety: safe. Stores values.
    @_noAllocation @_noLocks
    package init(pc: UInt, stackPointer: UInt, flags: StackFrameFlags) {
        self.pc = pc
        self.stackPointer = stackPointer
        self.flags = flags
    }

    /// The address to use for symbol, line and unwind-table lookups: `pc - 1` for return addresses (so a call
    /// that ends a function is attributed to that function), `pc` otherwise.
    package var lookupPC: UInt {
        @_noAllocation @_noLocks get { flags.contains(.returnAddress) && pc > 0 ? pc &- 1 : pc }
    }
}

/// Why an unwind ended.
package enum UnwindStopReason: UInt8, Sendable {
    /// The outermost frame was reached (the return address rule is undefined, or the return address is 0).
    case endOfStack
    /// The caller's buffer is full and more frames follow.
    case bufferFull
    /// Neither CFI nor the frame-pointer chain gave a plausible caller.
    case noUnwindInfo
    /// A read of stack or unwind data failed (unmapped memory).
    case invalidRead
    /// The stack pointer did not increase from one (non-signal) frame to its caller.
    case noProgress
    /// The unwind tables were malformed or used an unsupported construct.
    case malformedUnwindInfo
}

/// The outcome of `Unwinder.unwind`.
package struct UnwindResult: Sendable {
    /// Number of frames written to the caller's buffer.
    package var count: Int
    /// True when the buffer filled up before the end of the stack (print `...` after the frames).
    package var truncated: Bool
    /// Why the walk ended.
    package var stopReason: UnwindStopReason

    /// Creates a result.
    ///
    /// - Signal safety: safe. Stores values.
    @_noAllocation @_noLocks
    package init(count: Int, truncated: Bool, stopReason: UnwindStopReason) {
        self.count = count
        self.truncated = truncated
        self.stopReason = stopReason
    }
}
