// `T` productions: thunks, specializations, partial applies, async partial functions and descriptors.

extension Parser {
    /// `T`: thunks and specializations.
    ///
    /// - Signal safety: safe. Bounded by the input length and stack depth.
    @_noAllocation @_noLocks
    mutating func demangleThunkOrSpecialization() -> NodeID {
        let c = next()
        switch Unicode.Scalar(c) {
        case "c": return with(.curryThunk, pop(where: .entity))
        case "j": return with(.dispatchThunk, pop(where: .entity))
        case "q": return with(.methodDescriptor, pop(where: .entity))
        case "o": return create(.objCAttribute)
        case "O": return create(.nonObjCAttribute)
        case "D": return create(.dynamicAttribute)
        case "d": return create(.directMethodReferenceAttribute)
        case "E": return create(.distributedThunk)
        case "F": return create(.distributedAccessor)
        case "a": return create(.partialApplyObjCForwarder)
        case "A": return create(.partialApplyForwarder)
        case "m": return create(.mergedFunction)
        case "X": return create(.dynamicallyReplaceableFunctionVar)
        case "x": return create(.dynamicallyReplaceableFunctionKey)
        case "I": return create(.dynamicallyReplaceableFunctionImpl)
        case "u": return create(.asyncFunctionPointer)
        case "t":
            pushBack()
            return demangleGenericSpecializationWithDroppedArguments()
        case "Y", "Q":
            let discriminator = demangleIndexAsNode()
            return with(c == UInt8(ascii: "Q") ? .asyncAwaitResumePartialFunction : .asyncSuspendResumePartialFunction,
                        discriminator)
        case "C": return with(.coroutineContinuationPrototype, pop(.type))
        case "z", "Z":
            let flagMode = demangleIndexAsNode()
            let sig = pop(.dependentGenericSignature)
            let resultType = pop(.type)
            let implType = pop(.type)
            let node = with(c == UInt8(ascii: "z") ? .objCAsyncCompletionHandlerImpl
                                                   : .predefinedObjCAsyncCompletionHandlerImpl,
                            implType, resultType, flagMode)
            if sig != 0 { addChild(node, sig) }
            return node
        case "V":
            let base = pop(where: .entity)
            let derived = pop(where: .entity)
            return with(.vTableThunk, derived, base)
        case "W":
            let entity = pop(where: .entity)
            let conf = popProtocolConformance()
            return with(.protocolWitness, conf, entity)
        case "S": return with(.protocolSelfConformanceWitness, pop(where: .entity))
        case "R", "r", "y":
            let kind: NodeKind = c == UInt8(ascii: "R") ? .reabstractionThunkHelper
                : (c == UInt8(ascii: "y") ? .reabstractionThunkHelperWithSelf : .reabstractionThunk)
            let thunk = create(kind)
            let sig = pop(.dependentGenericSignature)
            if sig != 0 { addChild(thunk, sig) }
            if kind == .reabstractionThunkHelperWithSelf { addChild(thunk, pop(.type)) }
            addChild(thunk, pop(.type))
            addChild(thunk, pop(.type))
            return thunk
        case "g": return demangleGenericSpecialization(.genericSpecialization)
        case "G": return demangleGenericSpecialization(.genericSpecializationNotReAbstracted)
        case "B": return demangleGenericSpecialization(.genericSpecializationInResilienceDomain)
        case "s": return demangleGenericSpecialization(.genericSpecializationPrespecialized)
        case "i": return demangleGenericSpecialization(.inlinedGenericFunction)
        case "p", "P":
            let spec = demangleSpecAttributes(c == UInt8(ascii: "p") ? .genericPartialSpecialization
                                                                    : .genericPartialSpecializationNotReAbstracted)
            let param = with(.genericSpecializationParam, pop(.type))
            return addChild(spec, param)
        case "f": return demangleFunctionSpecialization()
        case "K", "k":
            var kind: NodeKind = c == UInt8(ascii: "K") ? .keyPathGetterThunkHelper : .keyPathSetterThunkHelper
            if peek() == UInt8(ascii: "m") && pos + 1 < inputCount && input[pos + 1] == UInt8(ascii: "u") {
                pos += 2
                kind = .keyPathUnappliedMethodThunkHelper
            } else if peek() == UInt8(ascii: "M") && pos + 1 < inputCount && input[pos + 1] == UInt8(ascii: "A") {
                pos += 2
                kind = .keyPathAppliedMethodThunkHelper
            }
            let isSerialized = nextIf("q")
            let base = scratchTop
            var node = pop()
            guard node != 0, self.kind(node) == .type else { return 0 }
            while node != 0 && self.kind(node) == .type {
                guard scratchTop < ws.scratchCapacity else {
                    scratchTop = base
                    return 0
                }
                ws.scratch[scratchTop] = node
                scratchTop += 1
                node = pop()
            }
            var result: NodeID = 0
            if node != 0 {
                if self.kind(node) == .dependentGenericSignature {
                    let decl = pop()
                    if decl == 0 {
                        scratchTop = base
                        return 0
                    }
                    result = with(kind, decl, node)
                } else {
                    result = with(kind, node)
                }
            } else {
                scratchTop = base
                return 0
            }
            while scratchTop > base {
                scratchTop -= 1
                addChild(result, ws.scratch[scratchTop])
            }
            if isSerialized { addChild(result, create(.isSerialized)) }
            return result
        case "l":
            let name = popAssocTypeName()
            return name == 0 ? 0 : with(.associatedTypeDescriptor, name)
        case "L": return with(.protocolRequirementsBaseDescriptor, popProtocol())
        case "M": return with(.defaultAssociatedTypeMetadataAccessor, popAssocTypeName())
        case "n":
            let requirement = popProtocol()
            let conforming = popAssocTypePath()
            let proto = pop(.type)
            return with(.associatedConformanceDescriptor, proto, conforming, requirement)
        case "N":
            let requirement = popProtocol()
            let path = popAssocTypePath()
            let proto = pop(.type)
            return with(.defaultAssociatedConformanceAccessor, proto, path, requirement)
        case "b":
            let requirement = popProtocol()
            let proto = pop(.type)
            return with(.baseConformanceDescriptor, proto, requirement)
        case "H", "h":
            let kind: NodeKind = c == UInt8(ascii: "H") ? .keyPathEqualsThunkHelper : .keyPathHashThunkHelper
            let isSerialized = nextIf("q")
            var sig: NodeID = 0
            let base = scratchTop
            let first = pop()
            guard first != 0 else { return 0 }
            if self.kind(first) == .dependentGenericSignature {
                sig = first
            } else if self.kind(first) == .type {
                ws.scratch[scratchTop] = first
                scratchTop += 1
            } else {
                return 0
            }
            while true {
                let n = pop()
                if n == 0 { break }
                guard self.kind(n) == .type, scratchTop < ws.scratchCapacity else {
                    scratchTop = base
                    return 0
                }
                ws.scratch[scratchTop] = n
                scratchTop += 1
            }
            let result = create(kind)
            while scratchTop > base {
                scratchTop -= 1
                addChild(result, ws.scratch[scratchTop])
            }
            if sig != 0 { addChild(result, sig) }
            if isSerialized { addChild(result, create(.isSerialized)) }
            return result
        case "v":
            let i = demangleIndex()
            if i < 0 { return 0 }
            if nextIf("r") { return create(.outlinedReadOnlyObject, index: UInt64(i)) }
            return create(.outlinedVariable, index: UInt64(i))
        case "e":
            let start = pos
            guard demangleBridgedMethodParams() else { return 0 }
            return create(.outlinedBridgedMethod, inputText: start, length: pos - start - 1)
        case "U":
            let globalActor = pop(.type)
            if globalActor == 0 { return 0 }
            let reabstraction = pop()
            if reabstraction == 0 { return 0 }
            return with(.reabstractionThunkHelperWithGlobalActor, reabstraction, globalActor)
        case "w":
            switch Unicode.Scalar(next()) {
            case "b": return create(.backDeploymentThunk)
            case "B": return create(.backDeploymentFallback)
            case "S": return create(.hasSymbolQuery)
            case "c": return create(.coroFunctionPointer)
            case "d": return create(.defaultOverride)
            default: return 0
            }
        case "T":
            switch Unicode.Scalar(next()) {
            case "I": return with(.silThunkIdentity, pop(where: .entity))
            case "H": return with(.silThunkHopToMainActorIfNeeded, pop(where: .entity))
            default: return 0
            }
        case "J":
            switch Unicode.Scalar(peek()) {
            case "S":
                _ = next()
                return demangleAutoDiffSubsetParametersThunk()
            case "O":
                _ = next()
                return demangleAutoDiffSelfReorderingReabstractionThunk()
            case "V":
                _ = next()
                return demangleAutoDiffFunctionOrSimpleThunk(.autoDiffDerivativeVTableThunk)
            default:
                return demangleAutoDiffFunctionOrSimpleThunk(.autoDiffFunction)
            }
        default:
            return 0
        }
    }

