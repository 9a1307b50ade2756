// Which symbol-registry slot belongs to which loaded image, and the background preparation of symbols.

import CFaultHandlerSupport
import FaultSymbols
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A published, immutable map from an image's start address to its `SymbolRegistry` slot, sorted by address.
package struct SymbolSlotMap {
    package var count: Int
    package var starts: UnsafeMutablePointer<UInt>
    package var slots: UnsafeMutablePointer<Int>

    /// The registry slot of the image starting at `start`, or -1.
    ///
    /// - Signal safety: safe. Binary search over published memory.
    @_noAllocation @_noLocks
    package func slot(forImageStartingAt start: UInt) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = low + (high - low) / 2
            if starts[middle] < start { low = middle + 1 } else { high = middle }
        }
        return low < count && starts[low] == start ? slots[low] : -1
    }
}

nonisolated(unsafe) private var publishedSlotMap: UnsafeMutablePointer<SymbolSlotMap>? = nil
nonisolated(unsafe) private var pendingPreparations: UnsafeMutablePointer<Atomic<Int>>? = nil
nonisolated(unsafe) private var preparingThreadStorage: UnsafeMutablePointer<Atomic<Int>>? = nil
/// Background preparations not yet finished with every phase (line tables of all images included).
nonisolated(unsafe) private var unfinishedPreparations: UnsafeMutablePointer<Atomic<Int>>? = nil

/// The kernel tid of the background preparation thread while it runs (0 otherwise).
private var preparingThread: UnsafeMutablePointer<Atomic<Int>>? {
    @_noAllocation @_noLocks get { preparingThreadStorage }
}

