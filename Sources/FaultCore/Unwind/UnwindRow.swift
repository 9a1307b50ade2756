// One row of the DWARF call frame table (DWARF 4 §6.4.1): how to find the CFA and every register of the
// caller, for one pc. Plus the register file the rules are applied to.

/// How to recover one register of the caller.
struct RegisterRule {
    /// Offset, register number, or expression address, depending on `kind`.
    var value: Int64 = 0
    /// Length of the DWARF expression for the expression kinds.
    var length: UInt32 = 0
    /// One of the `RegisterRule.*` kinds below.
    var kind: UInt8 = 0

    /// The register keeps its value (the default for x86_64 callee-saved registers).
    static var sameValue: UInt8 { @_noAllocation @_noLocks get { 0 } }
    /// The register's value is not recoverable (for the return address column: the end of the stack).
    static var undefined: UInt8 { @_noAllocation @_noLocks get { 1 } }
    /// Saved at CFA + value.
    static var offset: UInt8 { @_noAllocation @_noLocks get { 2 } }
    /// Its value is CFA + value.
    static var valueOffset: UInt8 { @_noAllocation @_noLocks get { 3 } }
    /// Its value is in register `value`.
    static var register: UInt8 { @_noAllocation @_noLocks get { 4 } }
    /// Saved at the address computed by the expression at `value` (CFA pushed first).
    static var expression: UInt8 { @_noAllocation @_noLocks get { 5 } }
    /// Its value is computed by the expression at `value` (CFA pushed first).
    static var valueExpression: UInt8 { @_noAllocation @_noLocks get { 6 } }

    /// Creates a rule.
    ///
    /// - Signal safety: safe. Stores values.
    @_noAllocation @_noLocks
    init(kind: UInt8, value: Int64 = 0, length: UInt32 = 0) {
        self.kind = kind
        self.value = value
        self.length = length
    }
}

/// The x86_64 DWARF register numbers the unwinder tracks: 0–15 general registers, 16 the return address.
enum DwarfRegister {
    /// Number of tracked registers (rax ... r15, rip).
    static var count: Int { @_noAllocation @_noLocks get { 17 } }
    /// rbp.
    static var rbp: Int { @_noAllocation @_noLocks get { 6 } }
    /// rsp.
    static var rsp: Int { @_noAllocation @_noLocks get { 7 } }
    /// rip / the return address column.
    static var rip: Int { @_noAllocation @_noLocks get { 16 } }
}

/// Seventeen rules, one per tracked register.
typealias RegisterRules = (
    RegisterRule, RegisterRule, RegisterRule, RegisterRule, RegisterRule, RegisterRule, RegisterRule,
    RegisterRule, RegisterRule, RegisterRule, RegisterRule, RegisterRule, RegisterRule, RegisterRule,
    RegisterRule, RegisterRule, RegisterRule
)

/// One row: the CFA rule and the register rules.
struct UnwindRow {
    /// True when the CFA is an expression (`cfaExpression`/`cfaExpressionLength`), false for register+offset.
    var cfaIsExpression = false
    /// The CFA register (register+offset rule).
    var cfaRegister: Int = 7
    /// The CFA offset (register+offset rule).
    var cfaOffset: Int64 = 8
    /// Address of the CFA expression.
    var cfaExpression: UInt = 0
    /// Length of the CFA expression.
    var cfaExpressionLength: UInt32 = 0
    /// The register rules.
    var rules: RegisterRules

    /// A row with every register `sameValue` and CFA = rsp + 8 (the state at a function's first instruction).
    ///
    /// - Signal safety: safe. Stores constants.
    @_noAllocation @_noLocks
    init() {
        let same = RegisterRule(kind: RegisterRule.sameValue)
        rules = (same, same, same, same, same, same, same, same, same, same, same, same, same, same, same, same, same)
    }

    /// The rule for `register` (0 ..< 17).
    ///
    /// - Signal safety: safe. Reads the inline tuple.
    @_noAllocation @_noLocks
    func rule(_ register: Int) -> RegisterRule {
        precondition(register >= 0 && register < 17)
        return withUnsafeBytes(of: rules) { raw in
            raw.load(fromByteOffset: register &* MemoryLayout<RegisterRule>.stride, as: RegisterRule.self)
        }
    }

    /// Sets the rule for `register`; registers outside 0 ..< 17 (vector registers) are ignored.
    ///
    /// - Signal safety: safe. Writes the inline tuple.
    @_noAllocation @_noLocks
    mutating func setRule(_ rule: RegisterRule, for register: UInt64) {
        if register >= 17 { return }
        withUnsafeMutableBytes(of: &rules) { raw in
            raw.storeBytes(of: rule, toByteOffset: Int(register) &* MemoryLayout<RegisterRule>.stride,
                           as: RegisterRule.self)
        }
    }
}

/// The values of the 17 tracked registers of one frame, and which of them are known.
struct UnwindRegisters {
    /// Register values by DWARF number.
    var values: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                 UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    /// Bit n set when register n is known.
    var validMask: UInt32

    /// Copies 17 registers from `registers`, all valid.
    ///
    /// - Signal safety: safe. Reads 17 words of caller memory.
    @_noAllocation @_noLocks
    init(copying registers: UnsafePointer<UInt64>) {
        values = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        validMask = (1 << 17) &- 1
        withUnsafeMutableBytes(of: &values) { raw in
            raw.baseAddress!.copyMemory(from: registers, byteCount: 17 &* 8)
        }
    }

    /// The value of `register` (0 ..< 17).
    ///
    /// - Signal safety: safe. Reads the inline tuple.
    @_noAllocation @_noLocks
    func value(_ register: Int) -> UInt64 {
        precondition(register >= 0 && register < 17)
        return withUnsafeBytes(of: values) { $0.load(fromByteOffset: register &* 8, as: UInt64.self) }
    }

    /// Whether `register` is known (false for numbers outside 0 ..< 17).
    ///
    /// - Signal safety: safe. Bit arithmetic.
    @_noAllocation @_noLocks
    func isValid(_ register: Int) -> Bool {
        register >= 0 && register < 17 && validMask & (1 << UInt32(register)) != 0
    }

    /// Sets `register` (0 ..< 17) to `value` and marks it known (or unknown when `valid` is false).
    ///
    /// - Signal safety: safe. Writes the inline tuple.
    @_noAllocation @_noLocks
    mutating func set(_ register: Int, _ value: UInt64, valid: Bool = true) {
        precondition(register >= 0 && register < 17)
        withUnsafeMutableBytes(of: &values) { $0.storeBytes(of: value, toByteOffset: register &* 8, as: UInt64.self) }
        if valid {
            validMask |= 1 << UInt32(register)
        } else {
            validMask &= ~(1 << UInt32(register))
        }
    }
}
