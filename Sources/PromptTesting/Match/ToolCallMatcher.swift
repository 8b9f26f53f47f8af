import MCP
import PromptTemplates

/// One tool call the model made, as a test sees it: the qualified name and the arguments.
public struct ObservedCall: Sendable, Codable, Equatable {
    public var name: String
    /// The arguments as the model sent them (JSON text).
    public var arguments: String
    public var isError: Bool

    public init(name: String, arguments: String, isError: Bool = false) {
        (self.name, self.arguments, self.isError) = (name, arguments, isError)
    }

    var summary: String { "\(name) \(ValueText.short(arguments, limit: 100))" }
}

/// Checks a turn's calls against ``ToolCallExpectation`` and ``Expectation/forbid``; each miss
/// is one line saying what was expected and what the model did.
public enum ToolCallMatcher {
    public static func failures(_ expected: ToolCallExpectation?, forbid: [String], actual: [ObservedCall]) -> [String] {
        var failures: [String] = []
        for pattern in forbid.map(Glob.init) {
            for call in actual where pattern.matches(call.name) {
                failures.append("forbidden call \(call.summary) (matches \(pattern))")
            }
        }
        guard let expected else { return failures }
        let made = actual.isEmpty ? "no tool calls" : actual.map(\.summary).joined(separator: "; ")
        switch expected.order {
        case .exact:
            if expected.calls.count != actual.count {
                failures.append("expected exactly \(expected.calls.count) call(s) [\(expected.calls.map(\.summary).joined(separator: "; "))], got \(actual.count): \(made)")
                return failures
            }
            for (index, (pattern, call)) in zip(expected.calls, actual).enumerated() {
                let misses = mismatches(pattern, call)
                if !misses.isEmpty { failures.append("call \(index + 1): expected \(pattern.summary), got \(call.summary): \(misses.joined(separator: "; "))") }
            }
        case .inOrder:
            var next = 0
            for pattern in expected.calls {
                guard let found = actual[next...].firstIndex(where: { mismatches(pattern, $0).isEmpty }) else {
                    failures.append("expected \(pattern.summary)\(next > 0 ? " after call \(next)" : ""): \(closest(pattern, in: actual) ?? made)")
                    return failures
                }
                next = found + 1
            }
        case .any:
            var used = Set<Int>()
            for pattern in expected.calls {
                guard let found = actual.indices.first(where: { !used.contains($0) && mismatches(pattern, actual[$0]).isEmpty }) else {
                    failures.append("expected \(pattern.summary): \(closest(pattern, in: actual) ?? made)")
                    continue
                }
                used.insert(found)
            }
        }
        return failures
    }

    /// Why `call` is not `pattern`: the name, or each argument that differs.
    public static func mismatches(_ pattern: CallPattern, _ call: ObservedCall) -> [String] {
        guard Glob(pattern.name).matches(call.name) else { return ["name \(call.name) is not \(pattern.name)"] }
        guard let args = pattern.args else { return [] }
        guard let parsed = ValueText.parse(call.arguments.isEmpty ? "{}" : call.arguments) else {
            return ["the arguments are not JSON: \(ValueText.short(call.arguments))"]
        }
        return ValueMatcher(exact: pattern.mode == .exact).mismatches(args, parsed)
    }

    /// The nearest miss: a call of the same tool with the argument differences spelt out.
    private static func closest(_ pattern: CallPattern, in actual: [ObservedCall]) -> String? {
        guard let call = actual.first(where: { Glob(pattern.name).matches($0.name) }) else { return nil }
        return "got \(call.summary): \(mismatches(pattern, call).joined(separator: "; "))"
    }
}
