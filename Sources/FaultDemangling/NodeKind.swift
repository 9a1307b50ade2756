// The kinds of node in a demangled symbol tree. The names follow the reference demangler's node kinds
// (swift/Demangling/DemangleNodes.def) so that the grammar and the printer can be compared with it.

/// One node kind of the demangling tree. Stored as 16 bits in the node arena.
enum NodeKind {
    case allocator, anonymousContext, anonymousDescriptor, anyProtocolConformanceList, argumentTuple
    case associatedConformanceDescriptor, associatedType, associatedTypeDescriptor, associatedTypeGenericParamRef
    case associatedTypeMetadataAccessor, associatedTypeRef, associatedTypeWitnessTableAccessor, assocTypePath
    case asyncAnnotation, asyncAwaitResumePartialFunction, asyncFunctionPointer, asyncRemoved
    case asyncSuspendResumePartialFunction, accessibleFunctionRecord, autoClosureType, autoDiffDerivativeVTableThunk
    case autoDiffFunction, autoDiffFunctionKind, autoDiffSelfReorderingReabstractionThunk
    case autoDiffSubsetParametersThunk, backDeploymentFallback, backDeploymentThunk, baseConformanceDescriptor
    case baseWitnessTableAccessor, boundGenericClass, boundGenericEnum, boundGenericFunction
    case boundGenericOtherNominalType, boundGenericProtocol, boundGenericStructure, boundGenericTypeAlias
    case builtinFixedArray, builtinTupleType, builtinTypeName, cFunctionPointer, canonicalPrespecializedGenericTypeCachingOnceToken
    case canonicalSpecializedGenericMetaclass, canonicalSpecializedGenericTypeMetadataAccessFunction, clangType
    case `class`, classMetadataBaseOffset, compileTimeLiteral, concreteProtocolConformance, concurrentFunctionType
    case constValue, constrainedExistential, constrainedExistentialRequirementList, constrainedExistentialSelf
    case constructor, coroFunctionPointer, coroutineContinuationPrototype, curryThunk, deallocator, declContext
    case defaultArgumentInitializer, defaultAssociatedConformanceAccessor, defaultAssociatedTypeMetadataAccessor
    case defaultOverride, dependentAssociatedConformance, dependentAssociatedTypeRef
    case dependentGenericConformanceRequirement, dependentGenericInverseConformanceRequirement
    case dependentGenericLayoutRequirement, dependentGenericParamCount, dependentGenericParamPackMarker
    case dependentGenericParamType, dependentGenericParamValueMarker, dependentGenericSameShapeRequirement
    case dependentGenericSameTypeRequirement, dependentGenericSignature, dependentGenericType, dependentMemberType
    case dependentProtocolConformanceAssociated, dependentProtocolConformanceInherited
    case dependentProtocolConformanceOpaque, dependentProtocolConformanceRoot, dependentPseudogenericSignature
    case destructor, didSet, differentiabilityWitness, differentiableFunctionType, directMethodReferenceAttribute
    case directness, dispatchThunk, distributedAccessor, distributedThunk, droppedArgument, dynamicAttribute
    case dynamicSelf, dynamicallyReplaceableFunctionImpl, dynamicallyReplaceableFunctionKey
    case dynamicallyReplaceableFunctionVar, emptyList, `enum`, enumCase, errorType, escapingAutoClosureType
    case escapingObjCBlock, existentialMetatype, explicitClosure, `extension`, extensionDescriptor, fieldOffset
    case firstElementMarker, fullObjCResilientClassStub, fullTypeMetadata, function, functionSignatureSpecialization
    case functionSignatureSpecializationParam, functionSignatureSpecializationParamKind
    case functionSignatureSpecializationParamPayload, functionSignatureSpecializationReturn, functionType
    case genericPartialSpecialization, genericPartialSpecializationNotReAbstracted, genericProtocolWitnessTable
    case genericProtocolWitnessTableInstantiationFunction, genericSpecialization
    case genericSpecializationInResilienceDomain, genericSpecializationNotReAbstracted, genericSpecializationParam
    case genericSpecializationPrespecialized, genericTypeMetadataPattern, genericTypeParamDecl, getter, global
    case globalActorFunctionType, globalGetter, globalVariableOnceDeclList, globalVariableOnceFunction
    case globalVariableOnceToken, hasSymbolQuery, iVarDestroyer, iVarInitializer, identifier, implConvention
    case implCoroutineKind, implDifferentiabilityKind, implErasedIsolation, implErrorResult, implEscaping
    case implFunctionAttribute, implFunctionConvention, implFunctionConventionName, implFunctionType
    case implInvocationSubstitutions, implParameter, implParameterImplicitLeading, implParameterIsolated
    case implParameterResultDifferentiability, implParameterSending, implPatternSubstitutions, implResult
    case implSendingResult, implYield, implicitClosure, inOut, index, indexSubset, infixOperator, initAccessor
    case initializer, inlinedGenericFunction, integer, isSerialized, isolated, isolatedAnyFunctionType
    case isolatedDeallocator, keyPathAppliedMethodThunkHelper, keyPathEqualsThunkHelper, keyPathGetterThunkHelper
    case keyPathHashThunkHelper, keyPathSetterThunkHelper, keyPathUnappliedMethodThunkHelper, labelList
    case lazyProtocolWitnessTableAccessor, lazyProtocolWitnessTableCacheVariable, localDeclName, macro
    case macroExpansionLoc, macroExpansionUniqueName, freestandingMacroExpansion, accessorAttachedMacroExpansion
    case memberAttributeAttachedMacroExpansion, memberAttachedMacroExpansion, peerAttachedMacroExpansion
    case conformanceAttachedMacroExpansion, extensionAttachedMacroExpansion, preambleAttachedMacroExpansion
    case bodyAttachedMacroExpansion, materializeForSet, mergedFunction, metaclass
    case metadataInstantiationCache, metatype, metatypeRepresentation, methodDescriptor, methodLookupFunction
    case modifyAccessor, modify2Accessor, module, moduleDescriptor, nativeOwningAddressor
    case nativeOwningMutableAddressor, nativePinningAddressor, nativePinningMutableAddressor, negativeInteger
    case noDerivative, noEscapeFunctionType, noncanonicalSpecializedGenericTypeMetadata
    case noncanonicalSpecializedGenericTypeMetadataCache, nominalTypeDescriptor, nominalTypeDescriptorRecord
    case nonIsolatedCallerFunctionType, nonObjCAttribute, number, objCAsyncCompletionHandlerImpl, objCAttribute
    case objCBlock, objCMetadataUpdateFunction, objCResilientClassStub, opaqueReturnType, opaqueReturnTypeIndex
    case opaqueReturnTypeOf, opaqueReturnTypeParent, opaqueType, opaqueTypeDescriptor, opaqueTypeDescriptorAccessor
    case opaqueTypeDescriptorAccessorImpl, opaqueTypeDescriptorAccessorKey, opaqueTypeDescriptorAccessorVar
    case opaqueTypeDescriptorRecord, otherNominalType, outlinedAssignWithCopy, outlinedAssignWithCopyNoValueWitness
    case outlinedAssignWithTake, outlinedAssignWithTakeNoValueWitness, outlinedBridgedMethod, outlinedConsume
    case outlinedCopy, outlinedDestroy, outlinedDestroyNoValueWitness, outlinedEnumGetTag
    case outlinedEnumProjectDataForLoad, outlinedEnumTagStore, outlinedInitializeWithCopy
    case outlinedInitializeWithCopyNoValueWitness, outlinedInitializeWithTake
    case outlinedInitializeWithTakeNoValueWitness, outlinedReadOnlyObject, outlinedRelease, outlinedRetain
    case outlinedVariable, owned, owningAddressor, owningMutableAddressor, pack, packElement, packElementLevel
    case packExpansion, packProtocolConformance, partialApplyForwarder, partialApplyObjCForwarder, postfixOperator
    case predefinedObjCAsyncCompletionHandlerImpl, prefixOperator, privateDeclName, propertyDescriptor
    case propertyWrapperBackingInitializer, propertyWrapperInitFromProjectedValue, `protocol`, protocolConformance
    case protocolConformanceDescriptor, protocolConformanceDescriptorRecord, protocolConformanceRefInOtherModule
    case protocolConformanceRefInProtocolModule, protocolConformanceRefInTypeModule, protocolDescriptor
    case protocolDescriptorRecord, protocolList, protocolListWithAnyObject, protocolListWithClass
    case protocolRequirementsBaseDescriptor, protocolSelfConformanceDescriptor, protocolSelfConformanceWitness
    case protocolSelfConformanceWitnessTable, protocolSymbolicReference, protocolWitness, protocolWitnessTable
    case protocolWitnessTableAccessor, protocolWitnessTablePattern, reabstractionThunk, reabstractionThunkHelper
    case reabstractionThunkHelperWithGlobalActor, reabstractionThunkHelperWithSelf, readAccessor, read2Accessor
    case reflectionMetadataAssocTypeDescriptor, reflectionMetadataBuiltinDescriptor
    case reflectionMetadataFieldDescriptor, reflectionMetadataSuperclassDescriptor, relatedEntityDeclName
    case resilientProtocolWitnessTable, retroactiveConformance, returnType, silBoxImmutableField, silBoxLayout
    case silBoxMutableField, silBoxType, silBoxTypeWithLayout, silPackDirect, silPackIndirect, silThunkIdentity
    case sending, sendingResultFunctionType, setter, shared, specializationPassID, `static`, structure, `subscript`
    case suffix, sugaredArray, sugaredDictionary, sugaredInlineArray, sugaredOptional, sugaredParen
    case thinFunctionType, throwsAnnotation, tuple, tupleElement, tupleElementName, type, typeAlias, typeList
    case typeMangling, typeMetadata, typeMetadataAccessFunction, typeMetadataCompletionFunction
    case typeMetadataDemanglingCache, typeMetadataInstantiationCache, typeMetadataInstantiationFunction
    case typeMetadataLazyCache, typeMetadataSingletonInitializationCache, typeSymbolicReference
    case typedThrowsAnnotation, uncurriedFunctionType, uniquable, unknownIndex, unmanaged, unowned
    case unsafeAddressor, unsafeMutableAddressor, valueWitness, valueWitnessTable, variable, variadicMarker
    case vTableAttribute, vTableThunk, weak, willSet, objectiveCProtocolSymbolicReference
    case opaqueTypeDescriptorSymbolicReference, extendedExistentialTypeShape, symbolicExtendedExistentialType
    case uniqueExtendedExistentialTypeShapeSymbolicReference, nonUniqueExtendedExistentialTypeShapeSymbolicReference
    case accessorFunctionReference, silThunkHopToMainActorIfNeeded

