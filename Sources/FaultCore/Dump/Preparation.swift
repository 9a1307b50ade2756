// Preparation of everything a dump needs, done outside signal handlers.

import Synchronization

/// One-time and refreshable preparation of dump resources: the workspace pool, the image table and the
/// symbol tables. Called by `enable()`, `register()`, the watchdog and on-demand dumps before they arm.
package enum Preparation {
    private static let lock = Mutex(())

    /// Allocates the workspace pool (once) and refreshes the image and symbol tables.
    ///
    /// - Signal safety: unsafe. Allocates and takes a lock; call outside signal handlers only.
    package static func prepareForDumps() {
        lock.withLock { _ in
            if dumpWorkspacePool == nil {
                let pool = UnsafeMutablePointer<DumpWorkspacePool>.allocate(capacity: 1)
                pool.initialize(to: DumpWorkspacePool())
                dumpWorkspacePool = pool
            }
        }
    }
}
