import Foundation
import MCP
import PromptTemplates

/// Walks a test file's YAML into ``PromptTestFile``; each wrong type or unknown name is an error
/// with the file, line and field.
struct TestFileReader {
    let document: YAMLDocument
    var warnings: [String] = []

    static let rootKeys: Set<String> = ["prompt", "vars", "toolResults", "tests", "description"]
    static let testKeys: Set<String> = ["name", "description", "vars", "repeat", "minPassRate", "toolResults", "expect", "turns"]
    static let expectKeys: Set<String> = ["toolCalls", "forbid", "answer", "maxRounds", "maxLatencyMs"]
    static let answerKinds: Set<String> = ["contains", "icontains", "notContains", "regex", "equals", "isJson", "jsonSchema", "jsonPath", "judge"]

    init(document: YAMLDocument) {
        self.document = document
    }

    private func fail(_ message: String, _ path: String) -> PromptFileError { document.error(message, at: path) }

    private func object(_ value: Value?, _ path: String) throws(PromptFileError) -> [String: Value] {
        guard case .object(let object)? = value else { throw fail("must be a mapping", path) }
        return object
    }

    private func string(_ value: Value?, _ path: String) throws(PromptFileError) -> String {
        guard case .string(let text)? = value else { throw fail("must be a string", path) }
        return text
    }

    private mutating func warnUnknown(_ object: [String: Value], _ known: Set<String>, _ path: String?) {
        for key in object.keys.sorted() where !known.contains(key) {
            let field = path.map { "\($0).\(key)" } ?? key
            warnings.append(document.error("unknown key, ignored (known: \(known.sorted().joined(separator: ", ")))", at: field).description)
        }
    }

    mutating func readFile() throws(PromptFileError) -> PromptTestFile {
        let root = try object(document.root, "")
        warnUnknown(root, Self.rootKeys, nil)
        let prompt = try string(root["prompt"], "prompt")
        let vars = try root["vars"].map { value throws(PromptFileError) in try object(value, "vars") } ?? [:]
        let toolResults = try readToolResults(root["toolResults"], "toolResults") ?? .live
        guard case .array(let items)? = root["tests"], !items.isEmpty else { throw fail("must be a list of at least one test", "tests") }
        var tests: [PromptTestCase] = []
        var names: Set<String> = []
        for (index, item) in items.enumerated() {
            let test = try readTest(item, at: "tests[\(index)]", vars: vars, toolResults: toolResults)
            // Names become cassette file names: two that read alike there would share one.
            guard names.insert(PromptTestCase.fileName(test.name)).inserted else {
                throw fail("the name '\(test.name)' is used by another test of this file (cassettes are named \(PromptTestCase.fileName(test.name)).json)", "tests[\(index)].name")
            }
            tests.append(test)
        }
        return PromptTestFile(file: document.file, prompt: prompt, tests: tests, warnings: warnings)
    }

    private func readToolResults(_ value: Value?, _ path: String) throws(PromptFileError) -> PromptTestCase.ToolResults? {
        guard let value else { return nil }
        guard case .string(let text) = value, let mode = PromptTestCase.ToolResults(rawValue: text) else { throw fail("must be live or recorded", path) }
        return mode
    }