    /// True for nodes that can be the context of another entity (DemangleNodes.def `CONTEXT_NODE`).
    var isContext: Bool {
        @_noAllocation @_noLocks get {
        switch self {
        case .allocator, .anonymousContext, .class, .constructor, .deallocator, .defaultArgumentInitializer,
             .destructor, .didSet, .enum, .explicitClosure, .extension, .function, .getter, .globalGetter,
             .iVarInitializer, .iVarDestroyer, .implicitClosure, .initializer, .initAccessor, .isolatedDeallocator,
             .materializeForSet, .modifyAccessor, .modify2Accessor, .module, .nativeOwningAddressor,
             .nativeOwningMutableAddressor, .nativePinningAddressor, .nativePinningMutableAddressor,
             .otherNominalType, .owningAddressor, .owningMutableAddressor, .propertyWrapperBackingInitializer,
             .propertyWrapperInitFromProjectedValue, .protocol, .protocolSymbolicReference, .readAccessor,
             .read2Accessor, .setter, .static, .structure, .subscript, .typeSymbolicReference, .typeAlias,
             .unsafeAddressor, .unsafeMutableAddressor, .variable, .willSet, .opaqueReturnTypeOf, .autoDiffFunction,
             .macro, .macroExpansionUniqueName, .freestandingMacroExpansion, .accessorAttachedMacroExpansion,
             .memberAttributeAttachedMacroExpansion, .memberAttachedMacroExpansion, .peerAttachedMacroExpansion,
             .conformanceAttachedMacroExpansion, .extensionAttachedMacroExpansion,
             .preambleAttachedMacroExpansion, .bodyAttachedMacroExpansion:
            return true
        default:
            return false
        }
        }
    }

