// Entities: functions, variables, subscripts, accessors, initializers, closures; and metadata symbols.

extension Parser {
    /// `f`: function-like entities (initializers, closures, deinits, ...).
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleFunctionEntity() -> NodeID {
        enum Args { case none, typeAndMaybePrivateName, typeAndIndex, index, contextArg }
        var args = Args.none
        var kind = NodeKind.emptyList
        switch Unicode.Scalar(next()) {
        case "D": kind = .deallocator
        case "Z": kind = .isolatedDeallocator
        case "d": kind = .destructor
        case "E": kind = .iVarDestroyer
        case "e": kind = .iVarInitializer
        case "i": kind = .initializer
        case "C": args = .typeAndMaybePrivateName; kind = .allocator
        case "c": args = .typeAndMaybePrivateName; kind = .constructor
        case "U": args = .typeAndIndex; kind = .explicitClosure
        case "u": args = .typeAndIndex; kind = .implicitClosure
        case "A": args = .index; kind = .defaultArgumentInitializer
        case "m": return demangleEntity(.macro)
        case "p": return demangleEntity(.genericTypeParamDecl)
        case "P": kind = .propertyWrapperBackingInitializer
        case "W": kind = .propertyWrapperInitFromProjectedValue
        default: return 0
        }
        var nameOrIndex: NodeID = 0
        var paramType: NodeID = 0
        var labels: NodeID = 0
        switch args {
        case .none, .contextArg: break
        case .typeAndMaybePrivateName:
            nameOrIndex = pop(.privateDeclName)
            paramType = pop(.type)
            labels = popFunctionParamLabels(paramType)
        case .typeAndIndex:
            nameOrIndex = demangleIndexAsNode()
            paramType = pop(.type)
        case .index:
            nameOrIndex = demangleIndexAsNode()
        }
        var entity = with(kind, popContext())
        switch args {
        case .none, .contextArg: break
        case .index: entity = addChild(entity, nameOrIndex)
        case .typeAndMaybePrivateName:
            addChild(entity, labels)
            entity = addChild(entity, paramType)
            addChild(entity, nameOrIndex)
        case .typeAndIndex:
            entity = addChild(entity, nameOrIndex)
            entity = addChild(entity, paramType)
        }
        return entity
    }

