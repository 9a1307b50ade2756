// The process-wide table of prepared images that the signal handler reads.
//
// Storage is a fixed number of slots allocated once (at the first registration) and never freed; the handler
// finds it through statically-initialised global pointers. Each slot moves through the states
// registered -> preparing -> ready | failed; the prepared tables are written before the slot's state is stored
// with release ordering, and the handler loads the state with acquire ordering, so a handler that sees `ready`
// sees complete tables. Preparation may run on any thread (for example a background thread started after
// enable()); the handler simply skips images that are not ready yet.

import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The state of one registry slot.
package enum ImageState: Int, Sendable {
    case empty = 0, registered, preparing, ready, failed
}

/// What a slot holds once prepared: the symbol index and, when the image has DWARF, the line index.
package struct PreparedImage: @unchecked Sendable {
    /// The function-symbol index.
    package var symbols: ELFSymbolTable
    /// The file:line and inlining index (nil without .debug_line, or when preparation skipped it).
    package var lines: DWARFLineIndex?
    /// True if the image file carries its own .debug_line (false: line tables can come only from a separate
    /// debug file).
    package var hasOwnLineTable = false

    /// The source frames at ELF virtual `address`, innermost first, like `DWARFLineIndex.lookup`, except that
    /// the concrete (outermost) function takes its name from the symbol table when a symbol covers the address,
    /// as llvm-symbolizer does: the exported alias (`_IO_file_init`) rather than the DWARF name
    /// (`_IO_new_file_init`), identical for Swift. Without line information, returns 0.
    ///
    /// - Signal safety: safe. Two lookups over prepared memory; no allocation, no locks.
    @_noAllocation @_noLocks
    package func lookupSource(address: UInt, into frames: UnsafeMutableBufferPointer<SourceFrame>) -> Int {
        guard let lines else { return 0 }
        let count = lines.lookup(address: address, into: frames)
        if count > 0 && !frames[count - 1].isInlined, let symbol = symbols.lookup(address: address) {
            frames[count - 1].function = symbol.name
        }
        return count
    }
}

/// Descriptor of a registered image (preparation-time data).
struct RegisteredImage {
    var path: String
    var buildID: [UInt8]?
    var loadBias: UInt
}

/// Slot states, one Atomic<Int> per slot. Filled at the first registration; read by handlers.
nonisolated(unsafe) var registryStates: UnsafeMutablePointer<Atomic<Int>>? = nil
/// Prepared data per slot; valid only when the slot's state is `ready`.
nonisolated(unsafe) var registryImages: UnsafeMutablePointer<PreparedImage?>? = nil
/// Load bias per slot (written before the slot becomes `registered`).
nonisolated(unsafe) var registryBiases: UnsafeMutablePointer<UInt>? = nil
/// Line-table states per slot (a second phase after symbols: `ImageState.registered` until claimed).
nonisolated(unsafe) var registryLineStates: UnsafeMutablePointer<Atomic<Int>>? = nil
/// Line indexes prepared in the second phase; valid only when the slot's line state is `ready`.
nonisolated(unsafe) var registryLineIndexes: UnsafeMutablePointer<DWARFLineIndex?>? = nil

