// CFI parsing and evaluation on hand-built .eh_frame bytes, and the DWARF expression machine.

import Glibc
import Testing

@testable import FaultCore

/// Builds a small .eh_frame section: one CIE ("zR", pcrel|sdata4 pointers) and one FDE covering
/// 32 bytes at `pcBegin`, then the zero terminator. The bytes live at a stable address.
final class HandBuiltEhFrame {
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 8)
    private(set) var size = 0
    var address: UInt { UInt(bitPattern: storage.baseAddress) }
    /// The (pretend) function start: near the bytes, so a pcrel sdata4 reaches it.
    var pcBegin: UInt { address + 0x10000 }

    init() {
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        var bytes: [UInt8] = []
        func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        // CIE: version 1, "zR", code alignment 1, data alignment -8, return column 16, R = 0x1b.
        let cieBody: [UInt8] = [0, 0, 0, 0, 1, UInt8(ascii: "z"), UInt8(ascii: "R"), 0, 1, 0x78, 16, 1, 0x1b,
                                0x0c, 0x07, 0x08,  // DW_CFA_def_cfa rsp, 8
                                0x90, 0x01,  // DW_CFA_offset rip, cfa-8
                                0x00, 0x00]  // padding (DW_CFA_nop)
        u32(UInt32(cieBody.count))
        bytes += cieBody
        // FDE.
        let fdeStart = bytes.count
        let fdeInstructions: [UInt8] = [
            0x41, 0x0e, 0x10,  // advance 1; DW_CFA_def_cfa_offset 16
            0x86, 0x02,  // DW_CFA_offset rbp, cfa-16
            0x43, 0x0d, 0x06,  // advance 3; DW_CFA_def_cfa_register rbp
            0x4a, 0x0a,  // advance 10; DW_CFA_remember_state
            0x0c, 0x07, 0x08,  // DW_CFA_def_cfa rsp, 8
            0xc6,  // DW_CFA_restore rbp
            0x41, 0x0b,  // advance 1; DW_CFA_restore_state
        ]
        let fdeLength = 4 + 4 + 4 + 1 + fdeInstructions.count
        u32(UInt32(fdeLength))
        u32(UInt32(bytes.count))  // CIE pointer: back to offset 0.
        let pcField = UInt(bitPattern: storage.baseAddress) + UInt(bytes.count)
        u32(UInt32(truncatingIfNeeded: Int(bitPattern: pcBegin) - Int(bitPattern: pcField)))
        u32(32)  // pc_range
        bytes.append(0)  // augmentation data length
        bytes += fdeInstructions
        _ = fdeStart
        u32(0)  // terminator
        size = bytes.count
        storage.copyBytes(from: bytes)
    }

    deinit { storage.deallocate() }

    func find(_ pc: UInt) -> FrameDescriptionEntry? {
        FDELookup.linearScan(pc: pc, ehFrame: address, limit: address + UInt(size), dataBase: 0, image: nil)
    }
}

@Suite struct UnwindDwarfTests {
    @Test func parsesHandBuiltCieAndFde() throws {
        let frame = HandBuiltEhFrame()
        let fde = try #require(frame.find(frame.pcBegin + 5))
        #expect(fde.pcBegin == frame.pcBegin)
        #expect(fde.pcEnd == frame.pcBegin + 32)
        #expect(fde.cie.codeAlignment == 1)
        #expect(fde.cie.dataAlignment == -8)
        #expect(fde.cie.returnAddressRegister == 16)
        #expect(fde.cie.pointerEncoding == 0x1b)
        #expect(frame.find(frame.pcBegin - 1) == nil)
        #expect(frame.find(frame.pcBegin + 32) == nil)
    }