    /// An entity with a type, a name and a context.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleEntity(_ kind: NodeKind) -> NodeID {
        let ty = pop(.type)
        let labels = popFunctionParamLabels(ty)
        let name = pop(where: .declName)
        let context = popContext()
        if labels != 0 { return with(kind, context, name, labels, ty) }
        return with(kind, context, name, ty)
    }

    /// `v`: a variable and its accessor.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleVariable() -> NodeID {
        demangleAccessor(demangleEntity(.variable))
    }

    /// `i`: a subscript and its accessor.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleSubscript() -> NodeID {
        let privateName = pop(.privateDeclName)
        let ty = pop(.type)
        let labels = popFunctionParamLabels(ty)
        let context = popContext()
        if ty == 0 { return 0 }
        var sub = create(.subscript)
        sub = addChild(sub, context)
        addChild(sub, labels)
        sub = addChild(sub, ty)
        addChild(sub, privateName)
        return demangleAccessor(sub)
    }

    /// The accessor kind after a variable or subscript.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleAccessor(_ storage: NodeID) -> NodeID {
        let kind: NodeKind
        switch Unicode.Scalar(next()) {
        case "m": kind = .materializeForSet
        case "s": kind = .setter
        case "g": kind = .getter
        case "G": kind = .globalGetter
        case "w": kind = .willSet
        case "W": kind = .didSet
        case "r": kind = .readAccessor
        case "y": kind = .read2Accessor
        case "M": kind = .modifyAccessor
        case "x": kind = .modify2Accessor
        case "i": kind = .initAccessor
        case "a":
            switch Unicode.Scalar(next()) {
            case "O": kind = .owningMutableAddressor
            case "o": kind = .nativeOwningMutableAddressor
            case "P": kind = .nativePinningMutableAddressor
            case "u": kind = .unsafeMutableAddressor
            default: return 0
            }
        case "l":
            switch Unicode.Scalar(next()) {
            case "O": kind = .owningAddressor
            case "o": kind = .nativeOwningAddressor
            case "p": kind = .nativePinningAddressor
            case "u": kind = .unsafeAddressor
            default: return 0
            }
        case "p": return storage
        default: return 0
        }
        return with(kind, storage)
    }

    /// `M`: metadata symbols.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleMetatype() -> NodeID {
        switch Unicode.Scalar(next()) {
        case "a": return withPoppedType(.typeMetadataAccessFunction)
        case "A": return with(.reflectionMetadataAssocTypeDescriptor, popProtocolConformance())
        case "b": return withPoppedType(.canonicalSpecializedGenericTypeMetadataAccessFunction)
        case "B": return with(.reflectionMetadataBuiltinDescriptor, pop(.type))
        case "c": return with(.protocolConformanceDescriptor, popProtocolConformance())
        case "C":
            let ty = pop(.type)
            guard ty != 0, kind(child(ty, 0)).isAnyGeneric else { return 0 }
            return with(.reflectionMetadataSuperclassDescriptor, child(ty, 0))
        case "D": return withPoppedType(.typeMetadataDemanglingCache)
        case "f": return withPoppedType(.fullTypeMetadata)
        case "F": return with(.reflectionMetadataFieldDescriptor, pop(.type))
        case "g": return with(.opaqueTypeDescriptorAccessor, pop())
        case "h": return with(.opaqueTypeDescriptorAccessorImpl, pop())
        case "i": return withPoppedType(.typeMetadataInstantiationFunction)
        case "I": return withPoppedType(.typeMetadataInstantiationCache)
        case "j": return with(.opaqueTypeDescriptorAccessorKey, pop())
        case "J": return with(.noncanonicalSpecializedGenericTypeMetadataCache, pop())
        case "k": return with(.opaqueTypeDescriptorAccessorVar, pop())
        case "K": return with(.metadataInstantiationCache, pop())
        case "l": return withPoppedType(.typeMetadataSingletonInitializationCache)
        case "L": return withPoppedType(.typeMetadataLazyCache)
        case "m": return withPoppedType(.metaclass)
        case "M": return withPoppedType(.canonicalSpecializedGenericMetaclass)
        case "n": return withPoppedType(.nominalTypeDescriptor)
        case "N": return withPoppedType(.noncanonicalSpecializedGenericTypeMetadata)
        case "o": return withPoppedType(.classMetadataBaseOffset)
        case "p": return with(.protocolDescriptor, popProtocol())
        case "P": return withPoppedType(.genericTypeMetadataPattern)
        case "q": return with(.uniquable, pop())
        case "Q": return with(.opaqueTypeDescriptor, pop())
        case "r": return withPoppedType(.typeMetadataCompletionFunction)
        case "s": return withPoppedType(.objCResilientClassStub)
        case "S": return with(.protocolSelfConformanceDescriptor, popProtocol())
        case "t": return withPoppedType(.fullObjCResilientClassStub)
        case "u": return withPoppedType(.methodLookupFunction)
        case "U": return withPoppedType(.objCMetadataUpdateFunction)
        case "V": return with(.propertyDescriptor, pop(where: .entity))
        case "X": return demanglePrivateContextDescriptor()
        case "z": return withPoppedType(.canonicalPrespecializedGenericTypeCachingOnceToken)
        default: return 0
        }
    }

    /// `MX`: descriptors of private contexts.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demanglePrivateContextDescriptor() -> NodeID {
        switch Unicode.Scalar(next()) {
        case "E":
            let ext = popContext()
            return ext == 0 ? 0 : with(.extensionDescriptor, ext)
        case "M":
            let module = popModule()
            return module == 0 ? 0 : with(.moduleDescriptor, module)
        case "Y":
            let discriminator = pop()
            if discriminator == 0 { return 0 }
            let context = popContext()
            if context == 0 { return 0 }
            return with(.anonymousDescriptor, context, discriminator)
        case "X":
            let context = popContext()
            return context == 0 ? 0 : with(.anonymousDescriptor, context)
        case "A":
            let path = popAssocTypePath()
            if path == 0 { return 0 }
            let base = pop(.type)
            if base == 0 { return 0 }
            return with(.associatedTypeGenericParamRef, base, path)
        default:
            return 0
        }
    }

    /// `w`: a value witness.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleValueWitness() -> NodeID {
        let a = next()
        let b = next()
        let k = valueWitnessKind(a, b)
        if k < 0 { return 0 }
        let vw = create(.valueWitness)
        addChild(vw, create(.index, index: UInt64(k)))
        return addChild(vw, pop(.type))
    }

    /// `W`: witness tables, outlined operations and similar.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleWitness() -> NodeID {
        let c = next()
        switch Unicode.Scalar(c) {
        case "C": return with(.enumCase, pop(where: .entity))
        case "V": return with(.valueWitnessTable, pop(.type))
        case "v":
            let directness: UInt64
            switch Unicode.Scalar(next()) {
            case "d": directness = 0
            case "i": directness = 1
            default: return 0
            }
            return with(.fieldOffset, create(.directness, index: directness), pop(where: .entity))
        case "S": return with(.protocolSelfConformanceWitnessTable, popProtocol())
        case "P": return with(.protocolWitnessTable, popProtocolConformance())
        case "p": return with(.protocolWitnessTablePattern, popProtocolConformance())
        case "G": return with(.genericProtocolWitnessTable, popProtocolConformance())
        case "I": return with(.genericProtocolWitnessTableInstantiationFunction, popProtocolConformance())
        case "r": return with(.resilientProtocolWitnessTable, popProtocolConformance())
        case "l":
            let conf = popProtocolConformance()
            let ty = pop(.type)
            return with(.lazyProtocolWitnessTableAccessor, ty, conf)
        case "L":
            let conf = popProtocolConformance()
            let ty = pop(.type)
            return with(.lazyProtocolWitnessTableCacheVariable, ty, conf)
        case "a": return with(.protocolWitnessTableAccessor, popProtocolConformance())
        case "t":
            let name = pop(where: .declName)
            let conf = popProtocolConformance()
            return with(.associatedTypeMetadataAccessor, conf, name)
        case "T":
            let protoType = pop(.type)
            let conformingType = popAssocTypePath()
            let conf = popProtocolConformance()
            return with(.associatedTypeWitnessTableAccessor, conf, conformingType, protoType)
        case "b":
            let protoType = pop(.type)
            let conf = popProtocolConformance()
            return with(.baseWitnessTableAccessor, conf, protoType)
        case "O":
            let kind: NodeKind
            switch Unicode.Scalar(next()) {
            case "y": kind = .outlinedCopy
            case "e": kind = .outlinedConsume
            case "r": kind = .outlinedRetain
            case "s": kind = .outlinedRelease
            case "b": kind = .outlinedInitializeWithTake
            case "c": kind = .outlinedInitializeWithCopy
            case "d": kind = .outlinedAssignWithTake
            case "f": kind = .outlinedAssignWithCopy
            case "h": kind = .outlinedDestroy
            case "B": kind = .outlinedInitializeWithTakeNoValueWitness
            case "C": kind = .outlinedInitializeWithCopyNoValueWitness
            case "D": kind = .outlinedAssignWithTakeNoValueWitness
            case "F": kind = .outlinedAssignWithCopyNoValueWitness
            case "H": kind = .outlinedDestroyNoValueWitness
            case "i": kind = .outlinedEnumTagStore
            case "g": kind = .outlinedEnumGetTag
            case "j": kind = .outlinedEnumProjectDataForLoad
            default: return 0
            }
            let sig = pop(.dependentGenericSignature)
            let node = sig != 0 ? with(kind, pop(.type), sig) : with(kind, pop(.type))
            if kind == .outlinedEnumTagStore || kind == .outlinedEnumProjectDataForLoad {
                return addChild(node, demangleIndexAsNode())
            }
            return node
        case "Z", "z":
            let declList = create(.globalVariableOnceDeclList)
            let base = scratchTop
            while pop(.firstElementMarker) != 0 {
                let ident = pop(where: .declName)
                guard ident != 0, scratchTop < ws.scratchCapacity else {
                    scratchTop = base
                    return 0
                }
                ws.scratch[scratchTop] = ident
                scratchTop += 1
            }
            while scratchTop > base {
                scratchTop -= 1
                appendChild(declList, ws.scratch[scratchTop])
            }
            let context = popContext()
            if context == 0 { return 0 }
            return with(c == UInt8(ascii: "Z") ? .globalVariableOnceFunction : .globalVariableOnceToken,
                        context, declList)
        case "J":
            return demangleDifferentiabilityWitness()
        default:
            return 0
        }
    }

    /// `WJ`: a differentiability witness.
    ///
    /// - Signal safety: safe. Bounded by the stack depth.
    @_noAllocation @_noLocks
    mutating func demangleDifferentiabilityWitness() -> NodeID {
        var result = create(.differentiabilityWitness)
        let sig = pop(.dependentGenericSignature)
        while true {
            let n = pop()
            if n == 0 || result == 0 { break }
            result = addChild(result, n)
        }
        reverseChildren(result)
        let c = next()
        switch Unicode.Scalar(c) {
        case "f", "r", "d", "l": break
        default: return 0
        }
        result = addChild(result, create(.index, index: UInt64(c)))
        result = addChild(result, demangleIndexSubset())
        if !nextIf("p") { return 0 }
        result = addChild(result, demangleIndexSubset())
        if !nextIf("r") { return 0 }
        addChild(result, sig)
        return result
    }

    /// A string of `S`/`U` flags.
    ///
    /// - Signal safety: safe. Bounded by the input length.
    @_noAllocation @_noLocks
    mutating func demangleIndexSubset() -> NodeID {
        let start = pos
        while peek() == UInt8(ascii: "S") || peek() == UInt8(ascii: "U") { _ = next() }
        if pos == start { return 0 }
        return create(.indexSubset, inputText: start, length: pos - start)
    }
}

/// The value witness kinds in the order of the printer's name table (ValueWitnessMangling.def).
///
/// - Signal safety: safe. Pure computation.
@_noAllocation @_noLocks
func valueWitnessKind(_ a: UInt8, _ b: UInt8) -> Int {
    switch (Unicode.Scalar(a), Unicode.Scalar(b)) {
    case ("a", "l"): return 0
    case ("c", "a"): return 1
    case ("t", "a"): return 2
    case ("d", "e"): return 3
    case ("x", "x"): return 4
    case ("X", "X"): return 5
    case ("X", "x"): return 6
    case ("C", "P"): return 7
    case ("C", "p"): return 8
    case ("c", "p"): return 9
    case ("T", "k"): return 10
    case ("t", "k"): return 11
    case ("p", "r"): return 12
    case ("T", "K"): return 13
    case ("C", "c"): return 14
    case ("T", "t"): return 15
    case ("t", "T"): return 16
    case ("x", "s"): return 17
    case ("x", "g"): return 18
    case ("u", "g"): return 19
    case ("u", "p"): return 20
    case ("u", "i"): return 21
    case ("e", "t"): return 22
    case ("s", "t"): return 23
    default: return -1
    }
}
