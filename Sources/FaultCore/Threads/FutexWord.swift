// A 32-bit atomic word that threads can also sleep on with futex(2).

import Synchronization

/// An atomic `UInt32` in memory that is never freed, usable both with Swift's `Atomic` operations and as a
/// futex word (the kernel only needs its address). Allocated at preparation time.
package struct FutexWord {
    private let pointer: UnsafeMutablePointer<Atomic<UInt32>>

    /// Allocates a word holding `value`.
    ///
    /// - Signal safety: unsafe. Allocates; call outside signal handlers only.
    package static func allocate(_ value: UInt32 = 0) -> FutexWord {
        let pointer = UnsafeMutablePointer<Atomic<UInt32>>.allocate(capacity: 1)
        pointer.initialize(to: Atomic(value))
        return FutexWord(pointer: pointer)
    }

    /// The address the kernel sleeps on.
    private var address: UnsafeMutablePointer<UInt32> {
        @_noAllocation @_noLocks get { UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: UInt32.self) }
    }

    /// - Signal safety: safe. An atomic load.
    @_noAllocation @_noLocks
    package func load() -> UInt32 { pointer.pointee.load(ordering: .acquiring) }

    /// - Signal safety: safe. An atomic store.
    @_noAllocation @_noLocks
    package func store(_ value: UInt32) { pointer.pointee.store(value, ordering: .releasing) }

    /// Adds `value` and returns the new value.
    ///
    /// - Signal safety: safe. An atomic add.
    @_noAllocation @_noLocks
    @discardableResult
    package func add(_ value: UInt32) -> UInt32 {
        pointer.pointee.wrappingAdd(value, ordering: .acquiringAndReleasing).newValue
    }

    /// Replaces `expected` with `desired`; returns whether it did.
    ///
    /// - Signal safety: safe. An atomic compare-exchange.
    @_noAllocation @_noLocks
    package func compareExchange(expected: UInt32, desired: UInt32) -> Bool {
        pointer.pointee.compareExchange(expected: expected, desired: desired, ordering: .acquiringAndReleasing).exchanged
    }

    /// Sleeps while the word equals `expected`, at most `timeoutNanoseconds` (0 = no limit). Returns early on
    /// a wake, a signal or a spurious wake-up: callers re-check their condition in a bounded loop.
    ///
    /// - Signal safety: safe. futex(2) FUTEX_WAIT, a raw system call.
    @_noAllocation @_noLocks
    package func wait(whileEqualTo expected: UInt32, timeoutNanoseconds: UInt64) {
        let timeout = timeoutNanoseconds > UInt64(Int64.max) ? Int64.max : Int64(timeoutNanoseconds)
        _ = SafeLibc.futexWait(address, expected: expected, timeoutNanoseconds: timeout)
    }

    /// Wakes every thread sleeping on the word.
    ///
    /// - Signal safety: safe. futex(2) FUTEX_WAKE, a raw system call.
    @_noAllocation @_noLocks
    package func wakeAll() { _ = SafeLibc.futexWake(address) }
}