    /// Names of declarations (`isDeclName` in the reference demangler).
    var isDeclName: Bool {
        @_noAllocation @_noLocks get {
        switch self {
        case .identifier, .localDeclName, .privateDeclName, .relatedEntityDeclName, .prefixOperator,
             .postfixOperator, .infixOperator, .typeSymbolicReference, .protocolSymbolicReference,
             .objectiveCProtocolSymbolicReference:
            return true
        default:
            return false
        }
        }
    }

    /// Nominal or alias types that may take generic arguments.
    var isAnyGeneric: Bool {
        @_noAllocation @_noLocks get {
        switch self {
        case .structure, .class, .enum, .protocol, .protocolSymbolicReference, .otherNominalType, .typeAlias,
             .typeSymbolicReference, .objectiveCProtocolSymbolicReference:
            return true
        default:
            return false
        }
        }
    }

    /// Entities: contexts and types.
    var isEntity: Bool {
        @_noAllocation @_noLocks get {
            if case .type = self { return true }
            return isContext
        }
    }

    /// Generic requirements inside a generic signature.
    var isRequirement: Bool {
        @_noAllocation @_noLocks get {
        switch self {
        case .dependentGenericSameTypeRequirement, .dependentGenericSameShapeRequirement,
             .dependentGenericLayoutRequirement, .dependentGenericConformanceRequirement,
             .dependentGenericInverseConformanceRequirement, .dependentGenericParamPackMarker,
             .dependentGenericParamValueMarker:
            return true
        default:
            return false
        }
        }
    }

