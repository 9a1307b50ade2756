// Node printing for entities, their contexts and the wrapper nodes around them (split from `print` so that
// each function's frame stays small in unoptimised builds).

extension Printer {
    /// Prints wrapper and name nodes (`Type`, `Global`, identifiers, numbers): the most frequent, kept small.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printWrapperNode(_ n: NodeID, _ k: NodeKind, _ depth: Int, _ asPrefixContext: Bool) -> NodeID {
        switch k {
        case .anonymousContext:
            break
        case .global:
            printChildren(n, depth)
        case .suffix:
            break
        case .declContext, .type:
            _ = print(child(n, 0), depth + 1)
        case .typeMangling:
            if kind(child(n, 0)) == .labelList {
                printFunctionType(child(n, 0), child(child(n, 1), 0), depth)
            } else {
                _ = print(child(n, 0), depth + 1)
            }
        case .module:
            break
        case .identifier, .clangType, .builtinTypeName, .metatypeRepresentation, .implConvention,
             .implFunctionAttribute:
            putText(n)
        case .index, .number, .specializationPassID, .integer:
            putDecimal(index(n))
        case .negativeInteger:
            putSigned(Int64(bitPattern: index(n)))
        case .unknownIndex:
            put("unknown index")
        case .returnType:
            if count(n) == 0 { putText(n) } else { printChildren(n, depth) }
        case .typeList:
            printChildren(n, depth)
        default:
            invalid = true
        }
        return 0
    }

    /// Prints entities: functions, variables, nominal types, accessors, initializers.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printEntityNode(_ n: NodeID, _ k: NodeKind, _ depth: Int, _ asPrefixContext: Bool) -> NodeID {
        switch k {
        case .variable:
            return printEntity(n, depth, asPrefixContext, .withColon, hasName: true)
        case .function, .boundGenericFunction:
            return printEntity(n, depth, asPrefixContext, .functionStyle, hasName: true)
        case .subscript:
            return printEntity(n, depth, asPrefixContext, .functionStyle, hasName: false, overwriteName: "subscript")
        case .macro:
            return printEntity(n, depth, asPrefixContext, count(n) == 3 ? .withColon : .functionStyle, hasName: true)
        case .genericTypeParamDecl:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: true)
        case .explicitClosure:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false, extraName: "closure #",
                               extraIndex: Int(index(child(n, 1))) + 1)
        case .implicitClosure:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false, extraName: "implicit closure #",
                               extraIndex: Int(index(child(n, 1))) + 1)
        case .initializer:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false,
                               extraName: "variable initialization expression")
        case .propertyWrapperBackingInitializer:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false,
                               extraName: "property wrapper backing initializer")
        case .propertyWrapperInitFromProjectedValue:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false,
                               extraName: "property wrapper init from projected value")
        case .defaultArgumentInitializer:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false, extraName: "default argument ",
                               extraIndex: Int(index(child(n, 1))))
        case .class, .structure, .enum, .protocol, .typeAlias, .otherNominalType:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: true)
        case .owningAddressor, .owningMutableAddressor, .nativeOwningAddressor, .nativeOwningMutableAddressor,
             .nativePinningAddressor, .nativePinningMutableAddressor, .unsafeAddressor, .unsafeMutableAddressor,
             .globalGetter, .getter, .setter, .materializeForSet, .willSet, .didSet, .readAccessor, .read2Accessor,
             .modifyAccessor, .modify2Accessor, .initAccessor:
            return printAbstractStorage(child(n, 0), depth, asPrefixContext, Printer.accessorName(k))
        case .allocator:
            return printEntity(n, depth, asPrefixContext, .functionStyle, hasName: false,
                               overwriteName: kind(child(n, 0)) == .class ? "__allocating_init" : "init")
        case .constructor:
            return printEntity(n, depth, asPrefixContext, .functionStyle, hasName: count(n) > 2,
                               overwriteName: "init")
        case .destructor:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false, overwriteName: "deinit")
        case .deallocator:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false,
                               overwriteName: kind(child(n, 0)) == .class ? "__deallocating_deinit" : "deinit")
        case .isolatedDeallocator:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false,
                               overwriteName: kind(child(n, 0)) == .class ? "__isolated_deallocating_deinit"
                                                                          : "deinit")
        case .iVarInitializer:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false, overwriteName: "__ivar_initializer")
        case .iVarDestroyer:
            return printEntity(n, depth, asPrefixContext, .noType, hasName: false, overwriteName: "__ivar_destroyer")
        default:
            invalid = true
        }
        return 0
    }

    /// Prints declaration contexts and outlined-value prefixes.
    ///
    /// - Signal safety: safe. See `print`.
    @_noAllocation @_noLocks
    mutating func printContextNode(_ n: NodeID, _ k: NodeKind, _ depth: Int, _ asPrefixContext: Bool) -> NodeID {
        switch k {
        case .static:
            put("static ")
            _ = print(child(n, 0), depth + 1)
        case .outlinedCopy, .outlinedConsume:
            put(k == .outlinedCopy ? "outlined copy of " : "outlined consume of ")
            _ = print(child(n, 0), depth + 1)
            if count(n) > 1 { _ = print(child(n, 1), depth + 1) }
        case .outlinedBridgedMethod:
            put("outlined bridged method (")
            putText(n)
            put(") of ")
        case .outlinedVariable:
            put("outlined variable #")
            putDecimal(index(n))
            put(" of ")
        case .outlinedReadOnlyObject:
            put("outlined read-only object #")
            putDecimal(index(n))
            put(" of ")
        case .directness:
            put(index(n) == 0 ? "direct " : "indirect ")
        case .extension:
            _ = print(child(n, 1), depth + 1)
            if count(n) == 3 { _ = print(child(n, 2), depth + 1) }
        case .localDeclName:
            _ = print(child(n, 1), depth + 1)
            put(" #")
            putDecimal(index(child(n, 0)) + 1)
        case .privateDeclName:
            if count(n) > 1 { _ = print(child(n, 1), depth + 1) }
        case .relatedEntityDeclName:
            put("related decl '")
            putText(child(n, 0))
            put("' for ")
            _ = print(child(n, 1), depth + 1)
        case .infixOperator:
            putText(n)
            put(" infix")
        case .prefixOperator:
            putText(n)
            put(" prefix")
        case .postfixOperator:
            putText(n)
            put(" postfix")
        default:
            invalid = true
        }
        return 0
    }
}