/// The symbol registry: prepare images outside signal context, look them up inside it.
package enum SymbolRegistry {
    /// The maximum number of images.
    package static let capacity = 1024

    /// Preparation-side bookkeeping (descriptors, slot count), guarded by a lock; never touched by handlers.
    private static let registrations = Mutex<[RegisteredImage]>([])

    /// See `readsLinesFromSeparateDebugFiles`.
    private static let separateDebugFileLines = Atomic<Bool>(true)

    /// Whether `prepareLines` reads the line tables of images that carry none from their separate debug files
    /// (such as glibc's from libc6-dbg). True by default. Function names from a debug file's .symtab are used
    /// either way.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static var readsLinesFromSeparateDebugFiles: Bool {
        get { separateDebugFileLines.load(ordering: .acquiring) }
        set { separateDebugFileLines.store(newValue, ordering: .releasing) }
    }

    /// True if slot `image` is prepared and its own file has a line table (its lines do not need a separate
    /// debug file).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func hasOwnLineTable(image: Int) -> Bool {
        prepared(image: image)?.pointee?.hasOwnLineTable ?? false
    }

    /// Registers an image and returns its slot index, or nil if the registry is full. Registration is cheap:
    /// nothing is read until `prepare(image:)`. Registering the same path and load bias again returns the
    /// existing slot.
    ///
    /// - Parameters:
    ///   - path: the file to read (for the main executable pass its resolved /proc/self/exe path).
    ///   - buildID: the build-id of the loaded image, if known; a file on disk with a different build-id is
    ///     rejected instead of producing wrong names.
    ///   - loadBias: the difference between runtime addresses and ELF virtual addresses.
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func register(path: String, buildID: [UInt8]?, loadBias: UInt) -> Int? {
        registrations.withLock { images in
            if let existing = images.firstIndex(where: { $0.path == path && $0.loadBias == loadBias }) {
                return existing
            }
            guard images.count < capacity else { return nil }
            if registryStates == nil {
                let states = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: capacity)
                for index in 0..<capacity { (states + index).initialize(to: Atomic(ImageState.empty.rawValue)) }
                let prepared = UnsafeMutablePointer<PreparedImage?>.allocate(capacity: capacity)
                prepared.initialize(repeating: nil, count: capacity)
                let biases = UnsafeMutablePointer<UInt>.allocate(capacity: capacity)
                biases.initialize(repeating: 0, count: capacity)
                let lineStates = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: capacity)
                for index in 0..<capacity {
                    (lineStates + index).initialize(to: Atomic(ImageState.registered.rawValue))
                }
                let lineIndexes = UnsafeMutablePointer<DWARFLineIndex?>.allocate(capacity: capacity)
                lineIndexes.initialize(repeating: nil, count: capacity)
                registryLineStates = lineStates
                registryLineIndexes = lineIndexes
                registryImages = prepared
                registryBiases = biases
                registryStates = states
            }
            let index = images.count
            images.append(RegisteredImage(path: path, buildID: buildID, loadBias: loadBias))
            registryBiases![index] = loadBias
            registryStates![index].store(ImageState.registered.rawValue, ordering: .releasing)
            return index
        }
    }

    /// Prepares slot `image` (symbols, and DWARF unless `lines` is false) if nobody has yet, and publishes it.
    /// Safe to call from several threads: exactly one of them does the work. Returns the final state.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    @discardableResult
    package static func prepare(image: Int, lines: Bool = true) -> ImageState {
        guard let states = registryStates, image >= 0, image < capacity else { return .empty }
        let claimed = states[image].compareExchange(
            expected: ImageState.registered.rawValue, desired: ImageState.preparing.rawValue,
            ordering: .acquiringAndReleasing
        ).exchanged
        if !claimed { return waitWhilePreparing(states + image) }
        let descriptor = registrations.withLock { $0[image] }
        let prepared = try? ImagePreparer.prepare(
            path: descriptor.path, buildID: descriptor.buildID, lines: lines)
        if let prepared { registryImages![image] = prepared }
        let state: ImageState = prepared == nil ? .failed : .ready
        states[image].store(state.rawValue, ordering: .releasing)
        return state
    }

    /// Prepares every registered slot that is not prepared yet.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func prepareAll(lines: Bool = true) {
        let count = registrations.withLock { $0.count }
        for index in 0..<count { prepare(image: index, lines: lines) }
    }

    /// Second phase for a slot prepared with `lines: false`: builds its file:line index and publishes it, if
    /// nobody has yet. Symbols stay usable meanwhile; the handler uses line information once it is ready.
    /// Returns `.failed` without claiming the slot when its lines would need a separate debug file and
    /// `readsLinesFromSeparateDebugFiles` is false.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    @discardableResult
    package static func prepareLines(image: Int) -> ImageState {
        guard let lineStates = registryLineStates, image >= 0, image < capacity else { return .empty }
        if state(image: image) == .registered { prepare(image: image, lines: false) }
        guard let slot = prepared(image: image), let prepared = slot.pointee else { return .failed }
        if prepared.lines != nil { return .ready }
        // Not claimed: enabling separate debug files later and calling again still prepares the slot.
        if !prepared.hasOwnLineTable && !readsLinesFromSeparateDebugFiles { return .failed }
        let claimed = lineStates[image].compareExchange(
            expected: ImageState.registered.rawValue, desired: ImageState.preparing.rawValue,
            ordering: .acquiringAndReleasing
        ).exchanged
        if !claimed { return waitWhilePreparing(lineStates + image) }
        let descriptor = registrations.withLock { $0[image] }
        let index = ImagePreparer.prepareLines(
            path: descriptor.path, buildID: descriptor.buildID, symbols: prepared.symbols)
        if let index { registryLineIndexes![image] = index }
        let result: ImageState = index == nil ? .failed : .ready
        lineStates[image].store(result.rawValue, ordering: .releasing)
        return result
    }

    /// Waits until another thread's preparation of a slot ends (outside handlers only) and returns the state.
    ///
    /// - Signal safety: unsafe. Sleeps; call outside signal handlers only.
    private static func waitWhilePreparing(_ state: UnsafeMutablePointer<Atomic<Int>>) -> ImageState {
        while state.pointee.load(ordering: .acquiring) == ImageState.preparing.rawValue {
            usleep(1000)
        }
        return ImageState(rawValue: state.pointee.load(ordering: .acquiring)) ?? .empty
    }

    /// The number of registered slots.
    ///
    /// - Signal safety: unsafe. Takes the registration lock.
    package static var registeredCount: Int { registrations.withLock { $0.count } }

    /// The state of slot `image`.
    ///
    /// - Signal safety: safe. One atomic load.
    @_noAllocation @_noLocks
    package static func state(image: Int) -> ImageState {
        guard let states = registryStates, image >= 0, image < capacity else { return .empty }
        return ImageState(rawValue: states[image].load(ordering: .acquiring)) ?? .empty
    }

    /// The prepared data of slot `image`, or nil while it is not ready.
    ///
    /// - Signal safety: safe. One atomic load and a read of published memory.
    @_noAllocation @_noLocks
    package static func prepared(image: Int) -> UnsafePointer<PreparedImage?>? {
        guard let states = registryStates, let images = registryImages, image >= 0, image < capacity,
            states[image].load(ordering: .acquiring) == ImageState.ready.rawValue
        else { return nil }
        return UnsafePointer(images + image)
    }

    /// The line index of slot `image` (prepared in either phase), or nil while there is none.
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func lineIndex(image: Int) -> DWARFLineIndex? {
        guard let prepared = prepared(image: image)?.pointee else { return nil }
        if let lines = prepared.lines { return lines }
        guard let lineStates = registryLineStates, let lineIndexes = registryLineIndexes,
            lineStates[image].load(ordering: .acquiring) == ImageState.ready.rawValue
        else { return nil }
        return lineIndexes[image]
    }

    /// Looks up the function symbol containing runtime address `pc` in slot `image` (the slot's load bias is
    /// subtracted). Nil if the slot is not ready or no symbol matches.
    ///
    /// - Signal safety: safe. Atomic load, binary search over prepared memory; no allocation, no locks.
    @_noAllocation @_noLocks
    package static func lookupSymbol(image: Int, pc: UInt) -> SymbolMatch? {
        guard let slot = prepared(image: image), let biases = registryBiases, pc >= biases[image] else {
            return nil
        }
        return slot.pointee?.symbols.lookup(address: pc &- biases[image])
    }

    /// Writes the source frames (inlined callees first, then the concrete function) for runtime address `pc`
    /// in slot `image` into `frames`. Pass pc-1 for return addresses. Returns how many were written; 0 if the
    /// slot is not ready or has no line information for the address.
    ///
    /// - Signal safety: safe. Atomic load, binary searches and a budgeted scan over prepared memory.
    @_noAllocation @_noLocks
    package static func lookupSource(image: Int, pc: UInt, into frames: UnsafeMutableBufferPointer<SourceFrame>)
        -> Int
    {
        guard let slot = prepared(image: image), let biases = registryBiases, pc >= biases[image],
            var prepared = slot.pointee
        else { return 0 }
        if prepared.lines == nil, let lineStates = registryLineStates, let lineIndexes = registryLineIndexes,
            lineStates[image].load(ordering: .acquiring) == ImageState.ready.rawValue
        {
            prepared.lines = lineIndexes[image]
        }
        return prepared.lookupSource(address: pc &- biases[image], into: frames)
    }
}
