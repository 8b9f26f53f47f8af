import Foundation
import MCP

/// Compares a tool call's arguments (or a JSON answer) with what a test expects: plain values
/// deep-equal (1 equals 1.0), and matcher objects — `{$regex: "(?i)paris"}`, `{$type: string}`,
/// `{$any: true}`, `{$oneOf: [a, b]}`, `{$gt: 0}` (and `$gte`, `$lt`, `$lte`), `{$contains: x}`
/// (substring, or an element that matches x). A pure value; every miss names its path.
public struct ValueMatcher: Sendable {
    public static let operators: Set<String> = ["$regex", "$type", "$any", "$oneOf", "$gt", "$gte", "$lt", "$lte", "$contains"]

    /// `partial`: objects need only the expected members (at every depth); `exact`: the same members.
    public var exact: Bool

    public init(exact: Bool = false) {
        self.exact = exact
    }

    /// Each way `actual` misses `expected`: `city: "Lyon" does not match /(?i)paris/`.
    public func mismatches(_ expected: Value, _ actual: Value?, at path: String = "") -> [String] {
        let label = path.isEmpty ? "the value" : path
        if case .object(let object) = expected, let (op, operand) = Self.matcher(object) {
            return check(op, operand, actual, label: label)
        }
        guard let actual else { return ["\(label) is missing"] }
        switch (expected, actual) {
        case (.object(let want), .object(let have)):
            var found: [String] = []
            for key in want.keys.sorted() {
                found += mismatches(want[key]!, have[key], at: path.isEmpty ? key : "\(path).\(key)")
            }
            if exact {
                for key in have.keys.sorted() where want[key] == nil {
                    found.append("\(path.isEmpty ? key : "\(path).\(key)") is not expected (exact mode)")
                }
            }
            return found
        case (.array(let want), .array(let have)):
            guard want.count == have.count else {
                return ["\(label) has \(have.count) items, not \(want.count): \(ValueText.short(ValueText.compact(actual)))"]
            }
            return zip(want, have).enumerated().flatMap { index, pair in mismatches(pair.0, pair.1, at: "\(path)[\(index)]") }
        default:
            return Self.equal(expected, actual) ? [] : ["\(label) is \(ValueText.short(ValueText.compact(actual))), not \(ValueText.short(ValueText.compact(expected)))"]
        }
    }

    /// The operator of a one-member object whose key is a known `$` operator.
    static func matcher(_ object: [String: Value]) -> (String, Value)? {
        guard object.count == 1, let (key, value) = object.first, operators.contains(key) else { return nil }
        return (key, value)
    }

    private func check(_ op: String, _ operand: Value, _ actual: Value?, label: String) -> [String] {
        if op == "$any" {
            return actual == nil && operand != .bool(false) ? ["\(label) is missing"] : []
        }
        guard let actual else { return ["\(label) is missing"] }
        let shown = ValueText.short(ValueText.compact(actual))
        switch op {
        case "$regex":
            guard case .string(let pattern) = operand, let regex = try? NSRegularExpression(pattern: pattern) else {
                return ["\(label): $regex needs a valid regular expression"]
            }
            guard case .string(let text) = actual else { return ["\(label) is \(shown), not a string matching /\(pattern)/"] }
            let found = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
            return found ? [] : ["\(label) is \(shown), which does not match /\(pattern)/"]
        case "$type":
            guard case .string(let type) = operand else { return ["\(label): $type needs a type name"] }
            return Self.type(of: actual, is: type) ? [] : ["\(label) is \(shown), not of type \(type)"]
        case "$oneOf":
            guard case .array(let choices) = operand else { return ["\(label): $oneOf needs a list"] }
            return choices.contains { mismatches($0, actual, at: label).isEmpty } ? [] : ["\(label) is \(shown), none of \(ValueText.short(ValueText.compact(operand)))"]
        case "$gt", "$gte", "$lt", "$lte":
            guard let bound = Self.number(operand) else { return ["\(label): \(op) needs a number"] }
            guard let value = Self.number(actual) else { return ["\(label) is \(shown), not a number"] }
            let ok = switch op {
            case "$gt": value > bound
            case "$gte": value >= bound
            case "$lt": value < bound
            default: value <= bound
            }
            return ok ? [] : ["\(label) is \(shown), not \(op.dropFirst()) \(ValueText.compact(operand))"]
        case "$contains":
            switch (actual, operand) {
            case (.string(let text), .string(let part)):
                return text.contains(part) ? [] : ["\(label) is \(shown), which does not contain \"\(part)\""]
            case (.array(let items), _):
                return items.contains { mismatches(operand, $0, at: label).isEmpty } ? [] : ["\(label) is \(shown), with no item matching \(ValueText.short(ValueText.compact(operand)))"]
            default:
                return ["\(label) is \(shown), neither a string nor a list to look in"]
            }
        default:
            return []
        }
    }

    static func number(_ value: Value) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .double(let number): number
        default: nil
        }
    }

    static func equal(_ lhs: Value, _ rhs: Value) -> Bool {
        if let a = number(lhs), let b = number(rhs) { return a == b }
        return lhs == rhs
    }

    static func type(of value: Value, is type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("array", .array), ("object", .object), ("null", .null): true
        case ("number", .int), ("number", .double), ("integer", .int): true
        case ("integer", .double(let number)): number.rounded() == number
        default: false
        }
    }
}
