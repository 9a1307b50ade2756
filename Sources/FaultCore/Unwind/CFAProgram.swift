// The call frame instruction interpreter (DWARF 4 §6.4.2): runs a CIE's initial instructions and an FDE's
// instructions up to a pc and yields that pc's row.

/// Interprets DW_CFA_* programs.
enum CFAProgram {
    /// Depth of the DW_CFA_remember_state stack (compilers nest one or two levels).
    static var maximumStateDepth: Int { @_noAllocation @_noLocks get { 8 } }
    /// The DW_CFA_remember_state stack (`maximumStateDepth` rows).
    typealias StateStack = (UnwindRow, UnwindRow, UnwindRow, UnwindRow, UnwindRow, UnwindRow, UnwindRow, UnwindRow)

    /// Upper bound on instructions executed per program.
    static var maximumInstructions: Int { @_noAllocation @_noLocks get { 100_000 } }

    /// The row that applies at `pc` inside `fde`, or nil for malformed or unsupported programs.
    ///
    /// - Signal safety: safe. Two bounded programs; the state stack is a local tuple.
    @_noAllocation @_noLocks
    static func row(for pc: UInt, fde: FrameDescriptionEntry, image: UnsafePointer<ImageRecord>?) -> UnwindRow? {
        let empty = UnwindRow()
        var stateStorage: StateStack = (empty, empty, empty, empty, empty, empty, empty, empty)
        return withUnsafeMutableBytes(of: &stateStorage) { raw -> UnwindRow? in
            let base = raw.baseAddress!.assumingMemoryBound(to: UnwindRow.self)
            var row = UnwindRow()
            var depth = 0
            // The CIE's initial instructions describe the function entry; they never advance in practice, but
            // if they do they are bounded by the same pc.
            if !execute(start: fde.cie.instructionsStart, end: fde.cie.instructionsEnd, pc: pc,
                        location: fde.pcBegin, cie: fde.cie, initial: nil, row: &row,
                        states: base, depth: &depth, image: image) {
                return nil
            }
            let initial = row
            depth = 0
            if !execute(start: fde.instructionsStart, end: fde.instructionsEnd, pc: pc,
                        location: fde.pcBegin, cie: fde.cie, initial: initial, row: &row,
                        states: base, depth: &depth, image: image) {
                return nil
            }
            return row
        }
    }

