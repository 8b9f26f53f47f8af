import Foundation
import MCP

/// The keyword checks behind `ToolInputValidator`: one schema against one value, recursively,
/// collecting every problem with its path. Lenient by design: whatever it does not understand
/// passes.
struct SchemaEvaluator {
    /// The document `$ref`s resolve against.
    let root: Value
    /// `$ref`s being followed, each with the path it was entered at: the same pair again is a
    /// cycle that consumes no data, and passes.
    private var following: Set<String> = []
    private var depth = 0
    /// Beyond this nesting of `$ref`s and combinators, a schema passes unchecked.
    static let maxDepth = 64
    /// Schema checks left for one validation: a schema whose `$ref`s fan out (each branch
    /// referring twice to the next) would otherwise take exponential time on every call; past the
    /// budget what is left passes unchecked.
    private var budget = Self.maxChecks
    static let maxChecks = 100_000

    init(root: Value) {
        self.root = root
    }

    /// One step into the arguments.
    enum Step: Sendable {
        case key(String)
        case index(Int)
    }

    static func render(_ path: [Step]) -> String {
        var text = ""
        for step in path {
            switch step {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    mutating func check(_ value: Value, against schema: Value, at path: [Step]) -> [SchemaProblem] {
        let keywords: [String: Value]
        switch schema {
        case .bool(false): return [SchemaProblem(path: Self.render(path), message: "is not allowed here")]
        case .object(let object): keywords = object
        default: return []
        }
        guard depth < Self.maxDepth, budget > 0 else { return [] }
        budget -= 1
        depth += 1
        defer { depth -= 1 }
        if value == .null, keywords["nullable"] == .bool(true) { return [] }

        var problems: [SchemaProblem] = []
        if case .string(let reference)? = keywords["$ref"], let target = SchemaReference.resolve(reference, in: root) {
            let key = reference + "\u{0}" + Self.render(path)
            if following.insert(key).inserted {
                problems += check(value, against: target, at: path)
                following.remove(key)
            }
        }
        if let types = Self.types(keywords["type"]), types.allSatisfy(SchemaValues.knownTypes.contains),
           !types.contains(where: { SchemaValues.value(value, is: $0) }) {
            // Other keywords about a value of the wrong type only add noise.
            return problems + [SchemaValues.typeProblem(expected: types, value: value, at: Self.render(path))]
        }
        if case .array(let options)? = keywords["enum"], !options.contains(where: { SchemaValues.equal($0, value) }) {
            let list = options.map(SchemaValues.json).joined(separator: ", ")
            problems.append(SchemaProblem(
                path: Self.render(path), message: options.count == 1 ? "must be \(list)" : "must be one of \(list)",
                allowedValues: options))
        }
        if let constant = keywords["const"], !SchemaValues.equal(constant, value) {
            problems.append(SchemaProblem(path: Self.render(path), message: "must be \(SchemaValues.json(constant))", allowedValues: [constant]))
        }
        switch value {
        case .int, .double: problems += SchemaBounds.number(value, keywords, at: Self.render(path))
        case .string(let text): problems += SchemaBounds.string(text, keywords, at: Self.render(path))
        case .array(let items): problems += checkArray(items, keywords, at: path)
        case .object(let members): problems += checkObject(members, keywords, at: path)
        default: break
        }
        for branch in keywords["allOf"]?.arrayValue ?? [] {
            problems += check(value, against: branch, at: path)
        }
        for combinator in ["anyOf", "oneOf"] {
            if let branches = keywords[combinator]?.arrayValue, !branches.isEmpty {
                problems += checkAny(value, branches, at: path)
            }
        }
        return problems
    }

    /// The `type` keyword as a list; nil when absent or not a string or list of strings.
    static func types(_ keyword: Value?) -> [String]? {
        switch keyword {
        case .string(let type)?: return [type]
        case .array(let list)?:
            let names = list.compactMap(\.stringValue)
            return names.count == list.count && !names.isEmpty ? names : nil
        default: return nil
        }
    }

    // MARK: - Arrays and objects

    mutating func checkArray(_ items: [Value], _ keywords: [String: Value], at path: [Step]) -> [SchemaProblem] {
        var problems = SchemaBounds.array(items, keywords, at: Self.render(path))
        // 2020-12: prefixItems then items; before: items as a list, then additionalItems.
        let tuple: [Value], rest: Value?
        if let prefix = keywords["prefixItems"]?.arrayValue {
            (tuple, rest) = (prefix, keywords["items"])
        } else if let list = keywords["items"]?.arrayValue {
            (tuple, rest) = (list, keywords["additionalItems"])
        } else {
            (tuple, rest) = ([], keywords["items"])
        }
        for (index, item) in items.enumerated() {
            let itemSchema = index < tuple.count ? tuple[index] : rest
            if let itemSchema { problems += check(item, against: itemSchema, at: path + [.index(index)]) }
        }
        return problems
    }

    mutating func checkObject(_ members: [String: Value], _ keywords: [String: Value], at path: [Step]) -> [SchemaProblem] {
        var problems = SchemaBounds.object(members, keywords, at: Self.render(path))
        for name in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
            problems.append(SchemaProblem(path: Self.render(path + [.key(name)]), message: "is required"))
        }
        if case .object(let dependencies)? = keywords["dependentRequired"] ?? keywords["dependencies"] {
            for (trigger, needed) in dependencies.sorted(by: { $0.key < $1.key }) where members[trigger] != nil {
                for name in needed.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                    problems.append(SchemaProblem(path: Self.render(path + [.key(name)]), message: "is required when '\(trigger)' is given"))
                }
            }
        }
        let properties = keywords["properties"]?.objectValue ?? [:]
        let patterns = (keywords["patternProperties"]?.objectValue ?? [:]).compactMap { pattern, schema in
            SchemaValues.regex(pattern).map { ($0, schema) }
        }
        let additional = keywords["additionalProperties"]
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            let here = path + [.key(name)]
            var described = false
            if let schema = properties[name] {
                problems += check(member, against: schema, at: here)
                described = true
            }
            for (regex, schema) in patterns where SchemaValues.matches(regex, name) {
                problems += check(member, against: schema, at: here)
                described = true
            }
            guard !described, let additional else { continue }
            if additional == .bool(false) {
                let known = properties.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
                problems.append(SchemaProblem(
                    path: Self.render(here),
                    message: known.isEmpty ? "is not allowed: this object takes no fields" : "is not allowed (the fields are \(known))"))
            } else {
                problems += check(member, against: additional, at: here)
            }
        }
        return problems
    }