    private mutating func readTest(_ value: Value, at path: String, vars: [String: Value], toolResults: PromptTestCase.ToolResults) throws(PromptFileError) -> PromptTestCase {
        let test = try object(value, path)
        warnUnknown(test, Self.testKeys, path)
        let name = try string(test["name"], "\(path).name")
        guard !name.isEmpty, !name.contains("/") else { throw fail("must be a name without '/'", "\(path).name") }
        if name.range(of: #"\.r[0-9]+$"#, options: .regularExpression) != nil {
            throw fail("must not end in .rN, which names a repeat's cassette", "\(path).name")
        }
        var merged = vars
        if let own = test["vars"] { merged.merge(try object(own, "\(path).vars")) { _, own in own } }
        var repeatCount = 1
        if let raw = test["repeat"] {
            guard case .int(let count) = raw, count >= 1 else { throw fail("must be a whole number of at least 1", "\(path).repeat") }
            repeatCount = count
        }
        var minPassRate = 1.0
        if let raw = test["minPassRate"] {
            guard let rate = ValueMatcher.number(raw), (0...1).contains(rate) else { throw fail("must be a number from 0 to 1", "\(path).minPassRate") }
            minPassRate = rate
        }
        let expect = try test["expect"].map { value throws(PromptFileError) in try readExpect(value, at: "\(path).expect") } ?? Expectation()
        var turns: [PromptTestCase.Turn] = []
        if let raw = test["turns"] {
            guard case .array(let items) = raw else { throw fail("must be a list of {user, expect}", "\(path).turns") }
            for (index, item) in items.enumerated() {
                let turnPath = "\(path).turns[\(index)]"
                let turn = try object(item, turnPath)
                warnUnknown(turn, ["user", "expect"], turnPath)
                let user = try string(turn["user"], "\(turnPath).user")
                let expect = try turn["expect"].map { value throws(PromptFileError) in try readExpect(value, at: "\(turnPath).expect") } ?? Expectation()
                turns.append(.init(user: user, expect: expect))
            }
        }
        return PromptTestCase(
            name: name, line: document.line(of: path), vars: merged, repeatCount: repeatCount, minPassRate: minPassRate, expect: expect,
            turns: turns, toolResults: try readToolResults(test["toolResults"], "\(path).toolResults") ?? toolResults)
    }

    private mutating func readExpect(_ value: Value, at path: String) throws(PromptFileError) -> Expectation {
        let raw = try object(value, path)
        warnUnknown(raw, Self.expectKeys, path)
        var expect = Expectation()
        if let calls = raw["toolCalls"] { expect.toolCalls = try readToolCalls(calls, at: "\(path).toolCalls") }
        switch raw["forbid"] {
        case nil: break
        case .string(let glob)?: expect.forbid = [glob]
        case .array(let items)?:
            for (index, item) in items.enumerated() { expect.forbid.append(try string(item, "\(path).forbid[\(index)]")) }
        default: throw fail("must be a list of tool-name globs", "\(path).forbid")
        }
        if let answer = raw["answer"] {
            let items: [Value] = if case .array(let list) = answer { list } else { [answer] }
            for (index, item) in items.enumerated() { expect.answer.append(try readAnswerCheck(item, at: "\(path).answer[\(index)]")) }
        }
        if let rounds = raw["maxRounds"] {
            guard case .int(let count) = rounds, count >= 0 else { throw fail("must be a whole number", "\(path).maxRounds") }
            expect.maxRounds = count
        }
        if let latency = raw["maxLatencyMs"] {
            guard let ms = ValueMatcher.number(latency), ms > 0 else { throw fail("must be a positive number of milliseconds", "\(path).maxLatencyMs") }
            expect.maxLatencyMs = ms
        }
        return expect
    }

