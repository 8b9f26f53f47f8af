import Foundation
import MCP
import MCPGateway

/// Checks the final answer's text; each miss is one line quoting what the answer said.
public enum AnswerChecker {
    public static func failures(_ checks: [AnswerCheck], answer: String) -> [String] {
        checks.compactMap { failure($0, answer: answer) }
    }

    static func failure(_ check: AnswerCheck, answer: String) -> String? {
        let quoted = "\"\(ValueText.short(answer))\""
        switch check {
        case .contains(let text):
            return answer.contains(text) ? nil : "answer does not contain \"\(text)\": \(quoted)"
        case .icontains(let text):
            return answer.range(of: text, options: .caseInsensitive) != nil ? nil : "answer does not contain \"\(text)\" (any case): \(quoted)"
        case .notContains(let text):
            return answer.contains(text) ? "answer contains \"\(text)\": \(quoted)" : nil
        case .regex(let pattern):
            guard let regex = try? NSRegularExpression(pattern: pattern) else { return "regex /\(pattern)/ is not a valid regular expression" }
            return regex.firstMatch(in: answer, range: NSRange(answer.startIndex..., in: answer)) != nil ? nil : "answer does not match /\(pattern)/: \(quoted)"
        case .equals(let text):
            return answer.trimmingCharacters(in: .whitespacesAndNewlines) == text.trimmingCharacters(in: .whitespacesAndNewlines)
                ? nil : "answer is \(quoted), not \"\(ValueText.short(text))\""
        case .isJSON:
            return json(answer) == nil ? "answer is not JSON: \(quoted)" : nil
        case .jsonSchema(let schema):
            guard let value = json(answer) else { return "answer is not JSON: \(quoted)" }
            // The validator checks objects of arguments: the answer is wrapped as one member.
            let wrapper: Value = .object(["type": "object", "properties": .object(["answer": schema]), "required": ["answer"]])
            let problems = ToolInputValidator(schema: wrapper).problems(in: ["answer": value])
            return problems.isEmpty ? nil : "answer does not match its schema: \(problems.map(\.description).joined(separator: "; "))"
        case .jsonPath(let path, let expected):
            guard let value = json(answer) else { return "answer is not JSON: \(quoted)" }
            guard let steps = JSONPath.parse(path) else { return "jsonPath '\(path)' is not a path like $.a.b[0]" }
            guard let found = JSONPath.lookup(steps, in: value) else { return "answer has nothing at \(path): \(quoted)" }
            guard let expected else { return nil }
            let misses = ValueMatcher().mismatches(expected, found, at: path)
            return misses.isEmpty ? nil : misses.joined(separator: "; ")
        case .judge:
            // Asks a model: the runner grades it (``JudgeCheck``), after the turn.
            return nil
        }
    }

    /// The answer as JSON, also when the model fenced it in ```json … ```.
    static func json(_ answer: String) -> Value? {
        var text = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("```") {
            text = String(text.drop { $0 != "\n" }.dropFirst())
            if text.hasSuffix("```") { text = String(text.dropLast(3)) }
        }
        return ValueText.parse(text)
    }
}

/// The JSONPath subset answer checks need: `$`, `.name`, `['name']`, `[index]` (negative from the end).
enum JSONPath {
    enum Step: Equatable {
        case key(String)
        case index(Int)
    }

    static func parse(_ path: String) -> [Step]? {
        var rest = Substring(path)
        guard rest.hasPrefix("$") else { return nil }
        rest = rest.dropFirst()
        var steps: [Step] = []
        while let first = rest.first {
            if first == "." {
                rest = rest.dropFirst()
                let name = rest.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { return nil }
                steps.append(.key(String(name)))
                rest = rest.dropFirst(name.count)
            } else if first == "[" {
                guard let close = rest.firstIndex(of: "]") else { return nil }
                let inner = rest[rest.index(after: rest.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                if let index = Int(inner) {
                    steps.append(.index(index))
                } else if inner.count >= 2, let quote = inner.first, quote == "'" || quote == "\"", inner.last == quote {
                    steps.append(.key(String(inner.dropFirst().dropLast())))
                } else {
                    return nil
                }
                rest = rest[rest.index(after: close)...]
            } else {
                return nil
            }
        }
        return steps
    }

    static func lookup(_ steps: [Step], in value: Value) -> Value? {
        var current = value
        for step in steps {
            switch (step, current) {
            case (.key(let key), .object(let object)):
                guard let next = object[key] else { return nil }
                current = next
            case (.index(let index), .array(let items)):
                let resolved = index < 0 ? items.count + index : index
                guard items.indices.contains(resolved) else { return nil }
                current = items[resolved]
            default:
                return nil
            }
        }
        return current
    }
}
