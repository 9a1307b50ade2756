// Memory for dumps, allocated before any signal arrives and borrowed by each dump.

import FaultDemangling
import FaultSymbols
import Synchronization

/// Everything one dump needs: output buffer, frame buffer and symbol scratch space.
package struct DumpWorkspace {
    /// Frames captured for one thread (the dump prints at most `maximumFrames`, then `...`).
    package var frames: UnsafeMutableBufferPointer<StackFrame>
    /// The writer's buffer.
    package var output: UnsafeMutableRawBufferPointer
    /// Scratch space for a demangled name.
    package var name: UnsafeMutableRawBufferPointer
    /// Scratch space for paths (thread-name files, source paths).
    package var text: UnsafeMutableRawBufferPointer
    /// The demangler's node arena and scratch space.
    package var demangler: DemanglerWorkspace
    /// Source frames of one address (inlined callees first).
    package var sourceFrames: UnsafeMutableBufferPointer<SourceFrame>

    /// Most source frames (an address and the calls inlined into it) printed for one address.
    package static var maximumSourceFrames: Int { @_noAllocation @_noLocks get { 16 } }

    /// Most frames printed per thread, as in Python's faulthandler.
    package static var maximumFrames: Int { @_noAllocation @_noLocks get { 100 } }

    /// - Signal safety: unsafe. Allocates; call outside signal handlers only.
    static func allocate() -> DumpWorkspace {
        DumpWorkspace(
            frames: .allocate(capacity: maximumFrames + 1),
            output: .allocate(byteCount: 4096, alignment: 16),
            name: .allocate(byteCount: 4096, alignment: 16),
            text: .allocate(byteCount: 4096, alignment: 16),
            demangler: DemanglerWorkspace(maximumSymbolLength: 2048),
            sourceFrames: {
                let frames = UnsafeMutableBufferPointer<SourceFrame>.allocate(capacity: maximumSourceFrames)
                frames.initialize(repeating: SourceFrame())
                return frames
            }())
    }
}

/// A fixed set of workspaces. Slot 0 is reserved for the fatal-signal handler (which is serialised by its own
/// claim); the others are shared by on-demand, user-signal and watchdog dumps, claimed with an atomic flag.
package struct DumpWorkspacePool: ~Copyable {
    /// Number of slots.
    package static var count: Int { @_noAllocation @_noLocks get { 4 } }
    private let busy = Atomic<UInt32>(0)  // bit i set = slot i in use
    package let slots: UnsafeMutablePointer<DumpWorkspace>

    init() {
        slots = .allocate(capacity: Self.count)
        for index in 0..<Self.count {
            (slots + index).initialize(to: DumpWorkspace.allocate())
        }
    }

    /// The workspace reserved for fatal signals.
    ///
    /// - Signal safety: safe. Pointer arithmetic.
    @_noAllocation @_noLocks
    package func fatalWorkspace() -> UnsafeMutablePointer<DumpWorkspace> { slots }

    /// Claims a free shared slot, waiting up to about `timeoutMilliseconds` for one. Returns its index or -1.
    ///
    /// - Signal safety: safe. Atomic compare-exchange and clock_nanosleep(2).
    @_noAllocation @_noLocks
    package func claim(timeoutMilliseconds: Int = 2000) -> Int {
        var waited = 0
        while true {
            var index = 1
            while index < Self.count {
                let bit = UInt32(1) << UInt32(index)
                let old = busy.bitwiseOr(bit, ordering: .acquiringAndReleasing).oldValue
                if old & bit == 0 { return index }
                index += 1
            }
            if waited >= timeoutMilliseconds { return -1 }
            SafeLibc.sleep(nanoseconds: 1_000_000)
            waited += 1
        }
    }

    /// Frees every slot: in a forked child no other thread exists, so a claim held at fork time is stale.
    ///
    /// - Signal safety: unsafe. Call from a pthread_atfork child handler only.
    package func resetAfterFork() {
        busy.store(0, ordering: .releasing)
    }

    /// Returns a slot claimed with `claim`.
    ///
    /// - Signal safety: safe. An atomic and.
    @_noAllocation @_noLocks
    package func release(_ index: Int) {
        busy.bitwiseAnd(~(UInt32(1) << UInt32(index)), ordering: .releasing)
    }
}

/// Filled by `DumpPreparation.prepare()`; nil before. Statically initialised (no lazy-initialisation lock).
nonisolated(unsafe) private var dumpWorkspacePoolStorage: UnsafeMutablePointer<DumpWorkspacePool>? = nil

/// The prepared workspace pool, or nil before the first preparation.
///
/// Globals are reached through annotated accessors so that the allocation checker accepts them from other
/// files in non-whole-module (debug) builds.
package var dumpWorkspacePool: UnsafeMutablePointer<DumpWorkspacePool>? {
    @_noAllocation @_noLocks get { dumpWorkspacePoolStorage }
    set { dumpWorkspacePoolStorage = newValue }
}
