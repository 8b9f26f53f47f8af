import Foundation
import MCP

/// The keywords that bound one value: numbers, string lengths and patterns, array and object
/// sizes. Malformed bounds (a string where a number belongs) are not checked.
enum SchemaBounds {
    static func number(_ value: Value, _ keywords: [String: Value], at path: String) -> [SchemaProblem] {
        guard let number = SchemaValues.number(value) else { return [] }
        var problems: [SchemaProblem] = []
        let shown = SchemaValues.json(value)
        func bound(_ name: String) -> (limit: Double, text: String)? {
            SchemaValues.number(keywords[name]).map { ($0, SchemaValues.json(keywords[name]!)) }
        }
        // Draft 4 says `exclusiveMinimum: true` beside `minimum`; later drafts give the bound itself.
        let exclusiveLow = keywords["exclusiveMinimum"] == .bool(true), exclusiveHigh = keywords["exclusiveMaximum"] == .bool(true)
        if let (limit, text) = bound("minimum") {
            if exclusiveLow ? number <= limit : number < limit {
                problems.append(SchemaProblem(path: path, message: "must be \(exclusiveLow ? "greater than" : "at least") \(text), not \(shown)"))
            }
        }
        if let (limit, text) = bound("exclusiveMinimum"), number <= limit {
            problems.append(SchemaProblem(path: path, message: "must be greater than \(text), not \(shown)"))
        }
        if let (limit, text) = bound("maximum") {
            if exclusiveHigh ? number >= limit : number > limit {
                problems.append(SchemaProblem(path: path, message: "must be \(exclusiveHigh ? "less than" : "at most") \(text), not \(shown)"))
            }
        }
        if let (limit, text) = bound("exclusiveMaximum"), number >= limit {
            problems.append(SchemaProblem(path: path, message: "must be less than \(text), not \(shown)"))
        }
        if let (step, text) = bound("multipleOf"), step > 0 {
            let quotient = number / step
            if abs(quotient - quotient.rounded()) > 1e-9 * max(1, abs(quotient)) {
                problems.append(SchemaProblem(path: path, message: "must be a multiple of \(text), not \(shown)"))
            }
        }
        return problems
    }

    /// Lengths count Unicode code points, as JSON Schema says.
    static func string(_ text: String, _ keywords: [String: Value], at path: String) -> [SchemaProblem] {
        var problems: [SchemaProblem] = []
        let length = text.unicodeScalars.count
        if let minimum = SchemaValues.number(keywords["minLength"]), Double(length) < minimum {
            problems.append(SchemaProblem(path: path, message: "must be at least \(whole(minimum)) characters long, not \(length)"))
        }
        if let maximum = SchemaValues.number(keywords["maxLength"]), Double(length) > maximum {
            problems.append(SchemaProblem(path: path, message: "must be at most \(whole(maximum)) characters long, not \(length)"))
        }
        if case .string(let pattern)? = keywords["pattern"], let regex = SchemaValues.regex(pattern), !SchemaValues.matches(regex, text) {
            problems.append(SchemaProblem(path: path, message: "must match the pattern \(pattern)"))
        }
        return problems
    }

    /// The largest array whose items are checked for repeats (`uniqueItems` is quadratic).
    static let uniqueItemsLimit = 2_000

    static func array(_ items: [Value], _ keywords: [String: Value], at path: String) -> [SchemaProblem] {
        var problems: [SchemaProblem] = []
        if let minimum = SchemaValues.number(keywords["minItems"]), Double(items.count) < minimum {
            problems.append(SchemaProblem(path: path, message: "must have at least \(count(minimum, "item")), not \(items.count)"))
        }
        if let maximum = SchemaValues.number(keywords["maxItems"]), Double(items.count) > maximum {
            problems.append(SchemaProblem(path: path, message: "must have at most \(count(maximum, "item")), not \(items.count)"))
        }
        // Pairwise, so only up to a bound: a huge array must not pin a core (past it, no check).
        if keywords["uniqueItems"] == .bool(true), items.count <= Self.uniqueItemsLimit {
            outer: for (i, item) in items.enumerated() {
                for j in (i + 1)..<max(i + 1, items.count) where SchemaValues.equal(item, items[j]) {
                    problems.append(SchemaProblem(path: path, message: "must not repeat items (items \(i) and \(j) are equal)"))
                    break outer
                }
            }
        }
        return problems
    }

    static func object(_ members: [String: Value], _ keywords: [String: Value], at path: String) -> [SchemaProblem] {
        var problems: [SchemaProblem] = []
        if let minimum = SchemaValues.number(keywords["minProperties"]), Double(members.count) < minimum {
            problems.append(SchemaProblem(path: path, message: "must have at least \(count(minimum, "field")), not \(members.count)"))
        }
        if let maximum = SchemaValues.number(keywords["maxProperties"]), Double(members.count) > maximum {
            problems.append(SchemaProblem(path: path, message: "must have at most \(count(maximum, "field")), not \(members.count)"))
        }
        return problems
    }

    static func count(_ number: Double, _ noun: String) -> String {
        "\(whole(number)) \(noun)\(number == 1 ? "" : "s")"
    }

    /// A bound as written: `3`, not `3.0`; never a trap on a huge value.
    static func whole(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }
}
