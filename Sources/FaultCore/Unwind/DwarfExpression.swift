// A bounded DWARF expression stack machine (DWARF 4 §2.5) for CFA and register rules. It covers the
// operations compilers emit in .eh_frame — constants, registers, arithmetic, comparisons, branches and
// guarded dereferences — e.g. glibc's PLT rule
// DW_OP_breg7 8; DW_OP_breg16 0; DW_OP_lit15; DW_OP_and; DW_OP_lit11; DW_OP_ge; DW_OP_lit3; DW_OP_shl; DW_OP_plus.

/// Evaluates DWARF expressions with a fixed 16-entry stack and a step limit.
enum DwarfExpression {
    /// Maximum operations executed (branches can loop).
    static var maximumSteps: Int { @_noAllocation @_noLocks get { 1000 } }

    /// The fixed evaluation stack.
    typealias Stack = (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                       UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    /// Evaluates the expression at `[address, address + length)` against `registers`, with `initial` pushed
    /// first when given (the CFA, for register rules). Returns the top of the stack, or nil for malformed
    /// expressions, unsupported operations, unknown registers, failed reads, overflow or too many steps.
    ///
    /// - Signal safety: safe. At most `maximumSteps` operations; dereferences are guarded reads.
    @_noAllocation @_noLocks
    static func evaluate(address: UInt, length: UInt32, registers: UnwindRegisters, initial: UInt64?,
                         image: UnsafePointer<ImageRecord>?) -> UInt64? {
        var stack: Stack = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &stack) { raw in
            run(address: address, length: length, registers: registers, initial: initial, image: image,
                stack: raw.baseAddress!.assumingMemoryBound(to: UInt64.self))
        }
    }

    /// The interpreter loop over a 16-entry stack at `stack`.
    ///
    /// - Signal safety: safe. See `evaluate`.
    @_noAllocation @_noLocks
    static func run(address: UInt, length: UInt32, registers: UnwindRegisters, initial: UInt64?,
                    image: UnsafePointer<ImageRecord>?, stack: UnsafeMutablePointer<UInt64>) -> UInt64? {
        let capacity = 16
        var depth = 0
        let end = address &+ UInt(length)
        if end < address { return nil }
        var cursor = DwarfCursor(address: address, end: end, image: image)
        if let initial {
            stack[0] = initial
            depth = 1
        }
        var steps = 0
        while !cursor.isAtEnd {
            steps &+= 1
            if steps > maximumSteps { return nil }
            let opcode = cursor.u8()
            if cursor.failed { return nil }
            // Values to push (if any) and how many operands each operation pops.
            var push: UInt64 = 0
            var pushes = true
            switch opcode {
            case 0x30...0x4f:  // DW_OP_lit0 ... DW_OP_lit31
                push = UInt64(opcode &- 0x30)
            case 0x50...0x6f:  // DW_OP_reg0 ... DW_OP_reg31 (a register's value, used by some producers)
                let register = Int(opcode &- 0x50)
                if !registers.isValid(register) { return nil }
                push = registers.value(register)
            case 0x70...0x8f:  // DW_OP_breg0 ... DW_OP_breg31: register + SLEB offset
                let register = Int(opcode &- 0x70)
                let offset = cursor.sleb128()
                if !registers.isValid(register) { return nil }
                push = registers.value(register) &+ UInt64(bitPattern: offset)
            case 0x92:  // DW_OP_bregx: ULEB register, SLEB offset
                let register = cursor.uleb128()
                let offset = cursor.sleb128()
                if register > 16 || !registers.isValid(Int(register)) { return nil }
                push = registers.value(Int(register)) &+ UInt64(bitPattern: offset)
            case 0x90:  // DW_OP_regx
                let register = cursor.uleb128()
                if register > 16 || !registers.isValid(Int(register)) { return nil }
                push = registers.value(Int(register))
            case 0x03: push = cursor.u64()  // DW_OP_addr
            case 0x08: push = UInt64(cursor.u8())  // DW_OP_const1u
            case 0x09: push = UInt64(bitPattern: Int64(Int8(bitPattern: cursor.u8())))  // DW_OP_const1s
            case 0x0a: push = UInt64(cursor.u16())  // DW_OP_const2u
            case 0x0b: push = UInt64(bitPattern: Int64(Int16(bitPattern: cursor.u16())))  // DW_OP_const2s
            case 0x0c: push = UInt64(cursor.u32())  // DW_OP_const4u
            case 0x0d: push = UInt64(bitPattern: Int64(Int32(bitPattern: cursor.u32())))  // DW_OP_const4s
            case 0x0e, 0x0f: push = cursor.u64()  // DW_OP_const8u, DW_OP_const8s
            case 0x10: push = cursor.uleb128()  // DW_OP_constu
            case 0x11: push = UInt64(bitPattern: cursor.sleb128())  // DW_OP_consts
            case 0x12:  // DW_OP_dup
                if depth < 1 { return nil }
                push = stack[depth &- 1]
            case 0x13:  // DW_OP_drop
                if depth < 1 { return nil }
                depth &-= 1
                pushes = false
            case 0x14:  // DW_OP_over
                if depth < 2 { return nil }
                push = stack[depth &- 2]
            case 0x15:  // DW_OP_pick
                let index = Int(cursor.u8())
                if index >= depth { return nil }
                push = stack[depth &- 1 &- index]
            case 0x16:  // DW_OP_swap
                if depth < 2 { return nil }
                let top = stack[depth &- 1]
                stack[depth &- 1] = stack[depth &- 2]
                stack[depth &- 2] = top
                pushes = false
            case 0x17:  // DW_OP_rot: (a b c -> c a b), top three
                if depth < 3 { return nil }
                let top = stack[depth &- 1]
                stack[depth &- 1] = stack[depth &- 2]
                stack[depth &- 2] = stack[depth &- 3]
                stack[depth &- 3] = top
                pushes = false
            case 0x06, 0x94:  // DW_OP_deref, DW_OP_deref_size
                if depth < 1 { return nil }
                let size = opcode == 0x06 ? 8 : Int(cursor.u8())
                if size < 1 || size > 8 { return nil }
                var loaded: UInt64 = 0
                if !SafeLibc.readMemory(&loaded, from: UInt(stack[depth &- 1]), count: size) { return nil }
                stack[depth &- 1] = loaded
                pushes = false
            case 0x19, 0x1f, 0x20, 0x23:  // DW_OP_abs, DW_OP_neg, DW_OP_not, DW_OP_plus_uconst
                if depth < 1 { return nil }
                let top = stack[depth &- 1]
                switch opcode {
                case 0x19: stack[depth &- 1] = Int64(bitPattern: top) < 0 ? 0 &- top : top
                case 0x1f: stack[depth &- 1] = 0 &- top
                case 0x20: stack[depth &- 1] = ~top
                default: stack[depth &- 1] = top &+ cursor.uleb128()
                }
                pushes = false
            case 0x1a...0x1e, 0x21, 0x22, 0x24...0x27, 0x29...0x2e:  // binary operations
                if depth < 2 { return nil }
                let right = stack[depth &- 1]
                let left = stack[depth &- 2]
                depth &-= 2
                guard let result = binary(opcode, left, right) else { return nil }
                push = result
            case 0x28:  // DW_OP_bra: pop; branch if non-zero
                let offset = Int16(bitPattern: cursor.u16())
                if depth < 1 { return nil }
                depth &-= 1
                if stack[depth] != 0 { cursor.address = cursor.address &+ UInt(bitPattern: Int(offset)) }
                pushes = false
            case 0x2f:  // DW_OP_skip
                let offset = Int16(bitPattern: cursor.u16())
                cursor.address = cursor.address &+ UInt(bitPattern: Int(offset))
                pushes = false
            case 0x96:  // DW_OP_nop
                pushes = false
            default:
                return nil
            }
            if cursor.failed { return nil }
            if cursor.address < address { return nil }  // A branch before the start.
            if pushes {
                if depth >= capacity { return nil }
                stack[depth] = push
                depth &+= 1
            }
        }
        if cursor.failed || depth < 1 { return nil }
        return stack[depth &- 1]
    }

