// Frame-pointer walk used until the CFI unwinder is integrated.

/// One captured frame.
package struct DumpFrame {
    package var pc: UInt64
    /// True when `pc` is a return address (lookups use pc - 1).
    package var isReturnAddress: Bool
    package init(pc: UInt64, isReturnAddress: Bool) {
        self.pc = pc
        self.isReturnAddress = isReturnAddress
    }
}

enum TemporaryUnwinder {
    /// - Signal safety: safe. Guarded reads only.
    @_noAllocation @_noLocks
    static func unwind(_ registers: RegisterFile, into frames: UnsafeMutableBufferPointer<DumpFrame>) -> Int {
        guard frames.count > 0 else { return 0 }
        frames[0] = DumpFrame(pc: registers.pc, isReturnAddress: false)
        var count = 1
        var fp = registers.fp
        var pair: (UInt64, UInt64) = (0, 0)
        while count < frames.count {
            let ok = withUnsafeMutableBytes(of: &pair) { SafeLibc.readMemory($0.baseAddress!, from: UInt(fp), count: 16) }
            if !ok || pair.1 == 0 || pair.0 <= fp { break }
            frames[count] = DumpFrame(pc: pair.1, isReturnAddress: true)
            count += 1
            fp = pair.0
        }
        return count
    }
}
