// Type productions: nominal and bound generic types, functions, tuples, protocols, builtins, archetypes and
// associated types, generic signatures and requirements.

extension Parser {
    /// `popModule`: an identifier turned into a Module, or a Module.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func popModule() -> NodeID {
        let ident = pop(.identifier)
        if ident != 0 { return changeKind(ident, .module) }
        return pop(.module)
    }

    /// `popContext`: a module, a context-kind type, or a context node.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func popContext() -> NodeID {
        let m = popModule()
        if m != 0 { return m }
        let ty = pop(.type)
        if ty != 0 {
            guard count(ty) == 1 else { return 0 }
            let c = child(ty, 0)
            return kind(c).isContext ? c : 0
        }
        return pop(where: .context)
    }

    /// The only child of a popped Type node.
    ///
    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    mutating func popTypeAndGetChild() -> NodeID {
        let ty = pop(.type)
        guard ty != 0, count(ty) == 1 else { return 0 }
        return child(ty, 0)
    }

    /// The nominal type inside a popped Type node.
    ///
    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    mutating func popTypeAndGetAnyGeneric() -> NodeID {
        let c = popTypeAndGetChild()
        return c != 0 && kind(c).isAnyGeneric ? c : 0
    }

    /// `D`: a type mangling.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleTypeMangling() -> NodeID {
        let ty = pop(.type)
        let labels = popFunctionParamLabels(ty)
        var mangling = create(.typeMangling)
        addChild(mangling, labels)
        mangling = addChild(mangling, ty)
        return mangling
    }

    /// `B`: builtin types.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleBuiltinType() -> NodeID {
        let ty: NodeID
        switch Unicode.Scalar(next()) {
        case "b": ty = create(.builtinTypeName, "Builtin.BridgeObject")
        case "B": ty = create(.builtinTypeName, "Builtin.UnsafeValueBuffer")
        case "e": ty = create(.builtinTypeName, "Builtin.Executor")
        case "f", "i":
            let isFloat = input[pos - 1] == UInt8(ascii: "f")
            let size = demangleIndex() - 1
            guard size > 0, size <= 4096 else { return 0 }
            let start = textUsed
            if isFloat { appendStatic("Builtin.FPIEEE") } else { appendStatic("Builtin.Int") }
            addDecimal(size)
            ty = create(.builtinTypeName, poolText: start, length: textUsed - start)
        case "I": ty = create(.builtinTypeName, "Builtin.IntLiteral")
        case "v":
            let elements = demangleIndex() - 1
            guard elements > 0, elements <= 4096 else { return 0 }
            let element = popTypeAndGetChild()
            guard element != 0, kind(element) == .builtinTypeName else { return 0 }
            let e = ws.nodes[Int(element)]
            guard e.textLength > 8 else { return 0 }
            let start = textUsed
            appendStatic("Builtin.Vec")
            addDecimal(elements)
            appendByte(UInt8(ascii: "x"))
            appendText(ws.text + Int(e.textStart) + 8, Int(e.textLength) - 8)
            ty = create(.builtinTypeName, poolText: start, length: textUsed - start)
        case "O": ty = create(.builtinTypeName, "Builtin.UnknownObject")
        case "o": ty = create(.builtinTypeName, "Builtin.NativeObject")
        case "p": ty = create(.builtinTypeName, "Builtin.RawPointer")
        case "j": ty = create(.builtinTypeName, "Builtin.Job")
        case "D": ty = create(.builtinTypeName, "Builtin.DefaultActorStorage")
        case "d": ty = create(.builtinTypeName, "Builtin.NonDefaultDistributedActorStorage")
        case "c": ty = create(.builtinTypeName, "Builtin.RawUnsafeContinuation")
        case "t": ty = create(.builtinTypeName, "Builtin.SILToken")
        case "w": ty = create(.builtinTypeName, "Builtin.Word")
        case "P": ty = create(.builtinTypeName, "Builtin.PackIndex")
        case "A": ty = create(.builtinTypeName, "Builtin.ImplicitActor")
        case "T": ty = create(.builtinTupleType)
        case "V":
            let element = pop(.type)
            let size = pop(.type)
            ty = with(.builtinFixedArray, size, element)
        default: return 0
        }
        return type(ty)
    }

    /// Appends a static string to the text pool.
    ///
    /// - Signal safety: safe. Bounded copy.
    @_noAllocation @_noLocks
    mutating func appendStatic(_ s: StaticString) { appendText(s.utf8Start, s.utf8CodeUnitCount) }

    /// `C`, `V`, `O`, `P`, `a`, `XY`: a nominal type.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleAnyGenericType(_ kind: NodeKind) -> NodeID {
        let name = pop(where: .declName)
        let ctx = popContext()
        let nty = type(with(kind, ctx, name))
        addSubstitution(nty)
        return nty
    }

    /// `E`: an extension context.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleExtensionContext() -> NodeID {
        let sig = pop(.dependentGenericSignature)
        let module = popModule()
        let ty = popTypeAndGetAnyGeneric()
        var ext = with(.extension, module, ty)
        if sig != 0 { ext = addChild(ext, sig) }
        return ext
    }

    /// `F`: a plain function.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demanglePlainFunction() -> NodeID {
        let sig = pop(.dependentGenericSignature)
        var ty = popFunctionType(.functionType)
        let labels = popFunctionParamLabels(ty)
        if sig != 0 { ty = type(with(.dependentGenericType, sig, ty)) }
        let name = pop(where: .declName)
        let ctx = popContext()
        if labels != 0 { return with(.function, ctx, name, labels, ty) }
        return with(.function, ctx, name, ty)
    }

    /// A function type of `kind` from the parameter and result types and annotations on the stack.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func popFunctionType(_ kind: NodeKind, hasClangType: Bool = false) -> NodeID {
        var fn = create(kind)
        if hasClangType { addChild(fn, demangleClangType()) }
        addChild(fn, pop(.sendingResultFunctionType))
        addChild(fn, pop(where: .functionIsolation))
        addChild(fn, pop(.differentiableFunctionType))
        addChild(fn, pop(where: .throwsAnnotation))
        addChild(fn, pop(.concurrentFunctionType))
        addChild(fn, pop(.asyncAnnotation))
        fn = addChild(fn, popFunctionParams(.argumentTuple))
        fn = addChild(fn, popFunctionParams(.returnType))
        return type(fn)
    }

    /// Parameters or results of a function type.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func popFunctionParams(_ kind: NodeKind) -> NodeID {
        let params: NodeID
        if pop(.emptyList) != 0 {
            params = type(create(.tuple))
        } else {
            params = pop(.type)
        }
        return with(kind, params)
    }

    /// The argument labels of a function, popped from the stack; 0 when there are none.
    ///
    /// - Signal safety: safe. Bounded by the parameter count.
    @_noAllocation @_noLocks
    mutating func popFunctionParamLabels(_ ty: NodeID) -> NodeID {
        if !isOldFunctionTypeMangling && pop(.emptyList) != 0 { return create(.labelList) }
        guard ty != 0, kind(ty) == .type else { return 0 }
        var fn = child(ty, 0)
        if kind(fn) == .dependentGenericType { fn = child(child(fn, 1), 0) }
        guard fn != 0, kind(fn) == .functionType || kind(fn) == .noEscapeFunctionType else { return 0 }
        var first = 0
        while first < count(fn) {
            switch kind(child(fn, first)) {
            case .clangType, .sendingResultFunctionType, .globalActorFunctionType, .isolatedAnyFunctionType,
                 .nonIsolatedCallerFunctionType, .differentiableFunctionType, .throwsAnnotation,
                 .typedThrowsAnnotation, .concurrentFunctionType, .asyncAnnotation:
                first += 1
                continue
            default:
                break
            }
            break
        }
        let parameterType = child(fn, first)
        guard parameterType != 0, kind(parameterType) == .argumentTuple else { return 0 }
        let paramsType = child(parameterType, 0)
        guard paramsType != 0, kind(paramsType) == .type else { return 0 }
        let params = child(paramsType, 0)
        let numParams = kind(params) == .tuple ? count(params) : 1
        if numParams == 0 { return 0 }
        let labels = create(.labelList)
        let tuple = params
        if isOldFunctionTypeMangling && kind(tuple) != .tuple { return labels }
        var hasLabels = false
        var i = 0
        while i < numParams {
            var label: NodeID = 0
            if isOldFunctionTypeMangling {
                let param = child(tuple, i)
                var j = 0
                while j < count(param) {
                    if kind(child(param, j)) == .tupleElementName { break }
                    j += 1
                }
                if j < count(param) {
                    let name = child(param, j)
                    removeChild(param, at: j)
                    label = create(.identifier, textOf: name)
                } else {
                    label = create(.firstElementMarker)
                }
            } else {
                label = pop()
            }
            guard label != 0, kind(label) == .identifier || kind(label) == .firstElementMarker else { return 0 }
            appendChild(labels, label)
            if kind(label) != .firstElementMarker { hasLabels = true }
            i += 1
        }
        if !hasLabels { return create(.labelList) }
        if !isOldFunctionTypeMangling { reverseChildren(labels) }
        return labels
    }

    /// `t`: a tuple type.
    ///
    /// - Signal safety: safe. Bounded by the stack depth.
    @_noAllocation @_noLocks
    mutating func popTuple() -> NodeID {
        let root = create(.tuple)
        if pop(.emptyList) == 0 {
            var firstElem = false
            repeat {
                firstElem = pop(.firstElementMarker) != 0
                let element = create(.tupleElement)
                addChild(element, pop(.variadicMarker))
                let ident = pop(.identifier)
                if ident != 0 { appendChild(element, create(.tupleElementName, textOf: ident)) }
                let ty = pop(.type)
                if ty == 0 { return 0 }
                appendChild(element, ty)
                appendChild(root, element)
            } while !firstElem && !failed
            reverseChildren(root)
        }
        return type(root)
    }

    /// A `_`-separated list of types ending at an empty list or first-element marker.
    ///
    /// - Signal safety: safe. Bounded by the stack depth.
    @_noAllocation @_noLocks
    mutating func popTypeList() -> NodeID {
        let root = create(.typeList)
        if pop(.emptyList) == 0 {
            var firstElem = false
            repeat {
                firstElem = pop(.firstElementMarker) != 0
                let ty = pop(.type)
                if ty == 0 { return 0 }
                appendChild(root, ty)
            } while !firstElem && !failed
            reverseChildren(root)
        }
        return root
    }

    /// Whether `n` (through Type wrappers) is a protocol.
    ///
    /// - Signal safety: safe. Bounded by the tree depth limit.
    @_noAllocation @_noLocks
    mutating func isProtocolNode(_ n: NodeID) -> Bool {
        var m = n
        var steps = 0
        while m != 0 && kind(m) == .type && steps < 64 {
            m = child(m, 0)
            steps += 1
        }
        guard m != 0 else { return false }
        return kind(m) == .protocol || kind(m) == .protocolSymbolicReference
            || kind(m) == .objectiveCProtocolSymbolicReference
    }

    /// A protocol type from the stack.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func popProtocol() -> NodeID {
        let ty = pop(.type)
        if ty != 0 {
            guard count(ty) >= 1, isProtocolNode(ty) else { return 0 }
            return ty
        }
        let symbolic = pop(.protocolSymbolicReference)
        if symbolic != 0 { return symbolic }
        let objc = pop(.objectiveCProtocolSymbolicReference)
        if objc != 0 { return objc }
        let name = pop(where: .declName)
        let ctx = popContext()
        return type(with(.protocol, ctx, name))
    }

    /// `p`: a protocol composition.
    ///
    /// - Signal safety: safe. Bounded by the stack depth.
    @_noAllocation @_noLocks
    mutating func demangleProtocolList() -> NodeID {
        let list = create(.typeList)
        let protoList = with(.protocolList, list)
        if pop(.emptyList) == 0 {
            var firstElem = false
            repeat {
                firstElem = pop(.firstElementMarker) != 0
                let proto = popProtocol()
                if proto == 0 { return 0 }
                appendChild(list, proto)
            } while !firstElem && !failed
            reverseChildren(list)
        }
        return protoList
    }

    /// `Y`: type and function annotations.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleTypeAnnotation() -> NodeID {
        switch Unicode.Scalar(next()) {
        case "a": return create(.asyncAnnotation)
        case "A": return create(.isolatedAnyFunctionType)
        case "b": return create(.concurrentFunctionType)
        case "c": return with(.globalActorFunctionType, popTypeAndGetChild())
        case "C": return create(.nonIsolatedCallerFunctionType)
        case "i": return type(with(.isolated, popTypeAndGetChild()))
        case "j": return demangleDifferentiableFunctionType()
        case "k": return type(with(.noDerivative, popTypeAndGetChild()))
        case "K": return with(.typedThrowsAnnotation, popTypeAndGetChild())
        case "t": return type(with(.compileTimeLiteral, popTypeAndGetChild()))
        case "g": return type(with(.constValue, popTypeAndGetChild()))
        case "T": return create(.sendingResultFunctionType)
        case "u": return type(with(.sending, popTypeAndGetChild()))
        default: return 0
        }
    }

    /// `Yj?`: differentiability of a function type.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleDifferentiableFunctionType() -> NodeID {
        let c = next()
        switch Unicode.Scalar(c) {
        case "f", "r", "d", "l": return create(.differentiableFunctionType, index: UInt64(c))
        default: return 0
        }
    }

    /// `G`: a bound generic type.
    ///
    /// - Signal safety: safe. Bounded by the stack depth.
    @_noAllocation @_noLocks
    mutating func demangleBoundGenericType() -> NodeID {
        var retroactive: NodeID = 0
        let base = scratchTop
        guard demangleBoundGenerics(&retroactive) else {
            scratchTop = base
            return 0
        }
        let nominal = popTypeAndGetAnyGeneric()
        if nominal == 0 {
            scratchTop = base
            return 0
        }
        let bound = demangleBoundGenericArgs(nominal, listBase: base, listIndex: 0)
        scratchTop = base
        if bound == 0 { return 0 }
        addChild(bound, retroactive)
        let nty = type(bound)
        addSubstitution(nty)
        return nty
    }

    /// Pops the `_`-separated type lists of a bound generic type onto the scratch stack (innermost list
    /// first, as in the mangling) and the retroactive conformances.
    ///
    /// - Signal safety: safe. Bounded by the stack depth and the scratch capacity.
    @_noAllocation @_noLocks
    mutating func demangleBoundGenerics(_ retroactive: inout NodeID) -> Bool {
        retroactive = 0
        while true {
            let conformance = pop(.retroactiveConformance)
            if conformance == 0 { break }
            if retroactive == 0 { retroactive = create(.typeList) }
            appendChild(retroactive, conformance)
        }
        if retroactive != 0 { reverseChildren(retroactive) }
        while !failed {
            let list = create(.typeList)
            guard scratchTop < ws.scratchCapacity else {
                failed = true
                return false
            }
            ws.scratch[scratchTop] = list
            scratchTop += 1
            while true {
                let ty = pop(.type)
                if ty == 0 { break }
                appendChild(list, ty)
            }
            reverseChildren(list)
            if pop(.emptyList) != 0 { break }
            if pop(.firstElementMarker) == 0 { return false }
        }
        return !failed
    }

    /// Applies the type lists (on the scratch stack from `listBase`) to a nominal type and its parents.
    ///
    /// - Signal safety: safe. Recursion bounded to 64 levels and by the stack guard.
    @_noAllocation @_noLocks
    mutating func demangleBoundGenericArgs(_ nominal: NodeID, listBase: Int, listIndex: Int) -> NodeID {
        guard depth < 64 else { return 0 }
        guard stack.hasRoom() else {
            failed = true
            return 0
        }
        depth += 1
        let result = boundGenericArgs(nominal, listBase: listBase, listIndex: listIndex)
        depth -= 1
        return result
    }

    /// The body of `demangleBoundGenericArgs`.
    ///
    /// - Signal safety: safe. See `demangleBoundGenericArgs`.
    @_noAllocation @_noLocks
    mutating func boundGenericArgs(_ nominalIn: NodeID, listBase: Int, listIndex: Int) -> NodeID {
        var nominal = nominalIn
        var listIndex = listIndex
        let listCount = scratchTop - listBase
        guard nominal != 0, listIndex < listCount else { return 0 }
        let nk = kind(nominal)
        if nk == .typeSymbolicReference || nk == .protocolSymbolicReference {
            let remaining = create(.typeList)
            var i = listCount - 1
            while i >= listIndex {
                let list = ws.scratch[listBase + i]
                var j = 0
                while j < count(list) {
                    appendChild(remaining, child(list, j))
                    j += 1
                }
                i -= 1
            }
            return with(.boundGenericOtherNominalType, type(nominal), remaining)
        }
        guard count(nominal) > 0 else { return 0 }
        let context = child(nominal, 0)
        let consumes = consumesGenericArgs(nk)
        let args = ws.scratch[listBase + listIndex]
        if consumes { listIndex += 1 }
        if listIndex < listCount {
            var boundParent: NodeID
            if kind(context) == .extension {
                boundParent = demangleBoundGenericArgs(child(context, 1), listBase: listBase, listIndex: listIndex)
                boundParent = with(.extension, child(context, 0), boundParent)
                if count(context) == 3 { addChild(boundParent, child(context, 2)) }
            } else {
                boundParent = demangleBoundGenericArgs(context, listBase: listBase, listIndex: listIndex)
            }
            let newNominal = with(nk, boundParent)
            if newNominal == 0 { return 0 }
            var i = 1
            while i < count(nominal) {
                addChild(newNominal, child(nominal, i))
                i += 1
            }
            nominal = newNominal
        }
        if !consumes { return nominal }
        if count(args) == 0 { return nominal }
        let boundKind: NodeKind
        switch kind(nominal) {
        case .class: boundKind = .boundGenericClass
        case .structure: boundKind = .boundGenericStructure
        case .enum: boundKind = .boundGenericEnum
        case .protocol: boundKind = .boundGenericProtocol
        case .otherNominalType: boundKind = .boundGenericOtherNominalType
        case .typeAlias: boundKind = .boundGenericTypeAlias
        case .function, .constructor: return with(.boundGenericFunction, nominal, args)
        default: return 0
        }
        return with(boundKind, type(nominal), args)
    }

    /// Whether generic arguments apply to this context level (`nodeConsumesGenericArgs`).
    ///
    /// - Signal safety: safe. Pure computation.
    @_noAllocation @_noLocks
    mutating func consumesGenericArgs(_ k: NodeKind) -> Bool {
        switch k {
        case .variable, .subscript, .implicitClosure, .explicitClosure, .defaultArgumentInitializer, .initializer,
             .propertyWrapperBackingInitializer, .propertyWrapperInitFromProjectedValue, .static:
            return false
        default:
            return true
        }
    }

    /// `u`: a generic type with its signature.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleGenericType() -> NodeID {
        let sig = pop(.dependentGenericSignature)
        let ty = pop(.type)
        return type(with(.dependentGenericType, sig, ty))
    }

    /// A generic parameter type `(depth, index)`.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func dependentGenericParamType(depth d: Int, index i: Int) -> NodeID {
        guard d >= 0, i >= 0 else { return 0 }
        let param = create(.dependentGenericParamType)
        appendChild(param, create(.index, index: UInt64(d)))
        appendChild(param, create(.index, index: UInt64(i)))
        return param
    }

    /// A generic parameter reference (`q`, requirements).
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleGenericParamIndex() -> NodeID {
        if nextIf("d") {
            let d = demangleIndex() + 1
            let i = demangleIndex()
            return dependentGenericParamType(depth: d, index: i)
        }
        if nextIf("z") { return dependentGenericParamType(depth: 0, index: 0) }
        if nextIf("s") {
            return create(.constrainedExistentialSelf)
        }
        return dependentGenericParamType(depth: 0, index: demangleIndex() + 1)
    }
}
