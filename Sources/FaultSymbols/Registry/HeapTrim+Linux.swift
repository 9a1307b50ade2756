// Giving the heap pages that index building freed back to the kernel.
//
// Building a line index allocates and frees several times the size of the result (decoded rows, parsed
// abbreviation tables, inflated sections). glibc keeps freed memory in its arenas, where it stays resident;
// when the thread that built the index is a background thread, its arena is not trimmed by later frees of
// other threads either. `malloc_trim(0)` returns the free pages of every arena (MADV_DONTNEED on them). It is
// glibc's, looked up at run time, so other C libraries simply skip the step.

#if canImport(Glibc)
import Glibc
#endif

/// Returns free heap pages to the kernel after an index build.
enum HeapTrim {
    /// glibc's `int malloc_trim(size_t pad)`.
    typealias Trim = @convention(c) (Int) -> Int32

    /// The resolved `malloc_trim`, or nil when the C library has none.
    static let trim: Trim? = {
        // RTLD_DEFAULT is the null handle: search the global scope.
        guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: Trim.self)
    }()

    /// Trims every malloc arena.
    ///
    /// - Signal safety: unsafe. Takes the allocator's locks; call outside signal handlers only.
    static func releaseFreePages() {
        _ = trim?(0)
    }
}
