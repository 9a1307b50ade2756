// `faulthandler-demo demangle [SYMBOL...]`: demangles symbols with the allocation-free demangler.

import FaultDemangling

/// With arguments, prints one demangled line per argument. Without, reads one mangled name per line from stdin
/// and prints exactly one line per input line: the demangled name, or the input unchanged when it is not a
/// Swift symbol. Returns the process exit status.
///
/// - Signal safety: unsafe. Call outside signal handlers only.
func runDemangleCommand(_ arguments: [String]) -> Int32 {
    let workspace = DemanglerWorkspace()
    defer { workspace.deallocate() }
    if !arguments.isEmpty {
        for symbol in arguments {
            print(SwiftDemangler.demangle(symbol, workspace: workspace) ?? symbol)
        }
        return 0
    }
    while let line = readLine(strippingNewline: true) {
        print(SwiftDemangler.demangle(line, workspace: workspace) ?? line)
    }
    return 0
}
