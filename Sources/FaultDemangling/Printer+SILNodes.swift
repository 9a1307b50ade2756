// Node printing for SIL function types and boxes (split from `print` so that each function's frame stays small
// in unoptimised builds).

extension Printer {
    /// Prints SIL function types, parameters and boxes.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printSILNode(_ n: NodeID, _ k: NodeKind, _ depth: Int, _ asPrefixContext: Bool) -> NodeID {
        switch k {
        case .silBoxType:
            put("@box ")
            _ = print(child(n, 0), depth + 1)
        case .implDifferentiabilityKind:
            put("@differentiable")
            switch Unicode.Scalar(UInt8(truncatingIfNeeded: index(n))) {
            case "l": put("(_linear)")
            case "f": put("(_forward)")
            case "r": put("(reverse)")
            default: break
            }
        case .implEscaping: put("@escaping")
        case .implErasedIsolation: put("@isolated(any)")
        case .implCoroutineKind:
            if ws.nodes[Int(n)].textLength > 0 {
                put("@")
                putText(n)
            }
        case .implSendingResult: put("sending")
        case .implParameterResultDifferentiability, .implParameterSending, .implParameterIsolated,
             .implParameterImplicitLeading:
            if ws.nodes[Int(n)].textLength > 0 {
                putText(n)
                put(" ")
            }
        case .implFunctionConvention:
            put("@convention(")
            putText(child(n, 0))
            if count(n) == 2 {
                put(", mangledCType: \"")
                _ = print(child(n, 1), depth + 1)
                put("\"")
            }
            put(")")
        case .implErrorResult:
            put("@error ")
            printChildren(n, depth, separator: " ")
        case .implYield:
            put("@yields ")
            printChildren(n, depth, separator: " ")
        case .implParameter, .implResult:
            _ = print(child(n, 0), depth + 1)
            put(" ")
            if count(n) == 3 { _ = print(child(n, 1), depth + 1) }
            if count(n) == 4 {
                _ = print(child(n, 1), depth + 1)
                _ = print(child(n, 2), depth + 1)
            }
            _ = print(child(n, count(n) - 1), depth + 1)
        case .implFunctionType:
            printImplFunctionType(n, depth)
        case .implInvocationSubstitutions:
            put("for <")
            printChildren(child(n, 0), depth, separator: ", ")
            put(">")
        case .implPatternSubstitutions:
            put("@substituted ")
            _ = print(child(n, 0), depth + 1)
            put(" for <")
            printChildren(child(n, 1), depth, separator: ", ")
            put(">")
        case .silBoxTypeWithLayout:
            printSILBox(n, depth)
        case .silBoxLayout:
            put("{")
            var i = 0
            while i < count(n) {
                if i > 0 { put(",") }
                put(" ")
                _ = print(child(n, i), depth + 1)
                i += 1
            }
            put(" }")
        case .silBoxImmutableField, .silBoxMutableField:
            put(k == .silBoxImmutableField ? "let " : "var ")
            _ = print(child(n, 0), depth + 1)
        default:
            invalid = true
        }
        return 0
    }
}
