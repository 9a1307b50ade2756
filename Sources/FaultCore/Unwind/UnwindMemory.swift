// Every memory read the unwinder makes goes through here: unwind tables of prepared images are read directly
// (bounds-checked against a readable PT_LOAD segment of that image), everything else — stacks, saved
// registers, unwind data of images found through the link_map fallback — through the guarded
// SafeLibc.readMemory, so a wild pointer ends the walk instead of faulting.

/// Guarded memory access for the unwinder.
enum UnwindMemory {
    /// Copies `count` bytes at `address` into `destination`. Reads directly when `image` is a prepared image
    /// and the whole range lies in one of its readable segments; otherwise uses a guarded read.
    ///
    /// - Signal safety: safe. A bounds-checked copy or a process_vm_readv/pipe-probe read.
    @_noAllocation @_noLocks
    static func read(_ destination: UnsafeMutableRawPointer, at address: UInt, count: Int,
                     image: UnsafePointer<ImageRecord>?) -> Bool {
        if let image, image.pointee.allowsDirectRead(at: address, count: count),
           let source = UnsafeRawPointer(bitPattern: address) {
            destination.copyMemory(from: source, byteCount: count)
            return true
        }
        return SafeLibc.readMemory(destination, from: address, count: count)
    }

    /// Reads one 64-bit word (stack slot, saved register) with a guarded read; nil if unreadable.
    ///
    /// - Signal safety: safe. One guarded read.
    @_noAllocation @_noLocks
    static func readWord(at address: UInt) -> UInt64? {
        var value: UInt64 = 0
        if !SafeLibc.readMemory(&value, from: address, count: 8) { return nil }
        return value
    }
}