    // MARK: - anyOf / oneOf

    /// Nothing when any branch passes; else the problem that best says what was expected: the
    /// types (or values) of every branch merged when each failed on that alone, or the problems
    /// of the closest branch (one whose type fit).
    mutating func checkAny(_ value: Value, _ branches: [Value], at path: [Step]) -> [SchemaProblem] {
        var results: [[SchemaProblem]] = []
        for branch in branches {
            let found = check(value, against: branch, at: path)
            if found.isEmpty { return [] }
            results.append(found)
        }
        let here = Self.render(path)
        let single = results.compactMap { $0.count == 1 && $0[0].path == here ? $0[0] : nil }
        if single.count == results.count {
            if single.allSatisfy({ $0.expectedTypes != nil }) {
                var types: [String] = []
                for type in single.flatMap({ $0.expectedTypes ?? [] }) where !types.contains(type) { types.append(type) }
                return [SchemaValues.typeProblem(expected: types, value: value, at: here)]
            }
            if single.allSatisfy({ $0.allowedValues != nil }) {
                let values = single.flatMap { $0.allowedValues ?? [] }
                let list = values.map(SchemaValues.json).joined(separator: ", ")
                return [SchemaProblem(path: here, message: values.count == 1 ? "must be \(list)" : "must be one of \(list)", allowedValues: values)]
            }
        }
        let fitting = results.filter { !$0.contains { $0.path == here && $0.expectedTypes != nil } }
        return fitting.min { $0.count < $1.count } ?? results[0]
    }
}
