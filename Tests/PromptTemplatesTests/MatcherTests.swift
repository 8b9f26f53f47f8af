import Foundation
import MCP
import Testing
@testable import PromptTesting

@Suite("Prompt tests: argument matchers, call order, answer checks")
struct MatcherTests {
    let matcher = ValueMatcher()

    @Test(arguments: [
        (Value.object(["$regex": "(?i)paris"]), Value.string("PARIS, France"), true),
        (.object(["$regex": "^lyon$"]), .string("Paris"), false),
        (.object(["$type": "integer"]), .int(3), true),
        (.object(["$type": "integer"]), .double(3.5), false),
        (.object(["$type": "number"]), .int(3), true),
        (.object(["$type": "string"]), .int(3), false),
        (.object(["$any": true]), .null, true),
        (.object(["$oneOf": ["metric", "imperial"]]), .string("imperial"), true),
        (.object(["$oneOf": ["metric", "imperial"]]), .string("kelvin"), false),
        (.object(["$gt": 2]), .int(3), true),
        (.object(["$gt": 3]), .int(3), false),
        (.object(["$gte": 3]), .double(3.0), true),
        (.object(["$lt": 0]), .int(-1), true),
        (.object(["$lte": 1.5]), .double(1.6), false),
        (.object(["$contains": "ris"]), .string("Paris"), true),
        (.object(["$contains": .object(["$gt": 5])]), .array([1, 9]), true),
        (.object(["$contains": 4]), .array([1, 9]), false),
        (.int(1), .double(1.0), true),
        (.string("1"), .int(1), false),
    ])
    func eachMatcher(expected: Value, actual: Value, matches: Bool) {
        #expect(matcher.mismatches(expected, actual).isEmpty == matches)
    }

    @Test func partialAndExactObjects() {
        let expected: Value = .object(["city": "Paris", "opts": .object(["units": "metric"])])
        let actual: Value = .object(["city": "Paris", "days": 2, "opts": .object(["units": "metric", "lang": "fr"])])
        #expect(ValueMatcher(exact: false).mismatches(expected, actual).isEmpty)
        let misses = ValueMatcher(exact: true).mismatches(expected, actual)
        #expect(Set(misses) == ["days is not expected (exact mode)", "opts.lang is not expected (exact mode)"])
        #expect(matcher.mismatches(.object(["city": "Lyon"]), actual) == ["city is \"Paris\", not \"Lyon\""])
        #expect(matcher.mismatches(.object(["zone": .object(["$any": true])]), .object([:])) == ["zone is missing"])
    }

    @Test func callOrderModes() {
        let calls = [
            ObservedCall(name: "w__geo", arguments: #"{"city":"Paris"}"#),
            ObservedCall(name: "w__forecast", arguments: #"{"lat":48.8,"days":1}"#),
            ObservedCall(name: "log__write", arguments: "{}"),
        ]
        let geo = CallPattern(name: "w__geo", args: .object(["city": .object(["$regex": "(?i)paris"])]))
        let forecast = CallPattern(name: "w__fore*", args: .object(["days": 1]))
        #expect(ToolCallMatcher.failures(.init(order: .inOrder, calls: [geo, forecast]), forbid: [], actual: calls).isEmpty)
        #expect(ToolCallMatcher.failures(.init(order: .inOrder, calls: [forecast, geo]), forbid: [], actual: calls).count == 1)
        #expect(ToolCallMatcher.failures(.init(order: .any, calls: [forecast, geo]), forbid: [], actual: calls).isEmpty)
        let exact = ToolCallMatcher.failures(.init(order: .exact, calls: [geo, forecast]), forbid: [], actual: calls)
        #expect(exact.count == 1 && exact[0].contains("expected exactly 2 call(s)") && exact[0].contains("got 3"))
        let wrongArgs = ToolCallMatcher.failures(.init(order: .any, calls: [CallPattern(name: "w__forecast", args: .object(["days": 3]))]), forbid: [], actual: calls)
        #expect(wrongArgs == ["expected w__forecast {\"days\":3}: got w__forecast {\"lat\":48.8,\"days\":1}: days is 1, not 3"])
        let forbidden = ToolCallMatcher.failures(nil, forbid: ["log__*"], actual: calls)
        #expect(forbidden.count == 1 && forbidden[0].contains("forbidden call log__write"))
        let none = ToolCallMatcher.failures(.init(order: .inOrder, calls: [geo]), forbid: [], actual: [])
        #expect(none.count == 1 && none[0].hasSuffix("no tool calls"))
    }

    @Test func answerChecks() {
        let json = #"```json\#n{"verdict": "ok", "issues": [{"line": 3}]}\#n```"#
        #expect(AnswerChecker.failures([.contains("verdict"), .icontains("VERDICT"), .notContains("error"), .regex("\"line\":\\s*\\d"), .isJSON], answer: json).isEmpty)
        #expect(AnswerChecker.failures([.jsonPath("$.issues[0].line", value: .object(["$gte": 1])), .jsonPath("$['verdict']", value: "ok")], answer: json).isEmpty)
        #expect(AnswerChecker.failures([.jsonPath("$.issues[-1].line", value: nil)], answer: json).isEmpty)
        #expect(AnswerChecker.failures([.jsonPath("$.missing", value: nil)], answer: json) == ["answer has nothing at $.missing: \"```json⏎{\\\"verdict\\\": \\\"ok\\\", \\\"issues\\\": [{\\\"line\\\": 3}]}⏎```\""].map { $0.replacingOccurrences(of: "\\\"", with: "\"") })
        let schema: Value = .object(["type": "object", "required": ["verdict"], "properties": .object(["verdict": .object(["enum": ["ok", "bad"]])])])
        #expect(AnswerChecker.failures([.jsonSchema(schema)], answer: json).isEmpty)
        let bad = AnswerChecker.failures([.jsonSchema(schema)], answer: #"{"verdict": "maybe"}"#)
        #expect(bad.count == 1 && bad[0].contains("answer.verdict"))
        #expect(AnswerChecker.failures([.equals("  Hello  ")], answer: "Hello\n").isEmpty)
        #expect(AnswerChecker.failures([.isJSON], answer: "not json") == ["answer is not JSON: \"not json\""])
        #expect(AnswerChecker.failures([.contains("°")], answer: "12 C") == ["answer does not contain \"°\": \"12 C\""])
    }

    @Test func jsonPathsParse() {
        #expect(JSONPath.parse("$") == [])
        #expect(JSONPath.parse("$.a.b[2]['c d']") == [.key("a"), .key("b"), .index(2), .key("c d")])
        #expect(JSONPath.parse("a.b") == nil && JSONPath.parse("$.") == nil && JSONPath.parse("$[x]") == nil)
    }
}
