import Foundation
import FuzzSupport
import JSONRPC
import MCP

// JSONValueParser against JSONDecoder: what it accepts, Foundation reads as the same value; what
// only Foundation accepts (its leniencies, nesting past maxDepth), once written out canonically,
// it accepts too: it never refuses plain JSON it should read.
fuzz { input in
    let data = Data(input)
    let ours = try? JSONValueParser.parse(data)
    // Foundation's scanner recurses per level: deep input overflows the stack under
    // AddressSanitizer's larger frames before its own limit. Past 128 levels only ours is run.
    guard nesting(input) <= 128 else { return }
    let theirs = try? JSONDecoder().decode(Value.self, from: data)
    if let ours {
        guard let theirs else { preconditionFailure("JSONValueParser accepted what JSONDecoder refuses") }
        precondition(same(ours, theirs), "the parsers read different values")
    } else if let theirs, let canonical = try? JSONEncoder().encode(theirs), depth(theirs) < JSONValueParser.maxDepth {
        guard let again = try? JSONValueParser.parse(canonical) else { preconditionFailure("JSONValueParser refused canonical JSON") }
        precondition(same(again, theirs), "the canonical form read differently")
    }
}

/// Equal, with numbers compared as numbers (`1` and `1.0` are one value to both readers' users).
/// Foundation reads some numbers with a fraction past 2^53 as an `Int`, dropping the fraction
/// (`134567890123456232.7` → `134567890123456232`), where JSONValueParser rounds to the nearest
/// double: the two then differ by at most one unit in the last place, which is Foundation's error.
func same(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y || abs(Double(x) - y) <= y.ulp
    case (.double(let x), .double(let y)): return x == y || (x.isNaN && y.isNaN)
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(same)
    case (.object(let x), .object(let y)): return x.count == y.count && x.allSatisfy { key, value in y[key].map { same(value, $0) } ?? false }
    default: return a == b
    }
}

func depth(_ value: Value) -> Int {
    switch value {
    case .array(let items): return 1 + (items.map(depth).max() ?? 0)
    case .object(let members): return 1 + (members.values.map(depth).max() ?? 0)
    default: return 0
    }
}

/// The deepest bracket nesting in the bytes, strings skipped.
func nesting(_ bytes: UnsafeRawBufferPointer) -> Int {
    var depth = 0, deepest = 0, inString = false, escaped = false
    for byte in bytes {
        if inString {
            if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            continue
        }
        switch byte {
        case UInt8(ascii: "\""): inString = true
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            depth += 1
            deepest = max(deepest, depth)
        case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
        default: break
        }
    }
    return deepest
}
