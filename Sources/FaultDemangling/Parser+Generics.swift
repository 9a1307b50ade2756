// Archetypes, associated types, generic signatures and requirements, conformances, SIL function types.

extension Parser {
    /// `Q`: archetypes, associated types, opaque types.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleArchetype() -> NodeID {
        switch Unicode.Scalar(next()) {
        case "a":
            let ident = pop(.identifier)
            let arche = popTypeAndGetChild()
            let assoc = type(with(.associatedTypeRef, arche, ident))
            addSubstitution(assoc)
            return assoc
        case "O":
            return with(.opaqueReturnTypeOf, popContext())
        case "o":
            let index = demangleIndex()
            var retroactive: NodeID = 0
            let base = scratchTop
            guard demangleBoundGenerics(&retroactive) else {
                scratchTop = base
                return 0
            }
            let name = pop()
            if name == 0 {
                scratchTop = base
                return 0
            }
            let opaque = with(.opaqueType, name, create(.index, index: UInt64(max(0, index))))
            let bound = create(.typeList)
            var i = scratchTop - 1
            while i >= base {
                appendChild(bound, ws.scratch[i])
                i -= 1
            }
            scratchTop = base
            addChild(opaque, bound)
            addChild(opaque, retroactive)
            let ty = type(opaque)
            addSubstitution(ty)
            return ty
        case "r":
            return type(create(.opaqueReturnType))
        case "R":
            let ordinal = demangleIndex()
            if ordinal < 0 { return 0 }
            return type(with(.opaqueReturnType, create(.opaqueReturnTypeIndex, index: UInt64(ordinal))))
        case "x":
            let t = demangleAssociatedTypeSimple(0)
            addSubstitution(t)
            return t
        case "X":
            let t = demangleAssociatedTypeCompound(0)
            addSubstitution(t)
            return t
        case "y":
            let t = demangleAssociatedTypeSimple(demangleGenericParamIndex())
            addSubstitution(t)
            return t
        case "Y":
            let t = demangleAssociatedTypeCompound(demangleGenericParamIndex())
            addSubstitution(t)
            return t
        case "z":
            let t = demangleAssociatedTypeSimple(dependentGenericParamType(depth: 0, index: 0))
            addSubstitution(t)
            return t
        case "Z":
            let t = demangleAssociatedTypeCompound(dependentGenericParamType(depth: 0, index: 0))
            addSubstitution(t)
            return t
        case "p":
            let countType = pop(.type)
            let patternType = pop(.type)
            return type(with(.packExpansion, patternType, countType))
        case "e":
            let level = demangleIndex()
            if level < 0 { return 0 }
            let packType = pop(.type)
            return type(with(.packElement, packType, create(.packElementLevel, index: UInt64(level))))
        case "P":
            return type(changeKind(popTypeList(), .pack))
        case "S":
            return type(changeKind(popTypeList(), .silPackDirect))
        case "s":
            return type(changeKind(popTypeList(), .silPackIndirect))
        default:
            return 0
        }
    }

    /// An associated type of a base (given, or popped).
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleAssociatedTypeSimple(_ base: NodeID) -> NodeID {
        let name = popAssocTypeName()
        let baseType = base != 0 ? type(base) : pop(.type)
        return type(with(.dependentMemberType, baseType, name))
    }

    /// A path of associated types from a base.
    ///
    /// - Signal safety: safe. Bounded by the stack depth.
    @_noAllocation @_noLocks
    mutating func demangleAssociatedTypeCompound(_ base: NodeID) -> NodeID {
        let listBase = scratchTop
        var firstElem = false
        repeat {
            firstElem = pop(.firstElementMarker) != 0
            let name = popAssocTypeName()
            guard name != 0, scratchTop < ws.scratchCapacity else {
                scratchTop = listBase
                return 0
            }
            ws.scratch[scratchTop] = name
            scratchTop += 1
        } while !firstElem && !failed
        var baseType = base != 0 ? type(base) : pop(.type)
        while scratchTop > listBase {
            scratchTop -= 1
            let assoc = ws.scratch[scratchTop]
            var member = create(.dependentMemberType)
            member = addChild(member, baseType)
            baseType = type(addChild(member, assoc))
        }
        return baseType
    }

    /// An associated type name, optionally qualified by its protocol.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func popAssocTypeName() -> NodeID {
        var proto = pop(.type)
        if proto != 0 && !isProtocolNode(proto) { return 0 }
        if proto == 0 { proto = pop(.protocolSymbolicReference) }
        if proto == 0 { proto = pop(.objectiveCProtocolSymbolicReference) }
        let ident = pop(.identifier)
        let assoc = with(.dependentAssociatedTypeRef, ident)
        addChild(assoc, proto)
        return assoc
    }

    /// A path of associated type names.
    ///
    /// - Signal safety: safe. Bounded by the stack depth.
    @_noAllocation @_noLocks
    mutating func popAssocTypePath() -> NodeID {
        let path = create(.assocTypePath)
        var firstElem = false
        repeat {
            firstElem = pop(.firstElementMarker) != 0
            let assoc = popAssocTypeName()
            if assoc == 0 { return 0 }
            appendChild(path, assoc)
        } while !firstElem && !failed
        reverseChildren(path)
        return path
    }

    /// `l`/`r`: a generic signature with the requirements on the stack.
    ///
    /// - Signal safety: safe. Bounded by the input length and stack depth.
    @_noAllocation @_noLocks
    mutating func demangleGenericSignature(hasParamCounts: Bool) -> NodeID {
        let sig = create(.dependentGenericSignature)
        if hasParamCounts {
            while !nextIf("l") {
                guard pos < inputCount, !failed else { return 0 }
                var c = 0
                if !nextIf("z") { c = demangleIndex() + 1 }
                if c < 0 { return 0 }
                appendChild(sig, create(.dependentGenericParamCount, index: UInt64(c)))
            }
        } else {
            appendChild(sig, create(.dependentGenericParamCount, index: 1))
        }
        let numCounts = count(sig)
        while true {
            let req = pop(where: .requirement)
            if req == 0 { break }
            appendChild(sig, req)
        }
        reverseChildren(sig, from: numCounts)
        return sig
    }

    /// `R`: one generic requirement.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleGenericRequirement() -> NodeID {
        enum TypeKind { case generic, assoc, compoundAssoc, substitution }
        enum ConstraintKind { case protocolReq, baseClass, sameType, sameShape, layout, packMarker, inverse, valueMarker }
        var typeKind = TypeKind.generic
        var constraint = ConstraintKind.protocolReq
        switch Unicode.Scalar(next()) {
        case "V": constraint = .valueMarker; typeKind = .generic
        case "v": constraint = .packMarker; typeKind = .generic
        case "c": constraint = .baseClass; typeKind = .assoc
        case "C": constraint = .baseClass; typeKind = .compoundAssoc
        case "b": constraint = .baseClass; typeKind = .generic
        case "B": constraint = .baseClass; typeKind = .substitution
        case "t": constraint = .sameType; typeKind = .assoc
        case "T": constraint = .sameType; typeKind = .compoundAssoc
        case "s": constraint = .sameType; typeKind = .generic
        case "S": constraint = .sameType; typeKind = .substitution
        case "m": constraint = .layout; typeKind = .assoc
        case "M": constraint = .layout; typeKind = .compoundAssoc
        case "l": constraint = .layout; typeKind = .generic
        case "L": constraint = .layout; typeKind = .substitution
        case "p": constraint = .protocolReq; typeKind = .assoc
        case "P": constraint = .protocolReq; typeKind = .compoundAssoc
        case "Q": constraint = .protocolReq; typeKind = .substitution
        case "h": constraint = .sameShape; typeKind = .generic
        case "i": constraint = .inverse; typeKind = .generic
        case "I": constraint = .inverse; typeKind = .substitution
        case "j": constraint = .inverse; typeKind = .assoc
        case "J": constraint = .inverse; typeKind = .compoundAssoc
        default: pushBack()
        }
        var inverseIndex: NodeID = 0
        if case .inverse = constraint {
            let i = demangleIndex()
            if i < 0 { return 0 }
            inverseIndex = create(.index, index: UInt64(i))
        }
        var constrained: NodeID = 0
        switch typeKind {
        case .generic: constrained = type(demangleGenericParamIndex())
        case .assoc:
            constrained = demangleAssociatedTypeSimple(demangleGenericParamIndex())
            addSubstitution(constrained)
        case .compoundAssoc:
            constrained = demangleAssociatedTypeCompound(demangleGenericParamIndex())
            addSubstitution(constrained)
        case .substitution: constrained = pop(.type)
        }
        switch constraint {
        case .valueMarker: return with(.dependentGenericParamValueMarker, constrained, pop(.type))
        case .packMarker: return with(.dependentGenericParamPackMarker, constrained)
        case .protocolReq: return with(.dependentGenericConformanceRequirement, constrained, popProtocol())
        case .inverse: return with(.dependentGenericInverseConformanceRequirement, constrained, inverseIndex)
        case .baseClass: return with(.dependentGenericConformanceRequirement, constrained, pop(.type))
        case .sameType: return with(.dependentGenericSameTypeRequirement, constrained, pop(.type))
        case .sameShape: return with(.dependentGenericSameShapeRequirement, constrained, pop(.type))
        case .layout:
            let c = next()
            var size: NodeID = 0
            var alignment: NodeID = 0
            switch Unicode.Scalar(c) {
            case "U", "R", "N", "C", "D", "T", "B": break
            case "E", "M":
                size = demangleIndexAsNode()
                if size == 0 { return 0 }
                alignment = demangleIndexAsNode()
            case "e", "m":
                size = demangleIndexAsNode()
                if size == 0 { return 0 }
            default: return 0
            }
            let start = textUsed
            appendByte(c)
            let nameNode = create(.identifier, poolText: start, length: 1)
            let req = with(.dependentGenericLayoutRequirement, constrained, nameNode)
            if size != 0 { addChild(req, size) }
            if alignment != 0 { addChild(req, alignment) }
            return req
        }
    }

    // MARK: Conformances

    /// A list of conformances ending at an empty list or first-element marker.
    ///
    /// - Signal safety: safe. Bounded by the stack depth.
    @_noAllocation @_noLocks
    mutating func popAnyProtocolConformanceList() -> NodeID {
        let list = create(.anyProtocolConformanceList)
        if pop(.emptyList) == 0 {
            var firstElem = false
            repeat {
                firstElem = pop(.firstElementMarker) != 0
                let c = pop(where: .anyConformance)
                if c == 0 { return 0 }
                appendChild(list, c)
            } while !firstElem && !failed
            reverseChildren(list)
        }
        return list
    }

    /// `HC`: a concrete conformance.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleConcreteProtocolConformance() -> NodeID {
        let conditional = popAnyProtocolConformanceList()
        var ref = pop(.protocolConformanceRefInTypeModule)
        if ref == 0 { ref = pop(.protocolConformanceRefInProtocolModule) }
        if ref == 0 {
            let module = popModule()
            let proto = popProtocol()
            ref = with(.protocolConformanceRefInOtherModule, proto, module)
        }
        let ty = pop(.type)
        return with(.concreteProtocolConformance, ty, ref, conditional)
    }

    /// `HX`: a pack conformance.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demanglePackProtocolConformance() -> NodeID {
        let list = popAnyProtocolConformanceList()
        return with(.packProtocolConformance, list)
    }

    /// `HO`: an opaque result conformance.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleDependentProtocolConformanceOpaque() -> NodeID {
        let conformance = pop(where: .anyConformance)
        let ty = pop(.type)
        return with(.dependentProtocolConformanceOpaque, conformance, ty)
    }

    /// The index of a dependent conformance (`UnknownIndex` for 1).
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleDependentConformanceIndex() -> NodeID {
        let i = demangleIndex()
        if i <= 0 { return 0 }
        if i == 1 { return create(.unknownIndex) }
        return create(.index, index: UInt64(i - 2))
    }

    /// `HD`: a root dependent conformance.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleDependentProtocolConformanceRoot() -> NodeID {
        let index = demangleDependentConformanceIndex()
        let proto = popProtocol()
        let ty = pop(.type)
        return with(.dependentProtocolConformanceRoot, ty, proto, index)
    }

    /// `HI`: an inherited dependent conformance.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleDependentProtocolConformanceInherited() -> NodeID {
        let index = demangleDependentConformanceIndex()
        let proto = popProtocol()
        let nested = pop(where: .dependentConformance)
        return with(.dependentProtocolConformanceInherited, nested, proto, index)
    }

    /// `HA`: an associated dependent conformance.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleDependentProtocolConformanceAssociated() -> NodeID {
        let index = demangleDependentConformanceIndex()
        let proto = popProtocol()
        let dependentType = pop(.type)
        let associated = with(.dependentAssociatedConformance, dependentType, proto)
        let nested = pop(where: .dependentConformance)
        return with(.dependentProtocolConformanceAssociated, nested, associated, index)
    }

    /// `g`: a retroactive conformance.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func demangleRetroactiveConformance() -> NodeID {
        let index = demangleIndexAsNode()
        let conformance = pop(where: .anyConformance)
        return with(.retroactiveConformance, index, conformance)
    }

    /// A protocol conformance (type, protocol, module) from the stack.
    ///
    /// - Signal safety: safe. Arena writes.
    @_noAllocation @_noLocks
    mutating func popProtocolConformance() -> NodeID {
        let sig = pop(.dependentGenericSignature)
        let module = popModule()
        let proto = popProtocol()
        var ty = pop(.type)
        var ident: NodeID = 0
        if ty == 0 {
            ident = pop(.identifier)
            ty = pop(.type)
        }
        if sig != 0 { ty = type(with(.dependentGenericType, sig, ty)) }
        let conformance = with(.protocolConformance, ty, proto, module)
        addChild(conformance, ident)
        return conformance
    }
}
