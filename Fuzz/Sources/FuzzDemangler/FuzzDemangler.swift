// libFuzzer target for the Swift demangler (FaultDemangling).
//
// Each input is a symbol. Checked on every input, besides "no crash, no hang":
// - the result fits its buffer, and a truncated result ends in "...";
// - demangling into a small buffer gives a prefix of the demangling into a large one;
// - with a stack limit, the result is the unlimited one or `.notDemangled` (never a different text).

@testable import FaultDemangling

/// Reused across inputs (the workspace is created once, like the handler's).
nonisolated(unsafe) let workspace = DemanglerWorkspace()
nonisolated(unsafe) let large = UnsafeMutableRawBufferPointer.allocate(byteCount: 16384, alignment: 16)
nonisolated(unsafe) let small = UnsafeMutableRawBufferPointer.allocate(byteCount: 48, alignment: 16)
nonisolated(unsafe) let limited = UnsafeMutableRawBufferPointer.allocate(byteCount: 16384, alignment: 16)

/// The bytes a result says were written.
func written(_ result: DemangleResult, _ buffer: UnsafeMutableRawBufferPointer) -> UnsafeRawBufferPointer? {
    switch result {
    case .demangled(let length), .truncated(let length):
        precondition(length > 0 && length <= buffer.count, "result length \(length) outside the buffer")
        return UnsafeRawBufferPointer(rebasing: buffer[0..<length])
    case .notDemangled:
        return nil
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDemangler(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let symbol = UnsafeRawBufferPointer(start: data, count: size)

    let full = SwiftDemangler.demangle(symbol, into: large, workspace: workspace)
    let fullText = written(full, large)

    let short = SwiftDemangler.demangle(symbol, into: small, workspace: workspace)
    if let shortText = written(short, small) {
        precondition(fullText != nil, "demangled only into the small buffer")
        if case .truncated = short {
            precondition(shortText.count >= 3 && shortText.suffix(3).elementsEqual("...".utf8), "no ... at the cut")
            let kept = shortText.count - 3
            precondition(shortText.prefix(kept).elementsEqual(fullText!.prefix(kept)), "truncation is not a prefix")
        } else {
            precondition(shortText.elementsEqual(fullText!), "small and large buffers disagree")
        }
    } else {
        precondition(fullText == nil, "not demangled into the small buffer only")
    }

    // A stack budget from 0 to 63 KiB below this frame, chosen by the input.
    var hash: UInt = 5381
    for byte in symbol { hash = hash &* 33 &+ UInt(byte) }
    let budget = (hash % 64) * 1024
    let limit = StackGuard.currentAddress() - budget
    let bounded = SwiftDemangler.demangle(symbol, into: limited, workspace: workspace, stackLimit: limit)
    if let boundedText = written(bounded, limited) {
        precondition(boundedText.elementsEqual(fullText ?? UnsafeRawBufferPointer(start: nil, count: 0)),
                     "a stack limit changed the text")
    }
    return 0
}
