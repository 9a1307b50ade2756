// Garbage registers, fake stacks and unmapped memory: the walk must end cleanly, never fault or hang.

import CFaultHandlerSupport
import Glibc
import Testing

@testable import FaultCore

@Suite struct UnwindHostileInputTests {
    init() { ImageTable.prepare() }

    /// Unwinds from `values` (17 registers) into a 64-frame buffer.
    func unwind(_ values: [UInt64]) -> (UnwindResult, [StackFrame]) {
        let buffer = UnsafeMutableBufferPointer<StackFrame>.allocate(capacity: 64)
        defer { buffer.deallocate() }
        let result = values.withUnsafeBufferPointer { Unwinder.unwind(registers: $0.baseAddress!, into: buffer) }
        return (result, Array(buffer[0..<result.count]))
    }

    @Test func readMemoryOfUnmappedAddressesFails() {
        let page = mmap(nil, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
        page.storeBytes(of: 0x1122_3344_5566_7788 as UInt64, as: UInt64.self)
        let address = UInt(bitPattern: page)
        var value: UInt64 = 0
        #expect(SafeLibc.readMemory(&value, from: address, count: 8))
        #expect(value == 0x1122_3344_5566_7788)
        // Through the write-to-pipe probe used when process_vm_readv is denied.
        SafeLibc.prepareMemoryProbe()
        value = 0
        #expect(SafeLibc.readMemoryThroughPipe(&value, from: page, count: 8))
        #expect(value == 0x1122_3344_5566_7788)
        // A range that runs into an unmapped page fails as a whole.
        munmap(page + 4096, 4096)
        var wide = [UInt8](repeating: 0, count: 16)
        #expect(!SafeLibc.readMemory(&wide, from: address + 4088, count: 16))
        #expect(!SafeLibc.readMemoryThroughPipe(&wide, from: page + 4088, count: 16))
        munmap(page, 4096)
        #expect(!SafeLibc.readMemory(&value, from: address, count: 8))
        #expect(!SafeLibc.readMemoryThroughPipe(&value, from: page, count: 8))
        #expect(!SafeLibc.readMemory(&value, from: 0x10, count: 8))
        #expect(!SafeLibc.readMemory(&value, from: UInt.max - 3, count: 8))
    }

    @Test func garbageRegistersEndCleanly() {
        var registers = [UInt64](repeating: 0xdead_beef, count: 17)
        registers[7] = 0x10  // rsp
        registers[6] = 0x20  // rbp
        registers[16] = 0  // rip
        let (result, frames) = unwind(registers)
        #expect(result.count >= 1)
        #expect(frames[0].pc == 0)
        #expect(result.stopReason != .bufferFull)

        // Real code address, unreadable stack: the CFI step's reads fail.
        var capture = [UInt64](repeating: 0, count: 17)
        cfh_capture_registers(&capture)
        var broken = capture
        broken[7] = 0x1000
        broken[6] = 0x2000
        let (brokenResult, brokenFrames) = unwind(broken)
        #expect(brokenResult.count >= 1)
        #expect(brokenFrames[0].pc == UInt(capture[16]))
        #expect(brokenResult.stopReason == .invalidRead || brokenResult.stopReason == .noUnwindInfo)
    }

    @Test func randomRegisterFilesEndCleanly() {
        var capture = [UInt64](repeating: 0, count: 17)
        cfh_capture_registers(&capture)
        let codeAddress = capture[16]
        let stackAddress = capture[7]
        var generator = SplitMix64(seed: 42)
        for _ in 0..<2000 {
            var registers = (0..<17).map { _ in generator.next() }
            // Mix in plausible values so that the walk gets past the first checks.
            switch generator.next() % 4 {
            case 0: registers[16] = codeAddress &+ generator.next() % 64
            case 1: registers[7] = stackAddress &- generator.next() % 256
            case 2:
                registers[16] = codeAddress
                registers[7] = stackAddress &+ (generator.next() % 64) * 8
                registers[6] = stackAddress &+ (generator.next() % 64) * 8
            default: break
            }
            let (result, _) = unwind(registers)
            #expect(result.count >= 1 && result.count <= 64)
        }
    }

    @Test func nullFunctionCallUsesTheReturnAddressAtTheStackPointer() throws {
        var capture = [UInt64](repeating: 0, count: 17)
        cfh_capture_registers(&capture)
        // The state right after `call *%rax` with rax = 0: rip 0, the return address on top of the stack.
        var stack = [UInt64](repeating: 0, count: 8)
        stack[0] = capture[16]
        try stack.withUnsafeMutableBufferPointer { slots in
            var registers = capture
            registers[16] = 0
            registers[7] = UInt64(UInt(bitPattern: slots.baseAddress))
            registers[6] = 0
            let (result, frames) = unwind(registers)
            try #require(result.count >= 2)
            #expect(frames[0].pc == 0)
            #expect(frames[1].pc == UInt(capture[16]))
            #expect(frames[1].flags.contains(.viaFramePointer))
            #expect(frames[1].flags.contains(.returnAddress))
        }
    }

    @Test func framePointerChainThroughCodeWithoutUnwindInfo() throws {
        // Executable memory in no image (like JIT code): only the rbp chain can walk it.
        let code = mmap(nil, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
        defer { munmap(code, 4096) }
        let returnA = UInt64(UInt(bitPattern: code)) + 0x10
        let returnB = UInt64(UInt(bitPattern: code)) + 0x20
        var stack = [UInt64](repeating: 0, count: 16)
        try stack.withUnsafeMutableBufferPointer { slots in
            let base = UInt64(UInt(bitPattern: slots.baseAddress))
            // frame at slot 2: [saved rbp -> slot 6, return A]; frame at slot 6: [saved rbp 0, return B].
            slots[2] = base + 6 * 8
            slots[3] = returnA
            slots[6] = 0
            slots[7] = returnB
            var registers = [UInt64](repeating: 0, count: 17)
            registers[16] = UInt64(UInt(bitPattern: code))  // in no image
            registers[7] = base  // [rsp] = 0: not a return address
            registers[6] = base + 2 * 8
            let (result, frames) = unwind(registers)
            try #require(result.count == 3)
            #expect(frames.map { UInt64($0.pc) } == [UInt64(UInt(bitPattern: code)), returnA, returnB])
            #expect(frames[1].flags.contains(.viaFramePointer))
            #expect(frames[2].flags.contains(.viaFramePointer))
            #expect(result.stopReason == .noUnwindInfo)
        }
    }

    @Test func framePointerLoopIsStopped() throws {
        let code = mmap(nil, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
        defer { munmap(code, 4096) }
        var stack = [UInt64](repeating: 0, count: 8)
        try stack.withUnsafeMutableBufferPointer { slots in
            let base = UInt64(UInt(bitPattern: slots.baseAddress))
            slots[2] = base + 2 * 8  // rbp points at itself
            slots[3] = UInt64(UInt(bitPattern: code)) + 4
            var registers = [UInt64](repeating: 0, count: 17)
            registers[16] = UInt64(UInt(bitPattern: code))
            registers[7] = base
            registers[6] = base + 2 * 8
            let (result, _) = unwind(registers)
            try #require(result.count >= 2)
            #expect(result.count < 64)
            #expect(result.stopReason == .noProgress || result.stopReason == .noUnwindInfo)
        }
    }
}
