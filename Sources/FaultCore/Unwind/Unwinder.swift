// The stack walk: from a register file to frames, using DWARF CFI where an FDE covers the pc, the signal
// frame's saved ucontext at a signal trampoline, and the frame-pointer chain otherwise.

/// What one step produced: the caller's flags, or why the walk stops.
struct UnwindStep {
    /// Flags of the caller frame (valid when `stop` is nil).
    var flags: StackFrameFlags
    /// Why the walk ends, or nil to continue.
    var stop: UnwindStopReason?
    /// Whether the frame just stepped over is a signal trampoline.
    var isTrampoline: Bool

    /// A step to the caller.
    ///
    /// - Signal safety: safe. Stores values.
    @_noAllocation @_noLocks
    init(flags: StackFrameFlags, isTrampoline: Bool = false) {
        self.flags = flags
        self.stop = nil
        self.isTrampoline = isTrampoline
    }

    /// The end of the walk.
    ///
    /// - Signal safety: safe. Stores values.
    @_noAllocation @_noLocks
    init(stop: UnwindStopReason) {
        self.flags = StackFrameFlags(rawValue: 0)
        self.stop = stop
        self.isTrampoline = false
    }
}

/// The stack unwinder (x86_64 Linux).
package enum Unwinder {
    /// Unwinds the stack described by `registers` (17 values by x86_64 DWARF number: rax, rdx, rcx, rbx, rsi,
    /// rdi, rbp, rsp, r8–r15, rip — as filled by `cfh_ucontext_registers` or `cfh_capture_registers`) into
    /// `frames`. The first frame is `registers[16]` with an exact pc. Stops at the end of the stack, at the
    /// buffer's capacity (then `truncated` is true), on unreadable memory, when the stack pointer stops
    /// increasing, or when no unwind method applies. Call `ImageTable.prepare()` beforehand (outside the
    /// handler); without a prepared table only the link_map fallback and the frame-pointer chain are used.
    ///
    /// Every read of stack or unwind data is guarded or bounds-checked, and every loop is bounded (frames by
    /// the buffer, tables by their sizes).
    ///
    /// - Signal safety: safe. No allocation, no locks, guarded reads, bounded loops.
    @_noAllocation @_noLocks
    package static func unwind(registers: UnsafePointer<UInt64>,
                               into frames: UnsafeMutableBufferPointer<StackFrame>) -> UnwindResult {
        guard let output = frames.baseAddress, frames.count > 0 else {
            return UnwindResult(count: 0, truncated: true, stopReason: .bufferFull)
        }
        var state = UnwindRegisters(copying: registers)
        var flags = StackFrameFlags(rawValue: 0)
        var image = ImageRecord()
        var validatedImage: UInt = 0
        var window = StackWindow()
        var count = 0
        while true {
            let pc = UInt(state.value(DwarfRegister.rip))
            let stackPointer = state.isValid(DwarfRegister.rsp) ? UInt(state.value(DwarfRegister.rsp)) : 0
            if count >= frames.count {
                return UnwindResult(count: count, truncated: true, stopReason: .bufferFull)
            }
            output[count] = StackFrame(pc: pc, stackPointer: stackPointer, flags: flags)
            count &+= 1
            if pc == 0 && count > 1 { return UnwindResult(count: count, truncated: false, stopReason: .endOfStack) }

            var caller = state
            let step = stepToCaller(&caller, flags: flags, isFirstFrame: count == 1, image: &image,
                                    validatedImage: &validatedImage, window: &window)
            if step.isTrampoline {
                // The trampoline's address is where the handler "returns" to, not after a call: look it up
                // as is (glibc's __restore_rt is preceded by padding that belongs to no symbol).
                output[count &- 1].flags = StackFrameFlags(
                    rawValue: (output[count &- 1].flags.rawValue & ~StackFrameFlags.returnAddress.rawValue)
                        | StackFrameFlags.signalTrampoline.rawValue)
            }
            if let reason = step.stop { return UnwindResult(count: count, truncated: false, stopReason: reason) }
            if caller.value(DwarfRegister.rip) == 0 || !caller.isValid(DwarfRegister.rip) {
                return UnwindResult(count: count, truncated: false, stopReason: .endOfStack)
            }
            // Ordinary frames must move up the stack; a signal frame may switch stacks (sigaltstack).
            if !step.flags.contains(.viaSignalContext) {
                let newStackPointer = caller.value(DwarfRegister.rsp)
                if !caller.isValid(DwarfRegister.rsp) || newStackPointer <= UInt64(stackPointer) {
                    return UnwindResult(count: count, truncated: false, stopReason: .noProgress)
                }
            }
            state = caller
            flags = step.flags
        }
    }

    /// Replaces `registers` (the frame at its rip, described by `flags`) with its caller's registers.
    /// `image` is scratch space; `validatedImage` is the start of the last image whose mapping was checked;
    /// `window` caches stack memory for the walk.
    ///
    /// - Signal safety: safe. Bounded lookups and guarded reads.
    @_noAllocation @_noLocks
    static func stepToCaller(_ registers: inout UnwindRegisters, flags: StackFrameFlags, isFirstFrame: Bool,
                             image: inout ImageRecord, validatedImage: inout UInt,
                             window: inout StackWindow) -> UnwindStep {
        let pc = UInt(registers.value(DwarfRegister.rip))
        let lookupPC = flags.contains(.returnAddress) && pc > 0 ? pc &- 1 : pc
        let haveImage = withUnsafeMutablePointer(to: &image) { ImageTable.findImage(containing: lookupPC, into: $0) }
        // A prepared image may have been unloaded (dlclose) since the last refresh: make sure its unwind
        // header is still mapped before trusting plain loads from it; otherwise read it guarded.
        // Checked once per image and walk (`validatedImage`); images without a header are read guarded.
        if haveImage && image.isDirectlyReadable && image.startAddress != validatedImage {
            var probe: UInt8 = 0
            if image.ehFrameHeader != 0 && SafeLibc.readMemory(&probe, from: image.ehFrameHeader, count: 1) {
                validatedImage = image.startAddress
            } else {
                image.isDirectlyReadable = false
            }
        }

        // A signal trampoline: the kernel's rt_sigframe with the interrupted registers sits at rsp.
        let trampoline = withUnsafePointer(to: &image) { isSignalTrampoline(at: pc, image: haveImage ? $0 : nil) }
        if trampoline {
            if !restoreSignalContext(&registers) { return UnwindStep(stop: .invalidRead) }
            return UnwindStep(flags: StackFrameFlags.viaSignalContext, isTrampoline: true)
        }

        if haveImage {
            let cfi = withUnsafePointer(to: &image) {
                stepWithCFI(&registers, lookupPC: lookupPC, image: $0, window: &window)
            }
            if case .malformedUnwindInfo? = cfi.stop {} else { return cfi }
            // No FDE, or one we cannot use: try the frame pointer chain below.
        }

        // A pc in no executable segment (a call through a bad pointer): the return address is at [rsp].
        if isFirstFrame && !(haveImage && image.isExecutable(lookupPC)) {
            if let step = stepThroughLeaf(&registers, image: &image, window: &window) { return step }
        }
        return stepWithFramePointer(&registers, window: &window)
    }

    /// One CFI step: finds the FDE for `lookupPC`, computes the row and applies it. Returns
    /// `.malformedUnwindInfo` when there is no FDE or it cannot be used (the caller then tries other methods).
    ///
    /// - Signal safety: safe. Bounded FDE search, CFA program and expression evaluation; guarded reads.
    @_noAllocation @_noLocks
    static func stepWithCFI(_ registers: inout UnwindRegisters, lookupPC: UInt,
                            image: UnsafePointer<ImageRecord>, window: inout StackWindow) -> UnwindStep {
        guard let fde = FDELookup.find(pc: lookupPC, image: image),
              let row = CFAProgram.row(for: lookupPC, fde: fde, image: image) else {
            return UnwindStep(stop: .malformedUnwindInfo)
        }
        let returnColumn = fde.cie.returnAddressRegister
        if returnColumn > 16 { return UnwindStep(stop: .malformedUnwindInfo) }
        if row.rule(Int(returnColumn)).kind == RegisterRule.undefined {
            return UnwindStep(stop: .endOfStack)
        }
        // The CFA.
        var cfa: UInt64
        if row.cfaIsExpression {
            guard let value = DwarfExpression.evaluate(address: row.cfaExpression, length: row.cfaExpressionLength,
                                                       registers: registers, initial: nil, image: image) else {
                return UnwindStep(stop: .malformedUnwindInfo)
            }
            cfa = value
        } else {
            if !registers.isValid(row.cfaRegister) { return UnwindStep(stop: .noUnwindInfo) }
            cfa = registers.value(row.cfaRegister) &+ UInt64(bitPattern: row.cfaOffset)
        }
        // Every register of the caller, from the callee's values.
        var caller = registers
        var register = 0
        while register < DwarfRegister.count {
            let rule = row.rule(register)
            switch rule.kind {
            case RegisterRule.sameValue:
                break
            case RegisterRule.undefined:
                caller.set(register, 0, valid: false)
            case RegisterRule.offset:
                guard let value = window.readWord(at: UInt(cfa &+ UInt64(bitPattern: rule.value))) else {
                    return UnwindStep(stop: .invalidRead)
                }
                caller.set(register, value)
            case RegisterRule.valueOffset:
                caller.set(register, cfa &+ UInt64(bitPattern: rule.value))
            case RegisterRule.register:
                let source = Int(rule.value)
                caller.set(register, registers.value(source), valid: registers.isValid(source))
            case RegisterRule.expression, RegisterRule.valueExpression:
                guard let result = DwarfExpression.evaluate(address: UInt(bitPattern: Int(rule.value)),
                                                            length: rule.length, registers: registers,
                                                            initial: cfa, image: image) else {
                    return UnwindStep(stop: .malformedUnwindInfo)
                }
                if rule.kind == RegisterRule.valueExpression {
                    caller.set(register, result)
                } else {
                    guard let value = window.readWord(at: UInt(result)) else {
                        return UnwindStep(stop: .invalidRead)
                    }
                    caller.set(register, value)
                }
            default:
                return UnwindStep(stop: .malformedUnwindInfo)
            }
            register &+= 1
        }
        // The caller's stack pointer is the CFA unless a rule says otherwise (signal frames).
        if row.rule(DwarfRegister.rsp).kind == RegisterRule.sameValue {
            caller.set(DwarfRegister.rsp, cfa)
        }
        let returnAddress = caller.value(Int(returnColumn))
        caller.set(DwarfRegister.rip, returnAddress, valid: caller.isValid(Int(returnColumn)))
        registers = caller
        // An 'S' CIE (signal frame): the caller's pc is the interrupted instruction, not a return address.
        if fde.cie.isSignalFrame {
            return UnwindStep(flags: StackFrameFlags.viaCFI.union(.viaSignalContext), isTrampoline: true)
        }
        return UnwindStep(flags: StackFrameFlags.viaCFI.union(.returnAddress))
    }
}