    private func readToolCalls(_ value: Value, at path: String) throws(PromptFileError) -> ToolCallExpectation {
        var rawCalls: [Value]
        var callsPath = "\(path).calls"
        var order = ToolCallExpectation.Order.inOrder
        switch value {
        case .array(let list):
            rawCalls = list
            callsPath = path
        case .object(let object):
            if let raw = object["order"] {
                guard case .string(let text) = raw, let parsed = ToolCallExpectation.Order(rawValue: text) else {
                    throw fail("must be in_order, exact or any", "\(path).order")
                }
                order = parsed
            }
            guard case .array(let list)? = object["calls"] else { throw fail("must be a list of calls ({name, args, mode})", "\(path).calls") }
            rawCalls = list
        default:
            throw fail("must be {order, calls} or a list of calls", path)
        }
        var calls: [CallPattern] = []
        for (index, raw) in rawCalls.enumerated() {
            let callPath = "\(callsPath)[\(index)]"
            if case .string(let name) = raw {
                calls.append(CallPattern(name: name))
                continue
            }
            let call = try object(raw, callPath)
            for key in call.keys where !["name", "args", "mode"].contains(key) {
                throw fail("unknown key '\(key)' (a call has name, args and mode)", callPath)
            }
            var pattern = CallPattern(name: try string(call["name"], "\(callPath).name"))
            if let args = call["args"] {
                guard case .object = args else { throw fail("must be a mapping of argument names to values or matchers", "\(callPath).args") }
                try checkMatchers(args, at: "\(callPath).args")
                pattern.args = args
            }
            if let mode = call["mode"] {
                guard case .string(let text) = mode, let parsed = CallPattern.Mode(rawValue: text) else { throw fail("must be partial or exact", "\(callPath).mode") }
                pattern.mode = parsed
            }
            calls.append(pattern)
        }
        return ToolCallExpectation(order: order, calls: calls)
    }

    /// A `$`-key that is no operator is almost always a typo (`$regexp`): refused, not compared literally.
    private func checkMatchers(_ value: Value, at path: String) throws(PromptFileError) {
        switch value {
        case .object(let object):
            for (key, child) in object {
                if key.hasPrefix("$") && !ValueMatcher.operators.contains(key) {
                    throw fail("unknown matcher '\(key)' (use \(ValueMatcher.operators.sorted().joined(separator: ", ")))", "\(path).\(key)")
                }
                if key.hasPrefix("$") && object.count > 1 { throw fail("a matcher object holds one operator only", path) }
                try checkMatchers(child, at: "\(path).\(key)")
            }
        case .array(let items):
            for (index, item) in items.enumerated() { try checkMatchers(item, at: "\(path)[\(index)]") }
        default:
            break
        }
    }

    private func readAnswerCheck(_ value: Value, at path: String) throws(PromptFileError) -> AnswerCheck {
        guard case .object(let object) = value, object.count >= 1, let kind = object.keys.sorted().first(where: Self.answerKinds.contains) else {
            throw fail("must be one check: \(Self.answerKinds.sorted().joined(separator: ", "))", path)
        }
        let field = "\(path).\(kind)"
        let operand = object[kind]!
        switch kind {
        case "contains": return .contains(try string(operand, field))
        case "icontains": return .icontains(try string(operand, field))
        case "notContains": return .notContains(try string(operand, field))
        case "regex": return .regex(try string(operand, field))
        case "equals": return .equals(try string(operand, field))
        case "isJson":
            guard operand == .bool(true) else { throw fail("must be true", field) }
            return .isJSON
        case "jsonSchema":
            guard case .object = operand else { throw fail("must be a JSON Schema object", field) }
            return .jsonSchema(operand)
        case "jsonPath":
            if case .string(let path) = operand { return .jsonPath(path, value: object["value"]) }
            let spec = try self.object(operand, field)
            return .jsonPath(try string(spec["path"], "\(field).path"), value: spec["value"])
        default:
            if case .string(let rubric) = operand {
                guard !rubric.isEmpty else { throw fail("must be a rubric: what a good answer does", field) }
                return .judge(rubric: rubric, threshold: nil)
            }
            let spec = try self.object(operand, field)
            for key in spec.keys where !["rubric", "threshold"].contains(key) {
                throw fail("unknown key '\(key)' (a judge check has rubric and threshold)", field)
            }
            let rubric = try string(spec["rubric"], "\(field).rubric")
            guard !rubric.isEmpty else { throw fail("must be a rubric: what a good answer does", "\(field).rubric") }
            var threshold: Double?
            if let raw = spec["threshold"] {
                guard let value = ValueMatcher.number(raw), (0...1).contains(value) else { throw fail("must be a number from 0 to 1", "\(field).threshold") }
                threshold = value
            }
            return .judge(rubric: rubric, threshold: threshold)
        }
    }
}
