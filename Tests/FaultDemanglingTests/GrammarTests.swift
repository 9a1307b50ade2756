// Hand-picked symbols per grammar area, with the output of `swift demangle --simplified` (Swift 6.3.1).

import Testing
import FaultDemangling

/// Demangles with a fresh workspace; nil when not demangled.
func demangled(_ symbol: String) -> String? { SwiftDemangler.demangle(symbol) }

@Suite struct GrammarTests {
    @Test(arguments: [
        // Nominal types, functions, labels, generics.
        ("$s4main6level3yySSF", "level3(_:)"),
        ("$ss10fatalError_4file4lines5NeverOSSyXK_s12StaticStringVSutF", "fatalError(_:file:line:)"),
        ("$ss1loiySbx_q_q0_q1_t_x_q_q0_q1_ttSLRzSLR_SLR0_SLR1_r2_lF", "< infix<A, B, C, D>(_:_:)"),
        ("$s10Foundation26_CFSwiftDataIncreaseLengthyyyXl_SitFTo", "@objc _CFSwiftDataIncreaseLength(_:_:)"),
        // Closures and partial applies.
        ("$s16_Differentiation9_vjpAcoshySd5value_S2dc8pullbacktSdFS2dcfU_TA",
         "partial apply for closure #1 in _vjpAcosh(_:)"),
        // Specializations (generic and function signature).
        ("$sSD17dictionaryLiteralSDyxq_Gx_q_td_tcfC10Foundation14URLResourceKeyV_ypTt0g5Tf4g_n",
         "specialized Dictionary.init(dictionaryLiteral:)"),
        ("$sSMsEy11SubSequenceQzqd__cSXRd__5BoundQyd__5IndexRtzluisTf4ngn_n",
         "specialized MutableCollection.subscript.setter"),
        // Accessors.
        ("$s10Foundation10NSCalendarC7OptionsV10matchFirstAEvau", "NSCalendar.Options.matchFirst.unsafeMutableAddressor"),
        ("$s10Foundation8ObjCBoolV12customMirrors0E0Vvg", "ObjCBool.customMirror.getter"),
        // Thunks and witnesses.
        ("$s7Runtime8Elf_NhdrP8n_descszs6UInt32VvgTj", "dispatch thunk of Elf_Nhdr.n_descsz.getter"),
        ("$sSayxGSmsSmyxqd__cSTRd__7ElementQyd__ABRtzlufCTW",
         "protocol witness for RangeReplaceableCollection.init<A>(_:) in conformance [A]"),
        ("$s6XCTest0A5ErrorVAC10Foundation21_BridgedStoredNSErrorAAWl",
         "lazy protocol witness table accessor for type XCTestError and conformance XCTestError"),
        ("$s10Foundation12NotificationVSbIeghnr_ACSbIeghnd_TRTA.22",
         "partial apply for thunk for @escaping @callee_guaranteed @Sendable (@in_guaranteed Notification) -> (@out Bool)"),
        // Metadata.
        ("$s10Foundation8NSObjectCMf", "full type metadata for NSObject"),
        ("$ss23_ContiguousArrayStorageCy20FoundationEssentials6LocaleV8CurrencyVGMD",
         "demangling cache variable for type metadata for _ContiguousArrayStorage<Locale.Currency>"),
        ("$s7Runtime21CompactImageMapFormatO7EncoderV8IteratorV5StateOMa",
         "type metadata accessor for CompactImageMapFormat.Encoder.Iterator.State"),
        ("$s7Runtime19DwarfLineNumberInfoVwxx", "destroy for DwarfLineNumberInfo"),
        // Outlined copies, private names, one-time initializers.
        ("$s10Foundation10SocketPortC9SignatureVSgWOy", "outlined copy of SocketPort.Signature?"),
        ("$s10Foundation22UnitInformationStorageC11Coefficient33_E0800325E8DDE2465C9659AD60476BD5LLV9gigabytes_WZ",
         "one-time initialization function for gigabytes"),
        // Async partial functions and static members.
        ("$s7Testing20ParallelizationTraitV12provideScope3for8testCase10performingyAA4TestV_AI0H0VSgyyYaYbKXEtYaKFTY2_",
         "ParallelizationTrait.provideScope(for:testCase:performing:)"),
        ("$s20FoundationEssentials10POSIXErrorV5EBADF5Glibc0C4CodeOvpZMV",
         "property descriptor for static POSIXError.EBADF"),
        // .resume and merged suffixes.
        ("$s10Foundation10FileHandleC18readabilityHandleryACYbcSgvM.resume.0",
         "FileHandle.readabilityHandler.modify"),
        // Old `_T0` prefix and `_$s`.
        ("_$s4main6level3yySSF", "level3(_:)"),
    ])
    func demangles(_ pair: (String, String)) {
        #expect(demangled(pair.0) == pair.1)
    }

    @Test func punycodeIdentifier() {
        #expect(demangled("$s1m0019cafxber_dyaGoxHBECcyyF") == "café😀xüber()")
    }

    @Test(arguments: ["", "main", "_Z3foov", "$", "$s", "_T", "$s4main", "$sSi", "$s4main6level3yySSFXXXX", "hello world"])
    func rejects(_ symbol: String) {
        let result = demangled(symbol)
        // Either not demangled, or (for prefixes that parse as a type) some text; never a crash.
        if symbol.count < 3 || !symbol.hasPrefix("$s") { #expect(result == nil) }
    }
}
