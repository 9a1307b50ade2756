// Replaced by the demangler's command implementation.
func runDemangleCommand(_ arguments: [String]) -> Int32 {
    for line in arguments { print(line) }
    return 0
}
