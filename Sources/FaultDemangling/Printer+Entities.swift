// Entities (qualified names with argument labels), function types and generic types.

extension Printer {
    /// Prints a variable or subscript with an accessor word (`x.getter`, `subscript.modify`).
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printAbstractStorage(_ n: NodeID, _ depth: Int, _ asPrefixContext: Bool,
                                       _ extraName: StaticString) -> NodeID {
        guard n != 0 else {
            invalid = true
            return 0
        }
        switch kind(n) {
        case .variable:
            return printEntity(n, depth, asPrefixContext, .withColon, hasName: true, extraName: extraName)
        case .subscript:
            return printEntity(n, depth, asPrefixContext, .withColon, hasName: false, extraName: extraName,
                               overwriteName: "subscript")
        default:
            invalid = true
            return 0
        }
    }

    /// Prints an entity: its context (as `Ctx.` prefix, or ` in Ctx` suffix for multi-word names), its name and,
    /// for functions, its argument labels.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printEntity(_ entityIn: NodeID, _ depth: Int, _ asPrefixContext: Bool, _ typePrintingIn: TypePrinting,
                              hasName: Bool, extraName extraNameIn: StaticString = "", extraIndex extraIndexIn: Int = -1,
                              overwriteName: StaticString = "") -> NodeID {
        var entity = entityIn
        var typePrinting = typePrintingIn
        var extraName = extraNameIn
        var extraIndex = extraIndexIn
        var genericFunctionTypeList: NodeID = 0
        if kind(entity) == .boundGenericFunction {
            genericFunctionTypeList = child(entity, 1)
            entity = child(entity, 0)
        }
        guard entity != 0, count(entity) > 0 else {
            invalid = true
            return 0
        }
        var multiWordName = Printer.containsSpace(extraName)
        let localName = hasName && kind(child(entity, 1)) == .localDeclName
        if localName { multiWordName = true }
        if asPrefixContext && (typePrinting != .noType || multiWordName) { return entity }
        var postfixContext: NodeID = 0
        let context = child(entity, 0)
        if multiWordName {
            postfixContext = context
        } else {
            let before = length
            postfixContext = print(context, depth + 1, asPrefixContext: true)
            if length != before { put(".") }
        }
        // The name.
        if hasName || overwriteName.utf8CodeUnitCount > 0 {
            if extraName.utf8CodeUnitCount > 0 && multiWordName {
                put(extraName)
                if extraIndex >= 0 { putDecimal(UInt64(extraIndex)) }
                put(" of ")
                extraName = ""
                extraIndex = -1
            }
            let before = length
            if hasName {
                let name = child(entity, 1)
                if name != 0 && kind(name) != .privateDeclName { _ = print(name, depth + 1) }
                let privateName = childOfKind(entity, .privateDeclName)
                if privateName != 0 { _ = print(privateName, depth + 1) }
            }
            if overwriteName.utf8CodeUnitCount > 0 {
                if length != before { put(".") }
                put(overwriteName)
            }
            if length != before && extraName.utf8CodeUnitCount > 0 { put(".") }
        }
        if extraName.utf8CodeUnitCount > 0 {
            put(extraName)
            if extraIndex >= 0 { putDecimal(UInt64(extraIndex)) }
        }
        // The type (argument labels only, in the simplified form).
        if typePrinting != .noType {
            var ty = childOfKind(entity, .type)
            if ty == 0 {
                invalid = true
                return 0
            }
            ty = child(ty, 0)
            if typePrinting == .functionStyle {
                var t = ty
                var steps = 0
                while t != 0 && kind(t) == .dependentGenericType && steps < 64 {
                    t = child(child(t, 1), 0)
                    steps += 1
                }
                let tk = t == 0 ? NodeKind.type : kind(t)
                if tk != .functionType && tk != .noEscapeFunctionType && tk != .uncurriedFunctionType
                    && tk != .cFunctionPointer && tk != .thinFunctionType {
                    typePrinting = .withColon
                }
            }
            if typePrinting == .functionStyle {
                if multiWordName || needSpaceBeforeType(ty) { put(" ") }
                printEntityType(entity, ty, genericFunctionTypeList, depth)
            }
        }
        if !asPrefixContext && postfixContext != 0 {
            let ek = kind(entity)
            if ek == .defaultArgumentInitializer || ek == .initializer || ek == .propertyWrapperBackingInitializer
                || ek == .propertyWrapperInitFromProjectedValue {
                put(" of ")
            } else {
                put(" in ")
            }
            _ = print(postfixContext, depth + 1)
            postfixContext = 0
        }
        return postfixContext
    }

    /// Whether a static string has a space.
    ///
    /// - Signal safety: safe. Bounded by the string length.
    @_noAllocation @_noLocks
    static func containsSpace(_ s: StaticString) -> Bool {
        var i = 0
        while i < s.utf8CodeUnitCount {
            if s.utf8Start[i] == UInt8(ascii: " ") { return true }
            i += 1
        }
        return false
    }

    /// Prints the generic arguments or signature and the parameter labels of an entity's function type.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printEntityType(_ entity: NodeID, _ tyIn: NodeID, _ genericFunctionTypeList: NodeID, _ depth: Int) {
        var ty = tyIn
        let labels = childOfKind(entity, .labelList)
        if labels != 0 || genericFunctionTypeList != 0 {
            if genericFunctionTypeList != 0 {
                put("<")
                printChildren(genericFunctionTypeList, depth, separator: ", ")
                put(">")
            }
            if kind(ty) == .dependentGenericType {
                if genericFunctionTypeList == 0 { _ = print(child(ty, 0), depth + 1) }
                let dependent = child(ty, 1)
                if needSpaceBeforeType(dependent) { put(" ") }
                ty = child(dependent, 0)
            }
            printFunctionType(labels, ty, depth)
        } else {
            _ = print(ty, depth + 1)
        }
    }

    /// Prints a function type: its attributes and its parameter labels (`(_:label:)`).
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printFunctionType(_ labels: NodeID, _ n: NodeID, _ depth: Int) {
        guard n != 0, count(n) >= 2 else {
            invalid = true
            return
        }
        let hasClangType = kind(child(n, 0)) == .clangType
        switch kind(n) {
        case .functionType, .uncurriedFunctionType, .noEscapeFunctionType: break
        case .autoClosureType, .escapingAutoClosureType: put("@autoclosure ")
        case .thinFunctionType: put("@convention(thin) ")
        case .cFunctionPointer:
            put("@convention(c")
            if hasClangType {
                put(", mangledCType: \"")
                _ = print(child(n, 0), depth + 1)
                put("\"")
            }
            put(") ")
        case .escapingObjCBlock, .objCBlock:
            if kind(n) == .escapingObjCBlock { put("@escaping ") }
            put("@convention(block")
            if hasClangType {
                put(", mangledCType: \"")
                _ = print(child(n, 0), depth + 1)
                put("\"")
            }
            put(") ")
        default:
            invalid = true
            return
        }
        let argIndex = count(n) - 2
        var start = 0
        var isSendable = false
        var diffKind: UInt64 = 0
        if hasClangType { start += 1 }
        if kind(child(n, start)) == .sendingResultFunctionType { start += 1 }
        if kind(child(n, start)) == .isolatedAnyFunctionType {
            _ = print(child(n, start), depth + 1)
            start += 1
        }
        var nonIsolatedCaller: NodeID = 0
        if kind(child(n, start)) == .nonIsolatedCallerFunctionType {
            nonIsolatedCaller = child(n, start)
            start += 1
        }
        if kind(child(n, start)) == .globalActorFunctionType {
            _ = print(child(n, start), depth + 1)
            start += 1
        }
        if kind(child(n, start)) == .differentiableFunctionType {
            diffKind = index(child(n, start))
            start += 1
        }
        let tk = kind(child(n, start))
        if tk == .throwsAnnotation || tk == .typedThrowsAnnotation { start += 1 }
        if kind(child(n, start)) == .concurrentFunctionType {
            start += 1
            isSendable = true
        }
        switch Unicode.Scalar(UInt8(truncatingIfNeeded: diffKind)) {
        case "f": put("@differentiable(_forward) ")
        case "r": put("@differentiable(reverse) ")
        case "l": put("@differentiable(_linear) ")
        case "d": put("@differentiable ")
        default: break
        }
        if nonIsolatedCaller != 0 { _ = print(nonIsolatedCaller, depth + 1) }
        if isSendable { put("@Sendable ") }
        printFunctionParameters(labels, child(n, argIndex), depth, showTypes: false)
    }

    /// Prints parameter labels: `(_:)`, `(a:b:)`.
    ///
    /// - Signal safety: safe. Bounded by the parameter count.
    @_noAllocation @_noLocks
    mutating func printFunctionParameters(_ labels: NodeID, _ parameterType: NodeID, _ depth: Int, showTypes: Bool) {
        guard parameterType != 0, kind(parameterType) == .argumentTuple else {
            invalid = true
            return
        }
        let params = child(child(parameterType, 0), 0)
        guard params != 0 else {
            invalid = true
            return
        }
        if kind(params) != .tuple {
            put("(_:)")
            return
        }
        let hasLabels = labels != 0 && count(labels) > 0
        put("(")
        var i = 0
        while i < count(params) {
            let param = child(params, i)
            if hasLabels {
                let label = child(labels, i)
                if label != 0 && kind(label) == .identifier { putText(label) } else { put("_") }
                put(":")
            } else {
                let label = childOfKind(param, .tupleElementName)
                if label != 0 {
                    putText(label)
                    put(":")
                } else {
                    put("_:")
                }
            }
            i += 1
        }
        put(")")
    }

    /// Prints a bound generic type, with sugar for Optional, Array and Dictionary.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printBoundGeneric(_ n: NodeID, _ depth: Int) {
        if count(n) < 2 { return }
        if count(n) != 2 || kind(n) == .boundGenericClass {
            printBoundGenericNoSugar(n, depth)
            return
        }
        if kind(n) == .boundGenericProtocol {
            printChildren(child(n, 1), depth)
            put(" as ")
            _ = print(child(n, 0), depth + 1)
            return
        }
        let args = child(n, 1)
        let unbound = child(child(n, 0), 0)
        let name = child(unbound, 1)
        let isSwift = kind(child(unbound, 0)) == .module && textEquals(child(unbound, 0), "Swift")
        if isSwift && kind(n) == .boundGenericEnum && count(args) == 1 {
            if textEquals(name, "Optional") || textEquals(name, "ImplicitlyUnwrappedOptional") {
                printWithParens(child(args, 0), depth)
                put(textEquals(name, "Optional") ? "?" : "!")
                return
            }
        }
        if isSwift && kind(n) == .boundGenericStructure {
            if textEquals(name, "Array") && count(args) == 1 {
                put("[")
                _ = print(child(args, 0), depth + 1)
                put("]")
                return
            }
            if textEquals(name, "Dictionary") && count(args) == 2 {
                put("[")
                _ = print(child(args, 0), depth + 1)
                put(" : ")
                _ = print(child(args, 1), depth + 1)
                put("]")
                return
            }
        }
        printBoundGenericNoSugar(n, depth)
    }

    /// `Type<Args>`.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printBoundGenericNoSugar(_ n: NodeID, _ depth: Int) {
        if count(n) < 2 { return }
        _ = print(child(n, 0), depth + 1)
        put("<")
        printChildren(child(n, 1), depth, separator: ", ")
        put(">")
    }

    /// `<A, B><C>`: the parameters of a generic signature (requirements are not shown).
    ///
    /// - Signal safety: safe. At most 128 parameters per level.
    @_noAllocation @_noLocks
    mutating func printGenericSignature(_ n: NodeID, _ depth: Int) {
        put("<")
        let numChildren = count(n)
        var numParams = 0
        while numParams < numChildren && kind(child(n, numParams)) == .dependentGenericParamCount { numParams += 1 }
        var firstRequirement = numParams
        while firstRequirement < numChildren {
            var c = child(n, firstRequirement)
            if kind(c) == .type { c = child(c, 0) }
            if kind(c) != .dependentGenericParamPackMarker && kind(c) != .dependentGenericParamValueMarker { break }
            firstRequirement += 1
        }
        var gpDepth = 0
        while gpDepth < numParams {
            if gpDepth != 0 { put("><") }
            let paramCount = index(child(n, gpDepth))
            var i: UInt64 = 0
            while i < paramCount {
                if i != 0 { put(", ") }
                if i >= 128 {
                    put("...")
                    break
                }
                if isGenericParamPack(n, numParams, firstRequirement, UInt64(gpDepth), i) { put("each ") }
                let valueType = genericParamValueType(n, numParams, firstRequirement, UInt64(gpDepth), i)
                if valueType != 0 { put("let ") }
                putGenericParameterName(depth: UInt64(gpDepth), index: i)
                if valueType != 0 {
                    put(": ")
                    _ = print(valueType, depth + 1)
                }
                i += 1
            }
            gpDepth += 1
        }
        put(">")
    }

    /// Whether a pack marker names parameter `(d, i)`.
    ///
    /// - Signal safety: safe. Bounded by the child count.
    @_noAllocation @_noLocks
    mutating func isGenericParamPack(_ n: NodeID, _ from: Int, _ to: Int, _ d: UInt64, _ i: UInt64) -> Bool {
        var j = from
        while j < to {
            var c = child(n, j)
            j += 1
            guard kind(c) == .dependentGenericParamPackMarker else { continue }
            c = child(c, 0)
            guard c != 0, kind(c) == .type else { continue }
            c = child(c, 0)
            guard c != 0, kind(c) == .dependentGenericParamType else { continue }
            if i == index(child(c, 0)) && d == index(child(c, 1)) { return true }
        }
        return false
    }

    /// The value type of a value parameter `(d, i)`, or 0.
    ///
    /// - Signal safety: safe. Bounded by the child count.
    @_noAllocation @_noLocks
    mutating func genericParamValueType(_ n: NodeID, _ from: Int, _ to: Int, _ d: UInt64, _ i: UInt64) -> NodeID {
        var j = from
        while j < to {
            var c = child(n, j)
            j += 1
            guard kind(c) == .dependentGenericParamValueMarker else { continue }
            c = child(c, 0)
            guard c != 0, kind(c) == .type else { continue }
            let param = child(c, 0)
            let ty = child(c, 1)
            guard param != 0, kind(param) == .dependentGenericParamType else { continue }
            if i == index(child(param, 0)) && d == index(child(param, 1)) { return ty }
        }
        return 0
    }

    /// `@convention(...) (params) -> (results)` of a SIL function type.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printImplFunctionType(_ fn: NodeID, _ depth: Int) {
        var patternSubs: NodeID = 0
        var invocationSubs: NodeID = 0
        var sendingResult: NodeID = 0
        var state = 0  // 0 attributes, 1 inputs, 2 results
        var i = 0
        while i < count(fn) {
            let c = child(fn, i)
            i += 1
            let k = kind(c)
            if k == .implParameter {
                if state == 1 { put(", ") }
                transition(&state, to: 1, patternSubs, sendingResult, depth)
                _ = print(c, depth + 1)
            } else if k == .implResult || k == .implYield || k == .implErrorResult {
                if state == 2 { put(", ") }
                transition(&state, to: 2, patternSubs, sendingResult, depth)
                _ = print(c, depth + 1)
            } else if k == .implPatternSubstitutions {
                patternSubs = c
            } else if k == .implInvocationSubstitutions {
                invocationSubs = c
            } else if k == .implSendingResult {
                sendingResult = c
            } else {
                _ = print(c, depth + 1)
                put(" ")
            }
        }
        transition(&state, to: 2, patternSubs, sendingResult, depth)
        put(")")
        if patternSubs != 0 {
            put(" for <")
            printChildren(child(patternSubs, 1), depth)
            put(">")
        }
        if invocationSubs != 0 {
            put(" for <")
            printChildren(child(invocationSubs, 0), depth)
            put(">")
        }
    }

    /// Moves the SIL function type printer to a later section, printing the punctuation in between.
    ///
    /// - Signal safety: safe. At most two steps.
    @_noAllocation @_noLocks
    mutating func transition(_ state: inout Int, to newState: Int, _ patternSubs: NodeID, _ sendingResult: NodeID,
                             _ depth: Int) {
        while state < newState {
            if state == 0 {
                if patternSubs != 0 {
                    put("@substituted ")
                    _ = print(child(patternSubs, 0), depth + 1)
                    put(" ")
                }
                put("(")
            } else {
                put(") -> ")
                if sendingResult != 0 {
                    _ = print(sendingResult, depth + 1)
                    put(" ")
                }
                put("(")
            }
            state += 1
        }
    }

    /// `T: _Trivial(64)` and other layout requirements.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printLayoutRequirement(_ n: NodeID, _ depth: Int) {
        _ = print(child(n, 0), depth + 1)
        put(": ")
        let layout = child(n, 1)
        let c: UInt8 = layout != 0 && ws.nodes[Int(layout)].textLength > 0 ? ws.text[Int(ws.nodes[Int(layout)].textStart)] : 0
        switch Unicode.Scalar(c) {
        case "U": put("_UnknownLayout")
        case "R": put("_RefCountedObject")
        case "N": put("_NativeRefCountedObject")
        case "C": put("AnyObject")
        case "D": put("_NativeClass")
        case "T", "E", "e": put("_Trivial")
        case "M", "m": put("_TrivialAtMost")
        case "B": put("_BridgeObject")
        default: break
        }
        if count(n) > 2 {
            put("(")
            _ = print(child(n, 2), depth + 1)
            if count(n) > 3 {
                put(", ")
                _ = print(child(n, 3), depth + 1)
            }
            put(")")
        }
    }

    /// A SIL box type with its layout.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printSILBox(_ n: NodeID, _ depth: Int) {
        let layout = child(n, 0)
        var genericArgs: NodeID = 0
        if count(n) == 3 {
            _ = print(child(n, 1), depth + 1)
            put(" ")
            genericArgs = child(n, 2)
        }
        _ = print(layout, depth + 1)
        if genericArgs != 0 {
            put(" <")
            printChildren(genericArgs, depth, separator: ", ")
            put(">")
        }
    }

    /// A differentiability witness.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printDifferentiabilityWitness(_ n: NodeID, _ depth: Int) {
        let c = count(n)
        guard c >= 3 else {
            invalid = true
            return
        }
        let last = child(n, c - 1)
        let kindIndex = c - (kind(last) == .dependentGenericSignature ? 4 : 3)
        guard kindIndex >= 0 else {
            invalid = true
            return
        }
        switch Unicode.Scalar(UInt8(truncatingIfNeeded: index(child(n, kindIndex)))) {
        case "f": put("forward-mode")
        case "r": put("reverse-mode")
        case "d": put("normal")
        default: put("linear")
        }
        put(" differentiability witness for ")
        var idx = 0
        while idx < c && kind(child(n, idx)) != .index {
            _ = print(child(n, idx), depth + 1)
            idx += 1
        }
        idx += 1
        put(" with respect to parameters ")
        _ = print(child(n, idx), depth + 1)
        idx += 1
        put(" and results ")
        _ = print(child(n, idx), depth + 1)
        idx += 1
        if idx < c {
            put(" with ")
            _ = print(child(n, idx), depth + 1)
        }
    }
}