    /// The parameter kinds of an outlined bridged method (`Te`); the trailing `_` is consumed.
    ///
    /// - Signal safety: safe. Bounded by the input length.
    @_noAllocation @_noLocks
    mutating func demangleBridgedMethodParams() -> Bool {
        if nextIf("_") { return false }
        switch Unicode.Scalar(next()) {
        case "o", "p", "a", "m": break
        default: return false
        }
        while !nextIf("_") {
            switch Unicode.Scalar(next()) {
            case "n", "b", "g": continue
            default: return false
            }
        }
        return true
    }

    /// Optional `m`, `q` and `a` flags and the pass ID of a specialization.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleSpecAttributes(_ kind: NodeKind) -> NodeID {
        let isSerialized = nextIf("q")
        let asyncRemoved = nextIf("a")
        _ = nextIf("r")  // representation changed
        let passID = Int(next()) - 48
        guard passID >= 0, passID <= 9 else { return 0 }
        let spec = create(kind)
        if isSerialized { appendChild(spec, create(.isSerialized)) }
        if asyncRemoved { appendChild(spec, create(.asyncRemoved)) }
        appendChild(spec, create(.specializationPassID, index: UInt64(passID)))
        return spec
    }

    /// `Tg`, `TG`, `Ts`, `Ti`, `TB`: a generic specialization and its substitutions.
    ///
    /// - Signal safety: safe. Bounded by the stack depth.
    @_noAllocation @_noLocks
    mutating func demangleGenericSpecialization(_ kind: NodeKind) -> NodeID {
        let spec = demangleSpecAttributes(kind)
        if spec == 0 { return 0 }
        let list = popTypeList()
        if list == 0 { return 0 }
        var i = 0
        while i < count(list) {
            appendChild(spec, with(.genericSpecializationParam, child(list, i)))
            i += 1
        }
        return spec
    }

    /// `Tt...`: a generic specialization with dropped arguments (`t`, `tN`, ...).
    ///
    /// - Signal safety: safe. Bounded by the input length.
    @_noAllocation @_noLocks
    mutating func demangleGenericSpecializationWithDroppedArguments() -> NodeID {
        let droppedBase = scratchTop
        while nextIf("t") {
            let n = demangleNatural()
            guard scratchTop < ws.scratchCapacity else { return 0 }
            ws.scratch[scratchTop] = create(.droppedArgument, index: n >= 0 ? UInt64(n + 1) : 0)
            scratchTop += 1
        }
        let kind: NodeKind
        switch Unicode.Scalar(next()) {
        case "g": kind = .genericSpecialization
        case "G": kind = .genericSpecializationNotReAbstracted
        case "B": kind = .genericSpecializationInResilienceDomain
        default:
            scratchTop = droppedBase
            return 0
        }
        let spec = demangleSpecAttributes(kind)
        var i = droppedBase
        while i < scratchTop {
            addChild(spec, ws.scratch[i])
            i += 1
        }
        scratchTop = droppedBase
        if spec == 0 { return 0 }
        let list = popTypeList()
        if list == 0 { return 0 }
        i = 0
        while i < count(list) {
            appendChild(spec, with(.genericSpecializationParam, child(list, i)))
            i += 1
        }
        return spec
    }

    /// `Tf`: a function signature specialization.
    ///
    /// - Signal safety: safe. Bounded by the input length.
    @_noAllocation @_noLocks
    mutating func demangleFunctionSpecialization() -> NodeID {
        var spec = demangleSpecAttributes(.functionSignatureSpecialization)
        while spec != 0 && !nextIf("_") {
            guard pos < inputCount else { return 0 }
            spec = addChild(spec, demangleFuncSpecParam(.functionSignatureSpecializationParam))
        }
        if !nextIf("n") {
            spec = addChild(spec, demangleFuncSpecParam(.functionSignatureSpecializationReturn))
        }
        if spec == 0 { return 0 }
        let num = count(spec)
        var idx = num - 1
        while idx >= 0 {
            let param = child(spec, idx)
            idx -= 1
            guard kind(param) == .functionSignatureSpecializationParam else { continue }
            let fixed = count(param)
            let base = scratchTop
            var k = fixed - 1
            while k >= 0 {
                let kindNode = child(param, k)
                k -= 1
                guard kind(kindNode) == .functionSignatureSpecializationParamKind else { continue }
                // Kinds: 0 function, 1 global, 4 string, 5 closure, 11 key path, 13 escaping closure, 14 struct.
                switch index(kindNode) {
                case 5, 13:
                    while true {
                        let ty = pop(.type)
                        if ty == 0 { break }
                        guard pushScratch(ty) else { return 0 }
                    }
                case 11:
                    guard pushScratch(pop(.type)), pushScratch(pop(.type)) else { return 0 }
                case 14:
                    guard pushScratch(pop(.type)) else { return 0 }
                    continue
                case 0, 1, 4:
                    break
                default:
                    continue
                }
                guard pushScratch(pop(.identifier)) else { return 0 }
            }
            // Insert the popped arguments (in mangling order) after the fixed children.
            while scratchTop > base {
                scratchTop -= 1
                appendChild(param, ws.scratch[scratchTop])
            }
        }
        return spec
    }

    /// One parameter (or the return value) of a function signature specialization.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleFuncSpecParam(_ kind: NodeKind) -> NodeID {
        let param = create(kind)
        switch Unicode.Scalar(next()) {
        case "n": return param
        case "c": return addChild(param, create(.functionSignatureSpecializationParamKind, index: 5))
        case "E": return addChild(param, create(.functionSignatureSpecializationParamKind, index: 13))
        case "C":
            appendChild(param, create(.functionSignatureSpecializationParamKind, index: 12))
            let n = demangleNatural()
            if n < 0 { return 0 }
            return addChild(param, create(.functionSignatureSpecializationParamPayload, index: UInt64(n)))
        case "p":
            while pos < inputCount && !failed {
                switch Unicode.Scalar(next()) {
                case "S": appendChild(param, create(.functionSignatureSpecializationParamKind, index: 14))
                case "f": appendChild(param, create(.functionSignatureSpecializationParamKind, index: 0))
                case "g": appendChild(param, create(.functionSignatureSpecializationParamKind, index: 1))
                case "i": if addFuncSpecParamNumber(param, 2) == 0 { return 0 }
                case "d": if addFuncSpecParamNumber(param, 3) == 0 { return 0 }
                case "s":
                    let encoding: StaticString
                    switch Unicode.Scalar(next()) {
                    case "b": encoding = "u8"
                    case "w": encoding = "u16"
                    case "c": encoding = "objc"
                    default: return 0
                    }
                    appendChild(param, create(.functionSignatureSpecializationParamKind, index: 4))
                    appendChild(param, create(.functionSignatureSpecializationParamPayload, encoding))
                case "k": appendChild(param, create(.functionSignatureSpecializationParamKind, index: 11))
                default:
                    pushBack()
                    return param
                }
            }
            return param
        case "e":
            var value: UInt64 = 1 << 6
            if nextIf("D") { value |= 1 << 7 }
            if nextIf("G") { value |= 1 << 8 }
            if nextIf("O") { value |= 1 << 9 }
            if nextIf("X") { value |= 1 << 10 }
            return addChild(param, create(.functionSignatureSpecializationParamKind, index: value))
        case "d":
            var value: UInt64 = 1 << 7
            if nextIf("G") { value |= 1 << 8 }
            if nextIf("O") { value |= 1 << 9 }
            if nextIf("X") { value |= 1 << 10 }
            return addChild(param, create(.functionSignatureSpecializationParamKind, index: value))
        case "g":
            var value: UInt64 = 1 << 8
            if nextIf("X") { value |= 1 << 10 }
            return addChild(param, create(.functionSignatureSpecializationParamKind, index: value))
        case "o":
            var value: UInt64 = 1 << 9
            if nextIf("X") { value |= 1 << 10 }
            return addChild(param, create(.functionSignatureSpecializationParamKind, index: value))
        case "x": return addChild(param, create(.functionSignatureSpecializationParamKind, index: 1 << 10))
        case "i": return addChild(param, create(.functionSignatureSpecializationParamKind, index: 8))
        case "s": return addChild(param, create(.functionSignatureSpecializationParamKind, index: 9))
        case "r": return addChild(param, create(.functionSignatureSpecializationParamKind, index: 10))
        default: return 0
        }
    }

    /// Pushes a non-zero node on the scratch stack; false for 0 or when full.
    ///
    /// - Signal safety: safe. Bounded write.
    @_noAllocation @_noLocks
    mutating func pushScratch(_ n: NodeID) -> Bool {
        guard n != 0, scratchTop < ws.scratchCapacity else { return false }
        ws.scratch[scratchTop] = n
        scratchTop += 1
        return true
    }

    /// A numeric constant-propagation payload.
    ///
    /// - Signal safety: safe. Bounded by the input length.
    @_noAllocation @_noLocks
    mutating func addFuncSpecParamNumber(_ param: NodeID, _ kind: UInt64) -> NodeID {
        appendChild(param, create(.functionSignatureSpecializationParamKind, index: kind))
        let start = pos
        while isDigit(peek()) { _ = next() }
        if pos == start { return 0 }
        return addChild(param, create(.functionSignatureSpecializationParamPayload, inputText: start, length: pos - start))
    }

    /// `TJ`: an automatic differentiation function or thunk.
    ///
    /// - Signal safety: safe. Bounded by the stack depth.
    @_noAllocation @_noLocks
    mutating func demangleAutoDiffFunctionOrSimpleThunk(_ kind: NodeKind) -> NodeID {
        var result = create(kind)
        while true {
            let n = pop()
            if n == 0 || result == 0 { break }
            result = addChild(result, n)
        }
        reverseChildren(result)
        result = addChild(result, demangleAutoDiffFunctionKind())
        result = addChild(result, demangleIndexSubset())
        if !nextIf("p") { return 0 }
        result = addChild(result, demangleIndexSubset())
        if !nextIf("r") { return 0 }
        return result
    }

    /// The kind letter of an autodiff function.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleAutoDiffFunctionKind() -> NodeID {
        let c = next()
        switch Unicode.Scalar(c) {
        case "f", "r", "d", "p": return create(.autoDiffFunctionKind, index: UInt64(c))
        default: return 0
        }
    }

    /// `TJS`: an autodiff subset-parameters thunk.
    ///
    /// - Signal safety: safe. Bounded by the stack depth.
    @_noAllocation @_noLocks
    mutating func demangleAutoDiffSubsetParametersThunk() -> NodeID {
        var result = create(.autoDiffSubsetParametersThunk)
        while true {
            let n = pop()
            if n == 0 || result == 0 { break }
            result = addChild(result, n)
        }
        reverseChildren(result)
        result = addChild(result, demangleAutoDiffFunctionKind())
        result = addChild(result, demangleIndexSubset())
        if !nextIf("p") { return 0 }
        result = addChild(result, demangleIndexSubset())
        if !nextIf("r") { return 0 }
        result = addChild(result, demangleIndexSubset())
        if !nextIf("P") { return 0 }
        return result
    }

    /// `TJO`: an autodiff self-reordering reabstraction thunk.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleAutoDiffSelfReorderingReabstractionThunk() -> NodeID {
        var result = create(.autoDiffSelfReorderingReabstractionThunk)
        addChild(result, pop(.dependentGenericSignature))
        result = addChild(result, pop(.type))
        result = addChild(result, pop(.type))
        reverseChildren(result)
        return addChild(result, demangleAutoDiffFunctionKind())
    }
}