    /// The binary operations: and, div, minus, mod, mul, or, plus, shl, shr, shra, xor and the comparisons.
    /// Nil for division by zero.
    ///
    /// - Signal safety: safe. Arithmetic only.
    @_noAllocation @_noLocks
    static func binary(_ opcode: UInt8, _ left: UInt64, _ right: UInt64) -> UInt64? {
        let signedLeft = Int64(bitPattern: left)
        let signedRight = Int64(bitPattern: right)
        switch opcode {
        case 0x1a: return left & right  // DW_OP_and
        case 0x1b:  // DW_OP_div (signed)
            if right == 0 || (signedLeft == Int64.min && signedRight == -1) { return nil }
            return UInt64(bitPattern: signedLeft / signedRight)
        case 0x1c: return left &- right  // DW_OP_minus
        case 0x1d:  // DW_OP_mod
            if right == 0 { return nil }
            return left % right
        case 0x1e: return left &* right  // DW_OP_mul
        case 0x21: return left | right  // DW_OP_or
        case 0x22: return left &+ right  // DW_OP_plus
        case 0x24: return right >= 64 ? 0 : left << right  // DW_OP_shl
        case 0x25: return right >= 64 ? 0 : left >> right  // DW_OP_shr
        case 0x26: return UInt64(bitPattern: signedLeft >> Int64(min(right, 63)))  // DW_OP_shra
        case 0x27: return left ^ right  // DW_OP_xor
        case 0x29: return signedLeft == signedRight ? 1 : 0  // DW_OP_eq
        case 0x2a: return signedLeft >= signedRight ? 1 : 0  // DW_OP_ge
        case 0x2b: return signedLeft > signedRight ? 1 : 0  // DW_OP_gt
        case 0x2c: return signedLeft <= signedRight ? 1 : 0  // DW_OP_le
        case 0x2d: return signedLeft < signedRight ? 1 : 0  // DW_OP_lt
        case 0x2e: return signedLeft != signedRight ? 1 : 0  // DW_OP_ne
        default: return nil
        }
    }
}