/// Registers loaded images with the symbol registry and prepares their tables on a background thread.
package enum SymbolSlots {
    /// The published map (nil before the first preparation).
    ///
    /// - Signal safety: safe. A load of a pointer published before the handlers were installed (and replaced
    ///   only by a complete map; replaced maps are never freed).
    package static var current: UnsafeMutablePointer<SymbolSlotMap>? {
        @_noAllocation @_noLocks get { publishedSlotMap }
    }

    /// True while a background thread is still preparing symbol tables.
    ///
    /// - Signal safety: safe. One atomic load.
    @_noAllocation @_noLocks
    package static func isPreparing() -> Bool {
        guard let pending = pendingPreparations else { return false }
        return pending.pointee.load(ordering: .acquiring) > 0
    }

    /// Waits until background preparation is finished, at most `timeoutNanoseconds`. A handler uses this so
    /// that a crash right after `enable()` still gets names; the bound keeps a crash inside the allocator (which
    /// could stall the preparing thread) from hanging the dump.
    ///
    /// - Signal safety: safe. Atomic loads and clock_nanosleep(2).
    @_noAllocation @_noLocks
    package static func waitForPreparation(timeoutNanoseconds: UInt64) {
        // The preparing thread itself must not wait for itself.
        if let thread = preparingThread, thread.pointee.load(ordering: .acquiring) == Int(SafeLibc.gettid()) { return }
        let start = SafeLibc.monotonicNanoseconds()
        while isPreparing() && SafeLibc.monotonicNanoseconds() &- start < timeoutNanoseconds {
            SafeLibc.sleep(nanoseconds: 1_000_000)
        }
    }

    /// Registers every image of the current image table and publishes the address → slot map; the tables
    /// themselves are prepared on a background thread (main executable first), so `enable()` stays fast.
    ///
    /// - Signal safety: unsafe. Allocates and starts a thread; call outside signal handlers only.
    package static func registerImages(in table: UnsafePointer<ImageTableStorage>) {
        if pendingPreparations == nil {
            let pending = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: 1)
            pending.initialize(to: Atomic(0))
            pendingPreparations = pending
            // A forked child has no preparation thread: forget the parent's, or dumps there would wait for it.
            pthread_atfork(nil, nil) {
                pendingPreparations?.pointee.store(0, ordering: .releasing)
                unfinishedPreparations?.pointee.store(0, ordering: .releasing)
                preparingThreadStorage?.pointee.store(0, ordering: .releasing)
            }
            let thread = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: 1)
            thread.initialize(to: Atomic(0))
            preparingThreadStorage = thread
            let unfinished = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: 1)
            unfinished.initialize(to: Atomic(0))
            unfinishedPreparations = unfinished
        }
        let images = table.pointee.images()
        let map = UnsafeMutablePointer<SymbolSlotMap>.allocate(capacity: 1)
        let starts = UnsafeMutablePointer<UInt>.allocate(capacity: max(images.count, 1))
        let slots = UnsafeMutablePointer<Int>.allocate(capacity: max(images.count, 1))
        var executableSlot = -1
        let executablePath = resolvedExecutablePath()
        for (index, image) in images.enumerated() {
            starts[index] = image.startAddress
            slots[index] = -1
            guard let path = image.path, image.pathLength > 0 else { continue }
            let buildID = (0..<image.buildIDLength).map { image.buildIDByte(at: $0) }
            let pathString = String(cString: path)
            let slot = SymbolRegistry.register(
                path: pathString, buildID: buildID.isEmpty ? nil : buildID, loadBias: image.loadBias)
            slots[index] = slot ?? -1
            if pathString == executablePath { executableSlot = slot ?? -1 }
        }
        map.initialize(to: SymbolSlotMap(count: images.count, starts: starts, slots: slots))
        publishedSlotMap = map  // the previous map is intentionally leaked: a handler may be reading it
        startBackgroundPreparation(executableSlot: executableSlot)
    }

    /// Waits (outside a handler) until every registered image is prepared. Used by on-demand dumps so their
    /// output does not depend on timing.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func prepareAllNow() {
        waitForPreparation(timeoutNanoseconds: 30_000_000_000)
    }

    private static func resolvedExecutablePath() -> String? {
        guard let resolved = realpath("/proc/self/exe", nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Starts a thread that prepares, in order: the symbols of every image; the main executable's line
    /// table; the line tables other images carry themselves; then those that come from separate debug files
    /// (libc6-dbg's for glibc: the largest, and the least often useful in a Swift crash). Dumps wait (bounded)
    /// only for the first two, which is what a dump of the program's own code needs; a library's lines appear
    /// once they are ready.
    private static func startBackgroundPreparation(executableSlot: Int) {
        guard let pending = pendingPreparations else { return }
        pending.pointee.add(1, ordering: .acquiringAndReleasing)
        unfinishedPreparations?.pointee.add(1, ordering: .acquiringAndReleasing)
        var thread = pthread_t()
        let context = UnsafeMutableRawPointer(bitPattern: executableSlot + 1)
        let result = pthread_create(&thread, nil, { context in
            preparingThreadStorage?.pointee.store(Int(SafeLibc.gettid()), ordering: .releasing)
            cfh_set_thread_name("faulthandler-sy")
            defer { preparingThreadStorage?.pointee.store(0, ordering: .releasing) }
            SymbolSlots.prepareInBackground(executableSlot: Int(bitPattern: context) - 1)
            return nil
        }, context)
        if result == 0 {
            pthread_detach(thread)
        } else {
            prepareInBackground(executableSlot: executableSlot)
        }
    }

    fileprivate static func prepareInBackground(executableSlot: Int) {
        if executableSlot >= 0 { SymbolRegistry.prepare(image: executableSlot, lines: false) }
        SymbolRegistry.prepareAll(lines: false)
        if executableSlot >= 0 { SymbolRegistry.prepareLines(image: executableSlot) }
        finishBackgroundPreparation()
        // Line tables the images carry themselves first; separate debug files (large, rarely needed) last.
        let count = SymbolRegistry.registeredCount
        for slot in 0..<count where SymbolRegistry.hasOwnLineTable(image: slot) { SymbolRegistry.prepareLines(image: slot) }
        for slot in 0..<count { SymbolRegistry.prepareLines(image: slot) }
        unfinishedPreparations?.pointee.subtract(1, ordering: .acquiringAndReleasing)
    }

    /// Waits until every background preparation has finished all its phases (line tables included), at most
    /// `timeoutNanoseconds`. For tests and measurements; dumps never wait for this.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func waitUntilFullyPrepared(timeoutNanoseconds: UInt64) -> Bool {
        let start = SafeLibc.monotonicNanoseconds()
        while let unfinished = unfinishedPreparations, unfinished.pointee.load(ordering: .acquiring) > 0 {
            if SafeLibc.monotonicNanoseconds() &- start >= timeoutNanoseconds { return false }
            usleep(2000)
        }
        return true
    }

    fileprivate static func finishBackgroundPreparation() {
        pendingPreparations?.pointee.subtract(1, ordering: .acquiringAndReleasing)
    }
}