    /// Attributes that prefix a function symbol (`isFunctionAttr`).
    var isFunctionAttr: Bool {
        @_noAllocation @_noLocks get {
        switch self {
        case .functionSignatureSpecialization, .genericSpecialization, .genericSpecializationPrespecialized,
             .inlinedGenericFunction, .genericSpecializationNotReAbstracted, .genericPartialSpecialization,
             .genericPartialSpecializationNotReAbstracted, .genericSpecializationInResilienceDomain,
             .objCAttribute, .nonObjCAttribute, .dynamicAttribute, .directMethodReferenceAttribute,
             .vTableAttribute, .partialApplyForwarder, .partialApplyObjCForwarder, .outlinedVariable,
             .outlinedReadOnlyObject, .outlinedBridgedMethod, .mergedFunction, .distributedThunk,
             .distributedAccessor, .dynamicallyReplaceableFunctionImpl, .dynamicallyReplaceableFunctionKey,
             .dynamicallyReplaceableFunctionVar, .asyncFunctionPointer, .asyncAwaitResumePartialFunction,
             .asyncSuspendResumePartialFunction, .accessibleFunctionRecord, .backDeploymentThunk,
             .backDeploymentFallback, .hasSymbolQuery, .coroFunctionPointer, .defaultOverride, .droppedArgument:
            return true
        default:
            return false
        }
        }
    }
}

extension NodeKind {
    /// Equality by case. Written out (instead of the synthesized one) so that the performance checker can see
    /// it from every file of the module.
    ///
    /// - Signal safety: safe. Compares two 16-bit tags.
    @_noAllocation @_noLocks
    @inline(__always)
    static func == (a: NodeKind, b: NodeKind) -> Bool {
        unsafeBitCast(a, to: UInt16.self) == unsafeBitCast(b, to: UInt16.self)
    }

    /// Inequality by case.
    ///
    /// - Signal safety: safe. Compares two 16-bit tags.
    @_noAllocation @_noLocks
    @inline(__always)
    static func != (a: NodeKind, b: NodeKind) -> Bool {
        unsafeBitCast(a, to: UInt16.self) != unsafeBitCast(b, to: UInt16.self)
    }
}
