// Preparation of everything a dump needs, done outside signal handlers.

import CFaultHandlerSupport
import Synchronization

/// One-time and refreshable preparation of dump resources: the workspace pool, the image table and the
/// symbol tables. Called by `enable()`, on-demand dumps (and later the watchdog and `register()`).
package enum Preparation {
    private static let lock = Mutex(UInt(0))  // the image table last registered with the symbol registry

    /// Allocates the workspace pool (once), refreshes the image table and registers new images for symbol
    /// preparation (which continues on a background thread).
    ///
    /// - Signal safety: unsafe. Allocates and takes a lock; call outside signal handlers only.
    package static func prepareForDumps() {
        lock.withLock { registeredTable in
            if dumpWorkspacePool == nil {
                let pool = UnsafeMutablePointer<DumpWorkspacePool>.allocate(capacity: 1)
                pool.initialize(to: DumpWorkspacePool())
                dumpWorkspacePool = pool
            }
            ThreadCapture.prepare(capacity: AllThreadsDump.defaultMaximumThreads)
            ImageTable.prepare()  // rebuilds only when the loader generation changed
            guard let table = ImageTable.current else { return }
            let address = UInt(bitPattern: table)
            if address != registeredTable {
                SymbolSlots.registerImages(in: table)
                registeredTable = address
            }
        }
    }

    /// Starts noticing libraries loaded later with dlopen(3): each one triggers `prepareForDumps()` on the
    /// loading thread (cheap when nothing changed; symbol tables are then prepared in the background).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func watchLoadedImages() {
        cfh_set_image_change_callback { Preparation.prepareForDumps() }
    }

    /// `prepareForDumps()`, then waits until every image's symbols are ready (for on-demand dumps, whose
    /// output should not depend on timing).
    ///
    /// - Signal safety: unsafe. Call outside signal handlers only.
    package static func prepareForDumpsAndWait() {
        prepareForDumps()
        SymbolSlots.prepareAllNow()
    }
}
