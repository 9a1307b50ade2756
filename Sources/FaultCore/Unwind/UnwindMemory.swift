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

/// A small cache of stack memory for one walk: one guarded read fills up to 256 bytes, which usually covers
/// a frame's return address and saved registers, so most frames cost one system call instead of several.
/// Stack above the first frame's stack pointer does not change while the walk runs.
struct StackWindow {
    /// Address of the first cached byte.
    var start: UInt = 0
    /// Number of valid cached bytes.
    var length: Int = 0
    /// The cached bytes.
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// An empty window.
    ///
    /// - Signal safety: safe. Stores constants.
    @_noAllocation @_noLocks
    init() {
        words = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    }

    /// The 64-bit word at `address`, from the window or after refilling it there; nil if unreadable.
    ///
    /// - Signal safety: safe. At most one guarded read.
    @_noAllocation @_noLocks
    mutating func readWord(at address: UInt) -> UInt64? {
        let cached = length >= 8 && address >= start && address &- start <= UInt(length &- 8)
        if !cached {
            let copied = withUnsafeMutableBytes(of: &words) { raw in
                SafeLibc.readMemoryPrefix(raw.baseAddress!, from: address, count: raw.count)
            }
            start = address
            length = copied
            if copied < 8 { return nil }
        }
        let offset = Int(address &- start)
        return withUnsafeBytes(of: words) { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
    }
}