    /// Executes the instructions in `[start, end)` until the location passes `pc`. `initial` is the row after
    /// the CIE's instructions (for DW_CFA_restore), nil while running them. Returns false on malformed input.
    ///
    /// - Signal safety: safe. At most `maximumInstructions` instructions.
    @_noAllocation @_noLocks
    static func execute(start: UInt, end: UInt, pc: UInt, location startLocation: UInt,
                        cie: CommonInformationEntry, initial: UnwindRow?, row: inout UnwindRow,
                        states: UnsafeMutablePointer<UnwindRow>, depth: inout Int,
                        image: UnsafePointer<ImageRecord>?) -> Bool {
        var cursor = DwarfCursor(address: start, end: end, image: image)
        var location = startLocation
        let codeAlignment = cie.codeAlignment
        let dataAlignment = cie.dataAlignment
        var executed = 0
        while !cursor.isAtEnd {
            executed &+= 1
            if executed > maximumInstructions { return false }
            let instruction = cursor.u8()
            if cursor.failed { return false }
            let high = instruction & 0xc0
            let low = instruction & 0x3f
            // Advances return early once the new location is beyond the pc: the current row applies.
            var advance: UInt64 = 0
            switch high {
            case 0x40:  // DW_CFA_advance_loc
                advance = UInt64(low)
            case 0x80:  // DW_CFA_offset: register, ULEB offset * data alignment
                let offset = Int64(bitPattern: cursor.uleb128()) &* dataAlignment
                row.setRule(RegisterRule(kind: RegisterRule.offset, value: offset), for: UInt64(low))
            case 0xc0:  // DW_CFA_restore
                restore(register: UInt64(low), row: &row, initial: initial)
            default:
                switch low {
                case 0x00: break  // DW_CFA_nop
                case 0x01:  // DW_CFA_set_loc
                    let newLocation = cursor.encodedPointer(cie.pointerEncoding)
                    if cursor.failed { return false }
                    if newLocation > pc { return true }
                    location = newLocation
                case 0x02: advance = UInt64(cursor.u8())  // DW_CFA_advance_loc1
                case 0x03: advance = UInt64(cursor.u16())  // DW_CFA_advance_loc2
                case 0x04: advance = UInt64(cursor.u32())  // DW_CFA_advance_loc4
                case 0x05:  // DW_CFA_offset_extended
                    let register = cursor.uleb128()
                    let offset = Int64(bitPattern: cursor.uleb128()) &* dataAlignment
                    row.setRule(RegisterRule(kind: RegisterRule.offset, value: offset), for: register)
                case 0x06:  // DW_CFA_restore_extended
                    restore(register: cursor.uleb128(), row: &row, initial: initial)
                case 0x07:  // DW_CFA_undefined
                    row.setRule(RegisterRule(kind: RegisterRule.undefined), for: cursor.uleb128())
                case 0x08:  // DW_CFA_same_value
                    row.setRule(RegisterRule(kind: RegisterRule.sameValue), for: cursor.uleb128())
                case 0x09:  // DW_CFA_register
                    let register = cursor.uleb128()
                    let source = cursor.uleb128()
                    if source > 16 { return false }
                    row.setRule(RegisterRule(kind: RegisterRule.register, value: Int64(source)), for: register)
                case 0x0a:  // DW_CFA_remember_state
                    if depth >= maximumStateDepth { return false }
                    states[depth] = row
                    depth &+= 1
                case 0x0b:  // DW_CFA_restore_state: the whole row, CFA included (as libgcc and LLVM do)
                    if depth <= 0 { return false }
                    depth &-= 1
                    row = states[depth]
                case 0x0c:  // DW_CFA_def_cfa: register, ULEB offset
                    let register = cursor.uleb128()
                    let offset = cursor.uleb128()
                    if register > 16 { return false }
                    setCFA(&row, register: Int(register), offset: Int64(bitPattern: offset))
                case 0x0d:  // DW_CFA_def_cfa_register
                    let register = cursor.uleb128()
                    if register > 16 { return false }
                    row.cfaIsExpression = false
                    row.cfaRegister = Int(register)
                case 0x0e:  // DW_CFA_def_cfa_offset
                    row.cfaOffset = Int64(bitPattern: cursor.uleb128())
                case 0x0f:  // DW_CFA_def_cfa_expression: block
                    let length = cursor.uleb128()
                    if length > UInt64(UInt32.max) { return false }
                    row.cfaIsExpression = true
                    row.cfaExpression = cursor.address
                    row.cfaExpressionLength = UInt32(length)
                    cursor.skip(length)
                case 0x10, 0x16:  // DW_CFA_expression, DW_CFA_val_expression: register, block
                    let register = cursor.uleb128()
                    let length = cursor.uleb128()
                    if length > UInt64(UInt32.max) { return false }
                    let kind = low == 0x10 ? RegisterRule.expression : RegisterRule.valueExpression
                    row.setRule(RegisterRule(kind: kind, value: Int64(bitPattern: UInt64(cursor.address)),
                                             length: UInt32(length)), for: register)
                    cursor.skip(length)
                case 0x11:  // DW_CFA_offset_extended_sf: register, SLEB offset * data alignment
                    let register = cursor.uleb128()
                    let offset = cursor.sleb128() &* dataAlignment
                    row.setRule(RegisterRule(kind: RegisterRule.offset, value: offset), for: register)
                case 0x12:  // DW_CFA_def_cfa_sf: register, SLEB offset * data alignment
                    let register = cursor.uleb128()
                    let offset = cursor.sleb128() &* dataAlignment
                    if register > 16 { return false }
                    setCFA(&row, register: Int(register), offset: offset)
                case 0x13:  // DW_CFA_def_cfa_offset_sf
                    row.cfaOffset = cursor.sleb128() &* dataAlignment
                case 0x14:  // DW_CFA_val_offset
                    let register = cursor.uleb128()
                    let offset = Int64(bitPattern: cursor.uleb128()) &* dataAlignment
                    row.setRule(RegisterRule(kind: RegisterRule.valueOffset, value: offset), for: register)
                case 0x15:  // DW_CFA_val_offset_sf
                    let register = cursor.uleb128()
                    let offset = cursor.sleb128() &* dataAlignment
                    row.setRule(RegisterRule(kind: RegisterRule.valueOffset, value: offset), for: register)
                case 0x2e:  // DW_CFA_GNU_args_size: only matters for landing pads
                    _ = cursor.uleb128()
                case 0x2f:  // DW_CFA_GNU_negative_offset_extended
                    let register = cursor.uleb128()
                    let offset = 0 &- Int64(bitPattern: cursor.uleb128()) &* dataAlignment
                    row.setRule(RegisterRule(kind: RegisterRule.offset, value: offset), for: register)
                default:
                    return false
                }
            }
            if cursor.failed { return false }
            if advance != 0 {
                let delta = advance &* codeAlignment
                if delta > UInt64(UInt.max &- location) { return true }
                let newLocation = location &+ UInt(delta)
                if newLocation > pc { return true }
                location = newLocation
            }
        }
        return !cursor.failed
    }

    /// DW_CFA_restore: the register's rule from the CIE's initial instructions (same value inside the CIE).
    ///
    /// - Signal safety: safe. Copies a rule.
    @_noAllocation @_noLocks
    static func restore(register: UInt64, row: inout UnwindRow, initial: UnwindRow?) {
        if register > 16 { return }
        if let initial {
            row.setRule(initial.rule(Int(register)), for: register)
        } else {
            row.setRule(RegisterRule(kind: RegisterRule.sameValue), for: register)
        }
    }

    /// Sets a register+offset CFA rule.
    ///
    /// - Signal safety: safe. Stores values.
    @_noAllocation @_noLocks
    static func setCFA(_ row: inout UnwindRow, register: Int, offset: Int64) {
        row.cfaIsExpression = false
        row.cfaRegister = register
        row.cfaOffset = offset
    }
}
