// x86_64 Linux specifics of the walk: glibc's signal trampoline and the kernel's rt_sigframe, and the
// frame-pointer fallbacks.

extension Unwinder {
    /// The first eight code bytes of glibc's `__restore_rt` (`mov $15, %rax`), little-endian; the ninth and
    /// tenth are `0f 05` (`syscall`). rt_sigreturn is system call 15.
    static var restoreTrampolineHead: UInt64 { @_noAllocation @_noLocks get { 0x0f00_0000_0fc0_c748 } }

    /// Offset of `uc_mcontext.gregs` in `ucontext_t` (uc_flags 8, uc_link 8, uc_stack 24).
    static var machineContextOffset: UInt { @_noAllocation @_noLocks get { 40 } }

    /// Whether the code at `pc` is the rt_sigreturn trampoline (`48 c7 c0 0f 00 00 00 0f 05`).
    ///
    /// - Signal safety: safe. One bounds-checked or guarded read of 9 bytes.
    @_noAllocation @_noLocks
    static func isSignalTrampoline(at pc: UInt, image: UnsafePointer<ImageRecord>?) -> Bool {
        var code: (UInt64, UInt64) = (0, 0)
        let ok = withUnsafeMutableBytes(of: &code) { raw in
            UnwindMemory.read(raw.baseAddress!, at: pc, count: 9, image: image)
        }
        return ok && code.0 == restoreTrampolineHead && code.1 & 0xff == 0x05
    }

    /// Loads the interrupted registers from the rt_sigframe at the trampoline's rsp: the kernel pushes
    /// `pretcode` (the trampoline address, consumed as the handler's return address) directly followed by the
    /// `ucontext_t`, so after the handler's frame is popped rsp points at the ucontext.
    ///
    /// - Signal safety: safe. One guarded read of the 23 saved general registers.
    @_noAllocation @_noLocks
    static func restoreSignalContext(_ registers: inout UnwindRegisters) -> Bool {
        if !registers.isValid(DwarfRegister.rsp) { return false }
        let context = UInt(registers.value(DwarfRegister.rsp))
        return loadMachineContext(at: context, into: &registers)
    }

    /// Reads `ucontext_t.uc_mcontext.gregs` of the ucontext at `context` into `registers` (all valid).
    /// The kernel's gregs order is r8–r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, ...
    ///
    /// - Signal safety: safe. One guarded read.
    @_noAllocation @_noLocks
    static func loadMachineContext(at context: UInt, into registers: inout UnwindRegisters) -> Bool {
        var gregs: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                    UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &gregs) { raw in
            SafeLibc.readMemory(raw.baseAddress!, from: context &+ machineContextOffset, count: 17 &* 8)
        }
        if !ok { return false }
        registers.set(0, gregs.13)  // rax = REG_RAX (13)
        registers.set(1, gregs.12)  // rdx = REG_RDX (12)
        registers.set(2, gregs.14)  // rcx = REG_RCX (14)
        registers.set(3, gregs.11)  // rbx = REG_RBX (11)
        registers.set(4, gregs.9)  // rsi = REG_RSI (9)
        registers.set(5, gregs.8)  // rdi = REG_RDI (8)
        registers.set(6, gregs.10)  // rbp = REG_RBP (10)
        registers.set(7, gregs.15)  // rsp = REG_RSP (15)
        registers.set(8, gregs.0)  // r8 ... r15 = REG_R8 (0) ... REG_R15 (7)
        registers.set(9, gregs.1)
        registers.set(10, gregs.2)
        registers.set(11, gregs.3)
        registers.set(12, gregs.4)
        registers.set(13, gregs.5)
        registers.set(14, gregs.6)
        registers.set(15, gregs.7)
        registers.set(16, gregs.16)  // rip = REG_RIP (16)
        return true
    }

    /// The leaf heuristic for a first frame whose pc is in no executable segment (a call through a null or
    /// garbage function pointer): the call just pushed the return address, so [rsp] is the caller's pc if it
    /// points into code of a known image. Nil if it does not.
    ///
    /// - Signal safety: safe. One guarded read and an image lookup.
    @_noAllocation @_noLocks
    static func stepThroughLeaf(_ registers: inout UnwindRegisters, image: inout ImageRecord,
                                window: inout StackWindow) -> UnwindStep? {
        if !registers.isValid(DwarfRegister.rsp) { return nil }
        let stackPointer = UInt(registers.value(DwarfRegister.rsp))
        guard let candidate = window.readWord(at: stackPointer), candidate > 1 else { return nil }
        let callSite = UInt(candidate) &- 1
        let known = withUnsafeMutablePointer(to: &image) { ImageTable.findImage(containing: callSite, into: $0) }
        if !known || !image.isExecutable(callSite) { return nil }
        registers.set(DwarfRegister.rip, candidate)
        registers.set(DwarfRegister.rsp, UInt64(stackPointer) &+ 8)
        return UnwindStep(flags: StackFrameFlags.viaFramePointer.union(.returnAddress))
    }

    /// The frame-pointer step: [rbp] is the caller's rbp and [rbp + 8] its return address. rbp must be
    /// non-zero, 8-byte aligned and not below rsp. Other registers keep their values (best effort).
    ///
    /// - Signal safety: safe. Two guarded reads.
    @_noAllocation @_noLocks
    static func stepWithFramePointer(_ registers: inout UnwindRegisters, window: inout StackWindow) -> UnwindStep {
        if !registers.isValid(DwarfRegister.rbp) { return UnwindStep(stop: .noUnwindInfo) }
        let framePointer = registers.value(DwarfRegister.rbp)
        if framePointer == 0 || framePointer & 7 != 0 || framePointer > UInt64.max &- 16 {
            return UnwindStep(stop: .noUnwindInfo)
        }
        if registers.isValid(DwarfRegister.rsp) && framePointer < registers.value(DwarfRegister.rsp) {
            return UnwindStep(stop: .noUnwindInfo)
        }
        guard let savedFramePointer = window.readWord(at: UInt(framePointer)),
              let returnAddress = window.readWord(at: UInt(framePointer &+ 8)) else {
            return UnwindStep(stop: .invalidRead)
        }
        registers.set(DwarfRegister.rbp, savedFramePointer)
        registers.set(DwarfRegister.rsp, framePointer &+ 16)
        registers.set(DwarfRegister.rip, returnAddress)
        return UnwindStep(flags: StackFrameFlags.viaFramePointer.union(.returnAddress))
    }
}
