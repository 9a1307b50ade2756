// Faults whose stacks cannot be trusted: the walk must end cleanly, print what it can, and the process must
// die by the original signal, quickly.

import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Hostile stacks")
struct HostileStackTests {
    /// Checks that hold for every hostile crash: killed by SIGSEGV, in time, with a dump of at most 101 frame
    /// lines (100 and `  ...`).
    func expectCleanDeath(_ result: ChildResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.timedOut, "\(result)", sourceLocation: sourceLocation)
        #expect(result.signal == SIGSEGV, "\(result)", sourceLocation: sourceLocation)
        #expect(result.seconds < 5, "\(result)", sourceLocation: sourceLocation)
        #expect(result.standardError.contains("(most recent call first):"), "\(result)", sourceLocation: sourceLocation)
        #expect((1...101).contains(result.frames.count), "\(result)", sourceLocation: sourceLocation)
    }

    @Test("saved frame pointer and return address overwritten: the garbage return address is the last frame")
    func clobberedFrame() throws {
        let result = try Fixture.reliability(["clobbered-frame"])
        expectCleanDeath(result)
        #expect(result.frames.first?.text.contains("in reliability_fault_with_clobbered_frame") == true, "\(result)")
        #expect(result.frames.last?.text == "  File ??? at 0x0000000041414141", "\(result)")
    }

    @Test("a frame whose caller is itself: the walk stops instead of looping")
    func frameCycle() throws {
        let result = try Fixture.reliability(["frame-cycle"])
        expectCleanDeath(result)
        #expect(result.frames.first?.text.contains("in reliability_fault_in_frame_cycle") == true, "\(result)")
        #expect(result.frames.count < 10, "\(result)")
    }

    @Test("rsp and rbp set to garbage in code without unwind info: delivered on the alternate stack, one frame")
    func garbageStackPointer() throws {
        let result = try Fixture.reliability(["garbage-sp"])
        expectCleanDeath(result)
        #expect(result.frames.first?.text.contains("reliability_fault_with_garbage_stack_pointer") == true, "\(result)")
    }

    @Test("a call to an unmapped address: the pc lies in no image, the callers are still found")
    func unmappedPC() throws {
        let result = try Fixture.reliability(["call-unmapped"])
        expectCleanDeath(result)
        #expect(result.frames.first?.text == "  File ??? at 0x0000000041414141", "\(result)")
        #expect(result.framesContainInOrder(["reliability_call_address", "reliabilityLevel3(", "reliabilityLevel2(", "reliabilityLevel1("]), "\(result)")
    }

    @Test("a call to a non-canonical address: general protection fault at the call")
    func nonCanonicalPC() throws {
        let result = try Fixture.reliability(["call-noncanonical"])
        expectCleanDeath(result)
        #expect(result.standardError.contains("(bad memory access: general protection fault at pc 0x"), "\(result)")
        #expect(result.framesContainInOrder(["reliability_call_address", "reliabilityLevel3(", "reliabilityLevel1("]), "\(result)")
    }

    @Test("executing the stack: the pc lies in a non-executable mapping, the callers are still found")
    func executeStack() throws {
        let result = try Fixture.reliability(["execute-stack"])
        expectCleanDeath(result)
        #expect(result.frames.first?.text.hasPrefix("  File ??? at 0x") == true, "\(result)")
        #expect(result.framesContainInOrder(["reliability_execute_stack", "reliabilityLevel3(", "reliabilityLevel1("]), "\(result)")
        #expect(result.standardError.contains(", invalid permissions)"), "\(result)")
    }

    @Test("2 KiB of the callers' stack overwritten with plausible addresses: the walk ends in garbage, cleanly")
    func smashedStack() throws {
        let result = try Fixture.reliability(["smashed-stack"])
        expectCleanDeath(result)
        #expect(result.frames.first?.text.contains("in reliability_fault_with_smashed_stack") == true, "\(result)")
    }
}