    @Test(arguments: [
        // (offset into the function, CFA register, CFA offset, rbp rule kind)
        (0, 7, 8, RegisterRule.sameValue),
        (1, 7, 16, RegisterRule.offset),
        (3, 7, 16, RegisterRule.offset),
        (4, 6, 16, RegisterRule.offset),
        (14, 7, 8, RegisterRule.sameValue),  // after remember_state, def_cfa and restore
        (15, 6, 16, RegisterRule.offset),  // after restore_state
        (31, 6, 16, RegisterRule.offset),
    ])
    func rowsFollowTheProgram(offset: Int, cfaRegister: Int, cfaOffset: Int64, rbpRule: UInt8) throws {
        let frame = HandBuiltEhFrame()
        let pc = frame.pcBegin + UInt(offset)
        let fde = try #require(frame.find(pc))
        let row = try #require(CFAProgram.row(for: pc, fde: fde, image: nil))
        #expect(!row.cfaIsExpression)
        #expect(row.cfaRegister == cfaRegister)
        #expect(row.cfaOffset == cfaOffset)
        #expect(row.rule(6).kind == rbpRule)
        if rbpRule == RegisterRule.offset { #expect(row.rule(6).value == -16) }
        #expect(row.rule(16).kind == RegisterRule.offset)
        #expect(row.rule(16).value == -8)
    }

    @Test func glibcPltExpression() {
        // DW_OP_breg7 8; DW_OP_breg16 0; DW_OP_lit15; DW_OP_and; DW_OP_lit11; DW_OP_ge; DW_OP_lit3; DW_OP_shl;
        // DW_OP_plus: CFA = rsp + 8 + ((rip & 15) >= 11 ? 8 : 0).
        let expression: [UInt8] = [0x77, 0x08, 0x80, 0x00, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22]
        var values = [UInt64](repeating: 0, count: 17)
        values[7] = 0x7000
        func evaluate(rip: UInt64) -> UInt64? {
            values[16] = rip
            let registers = UnwindRegisters(copying: values)
            return expression.withUnsafeBufferPointer {
                DwarfExpression.evaluate(address: UInt(bitPattern: $0.baseAddress), length: UInt32($0.count),
                                         registers: registers, initial: nil, image: nil)
            }
        }
        #expect(evaluate(rip: 0x1000_000b) == 0x7010)
        #expect(evaluate(rip: 0x1000_0005) == 0x7008)
    }

    @Test func expressionEdgeCases() {
        let registers = UnwindRegisters(copying: [UInt64](repeating: 3, count: 17))
        func run(_ bytes: [UInt8], initial: UInt64? = nil) -> UInt64? {
            bytes.withUnsafeBufferPointer {
                DwarfExpression.evaluate(address: UInt(bitPattern: $0.baseAddress), length: UInt32($0.count),
                                         registers: registers, initial: initial, image: nil)
            }
        }
        #expect(run([0x23, 0x10], initial: 0x100) == 0x110)  // DW_OP_plus_uconst on the pushed CFA
        #expect(run([0x31, 0x32, 0x1c]) == UInt64.max)  // 1 - 2
        #expect(run([0x35, 0x32, 0x1b]) == 2)  // 5 / 2
        #expect(run([0x35, 0x30, 0x1b]) == nil)  // division by zero
        #expect(run([0x31, 0x28, 0x01, 0x00, 0x3f, 0x3e]) == 14)  // bra skips lit15
        #expect(run([0x2f, 0xfd, 0xff]) == nil)  // DW_OP_skip -3: an endless loop, stopped by the step bound
        #expect(run([0x22]) == nil)  // stack underflow
        #expect(run([UInt8](repeating: 0x30, count: 17)) == nil)  // stack overflow
        #expect(run([0x06], initial: 0x10) == nil)  // guarded dereference of an unmapped address
        #expect(run([0xe0]) == nil)  // unknown operation
        #expect(run([0x10, 0x80, 0x80]) == nil)  // truncated ULEB128
    }

    @Test func rejectsMalformedPrograms() throws {
        let frame = HandBuiltEhFrame()
        let fde = try #require(frame.find(frame.pcBegin))
        func row(_ program: [UInt8]) -> UnwindRow? {
            program.withUnsafeBufferPointer { buffer -> UnwindRow? in
                var patched = fde
                patched.instructionsStart = UInt(bitPattern: buffer.baseAddress)
                patched.instructionsEnd = patched.instructionsStart + UInt(buffer.count)
                return CFAProgram.row(for: frame.pcBegin + 100, fde: patched, image: nil)
            }
        }
        #expect(row([0x0e, 0x20]) != nil)
        #expect(row([UInt8](repeating: 0x0a, count: 9)) == nil)  // remember_state beyond the bounded stack
        #expect(row([0x0b]) == nil)  // restore_state with nothing remembered
        #expect(row([0x3f]) == nil)  // unknown opcode
        #expect(row([0x0c, 0x40, 0x08]) == nil)  // CFA in a register the unwinder does not track
        #expect(row([0x0f, 0x7f]) == nil)  // expression block longer than the program
    }

    @Test func corruptEhFrameBytesEndCleanly() {
        let frame = HandBuiltEhFrame()
        let original = Array(frame.storage[0..<frame.size])
        var generator = SplitMix64(seed: 0x5eed)
        var parsed = 0
        for iteration in 0..<3000 {
            frame.storage.copyBytes(from: original)
            let mutations = 1 + Int(generator.next() % 4)
            for _ in 0..<mutations {
                let index = Int(generator.next() % UInt64(frame.size))
                frame.storage[index] = UInt8(truncatingIfNeeded: generator.next())
            }
            if iteration % 10 == 0 {
                for index in 0..<frame.size { frame.storage[index] = UInt8(truncatingIfNeeded: generator.next()) }
            }
            let pc = frame.pcBegin + UInt(generator.next() % 40)
            if let fde = frame.find(pc) {
                #expect(pc >= fde.pcBegin && pc < fde.pcEnd)
                if CFAProgram.row(for: pc, fde: fde, image: nil) != nil { parsed += 1 }
            }
        }
        // Most single-byte corruptions leave a usable entry; the point is that none hangs or crashes.
        #expect(parsed > 100)
    }
}

/// A small deterministic generator for the fuzz-style tests.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
