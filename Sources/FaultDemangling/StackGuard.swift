// Bounds the demangler's use of the machine stack: the parser and the printer recurse, and a signal handler runs
// on an alternate stack of fixed size, so a deep symbol must end in "not demangled", never in a fault.

/// Checks the stack pointer against the lowest address the caller lets the demangler use.
///
/// The check runs at the entry of `demangle` and of every recursive step (`Printer.print`,
/// `Parser.demangleBoundGenericArgs`). Between two checks the demangler calls only non-recursive helpers, whose
/// deepest chain is covered by `reserve`, so no byte below `limit` is ever touched.
struct StackGuard {
    /// Lowest usable address; 0 means no limit.
    let limit: UInt
    /// Lowest stack address seen at a check (for measurements).
    var lowest: UInt = UInt.max
    /// Set once a check failed.
    var exhausted = false

    /// Bytes kept free below each check: the deepest chain of non-recursive calls between two checks, with a
    /// margin. Unoptimised builds have frames of up to about 1 KiB and chains of about 6 of them; optimised
    /// builds inline most helpers into frames of a few hundred bytes. Decided by how this module is compiled
    /// (-Onone or not), not by the DEBUG flag, which plain `swiftc -Onone` does not set.
    static var reserve: UInt {
        @_noAllocation @_noLocks get {
            _isDebugAssertConfiguration() ? 16 * 1024 : 4 * 1024
        }
    }

    /// - Signal safety: safe. Stores an integer.
    @_noAllocation @_noLocks
    init(limit: UInt) {
        self.limit = limit
    }

    /// The current stack address (that of a local of this frame).
    ///
    /// - Signal safety: safe. Takes the address of a local.
    @_noAllocation @_noLocks
    @inline(never)
    static func currentAddress() -> UInt {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
    }

    /// Whether there is room for one more recursive step; records the low-water mark. Once a check fails, all
    /// later checks fail too, so that the whole call ends as "not demangled".
    ///
    /// - Signal safety: safe. Arithmetic on the address of a local.
    @_noAllocation @_noLocks
    mutating func hasRoom() -> Bool {
        let here = StackGuard.currentAddress()
        if here < lowest { lowest = here }
        if limit == 0 { return !exhausted }
        if here < limit || here - limit < StackGuard.reserve { exhausted = true }
        return !exhausted
    }
}
