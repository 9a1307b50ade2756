// Stacks of known shape for the probe's dumps: a plain recursion (one frame per level, as in the package-benchmark
// dump benchmarks) and an optimised one whose every level also shows an inlined frame.

/// What the recursions run at their bottom; set by `StackShape.run` before each recursion. A global rather than a
/// closure parameter: the optimiser specialises a function for the closure it is passed, and the specialised
/// copy neither keeps `@_optimize(none)` nor the inlined scope of the recursive call.
nonisolated(unsafe) var recursionLeaf: () -> Void = {}

/// Runs `recursionLeaf` with `depth` more frames of this function on the stack than `plainRecursion(0)` has.
///
/// Unoptimised, so the recursion stays a recursion (the optimiser turns `f(n - 1) + 1` into a loop): every level
/// is one frame with a symbol and file:line.
@inline(never) @_optimize(none)
func plainRecursion(_ depth: Int) -> Int {
    if depth <= 0 {
        recursionLeaf()
        return 0
    }
    let below = plainRecursion(depth - 1)
    return below &+ 1
}

/// Runs `recursionLeaf` under `depth` levels of optimised recursion, each of which is two frames in a dump: this
/// function and `inlinedStep`, inlined into it at the call site (a `[inlined]` line from the DWARF inlining
/// records).
@inline(never)
func inlinedRecursion(_ depth: Int) -> Int {
    if depth <= 0 {
        recursionLeaf()
        return 0
    }
    return inlinedStep(depth)
}

/// One level of `inlinedRecursion`; always inlined into it. The recursive call is not its last expression, so
/// the return address lies in this function's inlined code.
@inline(__always)
func inlinedStep(_ depth: Int) -> Int {
    let below = inlinedRecursion(opaqueIncrement(depth) &- 2)
    return opaqueIncrement(below)
}

/// `value + 1`, opaque to the optimiser: the recursive call above it is not a tail call, so it is not turned into
/// a loop.
@inline(never)
func opaqueIncrement(_ value: Int) -> Int {
    value &+ 1
}

/// The shapes a measured dump can have.
enum StackShape: String, CaseIterable {
    case plain
    case inlined

    /// Runs `leaf` at `depth` levels of this shape. Passing a closure created once does not allocate.
    func run(depth: Int, _ leaf: @escaping () -> Void) -> Int {
        recursionLeaf = leaf
        switch self {
        case .plain: return plainRecursion(depth)
        case .inlined: return inlinedRecursion(depth)
        }
    }
}
