// Punycode (RFC 3492 with Swift's digit alphabet `a-z A-J` and `_` as delimiter) for non-ASCII identifiers.

extension Parser {
    /// Decodes `count` punycode bytes of the input at `start` and appends the UTF-8 result to the text pool.
    /// Code points are collected in the scratch area above `scratchTop`.
    ///
    /// - Signal safety: safe. Bounded by `count` and the scratch capacity; overflow-checked arithmetic.
    @_noAllocation @_noLocks
    mutating func decodePunycode(from start: Int, count: Int) -> Bool {
        let base = 36, tmin = 1, tmax = 26
        let limit = Int(Int32.max)
        let out = scratchTop
        var outCount = 0
        let capacity = ws.scratchCapacity - out
        var n = 128
        var i = 0
        var bias = 72
        var cursor = start
        let end = start + count
        var delimiter = -1
        var j = end - 1
        while j >= start {
            if input[j] == UInt8(ascii: "_") {
                delimiter = j
                break
            }
            j -= 1
        }
        if delimiter >= 0 {
            while cursor < delimiter {
                let c = input[cursor]
                guard c < 0x80, outCount < capacity else { return false }
                ws.scratch[out + outCount] = Int32(c)
                outCount += 1
                cursor += 1
            }
            cursor = delimiter + 1
        }
        while cursor < end {
            let oldi = i
            var w = 1
            var k = base
            while true {
                guard cursor < end else { return false }
                let digit = punycodeDigit(input[cursor])
                cursor += 1
                guard digit >= 0 else { return false }
                if digit > (limit - i) / w { return false }
                i += digit * w
                let t = k <= bias ? tmin : (k >= bias + tmax ? tmax : k - bias)
                if digit < t { break }
                if w > limit / (base - t) { return false }
                w *= base - t
                k += base
            }
            bias = punycodeAdapt(i - oldi, outCount + 1, oldi == 0)
            if i / (outCount + 1) > limit - n { return false }
            n += i / (outCount + 1)
            i %= outCount + 1
            guard n >= 0x80, outCount < capacity else { return false }
            var m = outCount
            while m > i {
                ws.scratch[out + m] = ws.scratch[out + m - 1]
                m -= 1
            }
            ws.scratch[out + i] = Int32(n)
            outCount += 1
            i += 1
        }
        var p = 0
        while p < outCount {
            guard appendUTF8(Int(ws.scratch[out + p])) else { return false }
            p += 1
        }
        return !failed
    }

    /// Appends one code point as UTF-8; false for surrogates and out-of-range values.
    ///
    /// - Signal safety: safe. Bounded writes.
    @_noAllocation @_noLocks
    mutating func appendUTF8(_ c: Int) -> Bool {
        if c < 0x80 {
            appendByte(UInt8(c))
        } else if c < 0x800 {
            appendByte(UInt8(0xC0 | (c >> 6)))
            appendByte(UInt8(0x80 | (c & 0x3F)))
        } else if c < 0x10000 {
            if c >= 0xD800 && c < 0xE000 { return false }
            appendByte(UInt8(0xE0 | (c >> 12)))
            appendByte(UInt8(0x80 | ((c >> 6) & 0x3F)))
            appendByte(UInt8(0x80 | (c & 0x3F)))
        } else if c <= 0x10FFFF {
            appendByte(UInt8(0xF0 | (c >> 18)))
            appendByte(UInt8(0x80 | ((c >> 12) & 0x3F)))
            appendByte(UInt8(0x80 | ((c >> 6) & 0x3F)))
            appendByte(UInt8(0x80 | (c & 0x3F)))
        } else {
            return false
        }
        return true
    }
}

/// The value of a punycode digit, or -1.
///
/// - Signal safety: safe. Pure computation.
@_noAllocation @_noLocks
@inline(__always)
func punycodeDigit(_ c: UInt8) -> Int {
    if c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") { return Int(c) - 97 }
    if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "J") { return Int(c) - 65 + 26 }
    return -1
}

/// Bias adaptation (RFC 3492 section 6.1).
///
/// - Signal safety: safe. Pure computation; the loop divides `delta` each step.
@_noAllocation @_noLocks
func punycodeAdapt(_ deltaIn: Int, _ numPoints: Int, _ firstTime: Bool) -> Int {
    var delta = firstTime ? deltaIn / 700 : deltaIn / 2
    delta += delta / numPoints
    var k = 0
    while delta > ((36 - 1) * 26) / 2 {
        delta /= 36 - 1
        k += 36
    }
    return k + ((36 - 1 + 1) * delta) / (delta + 38)
}
