import Foundation
import MCP
import Testing
@testable import PromptTesting

@Suite("Prompt tests: the test file format and its errors")
struct TestFileTests {
    @Test func theIssuesExampleReads() throws {
        let text = """
            prompt: weather.prompt
            vars: {units: metric}
            tests:
              - name: paris
                vars: {city: Paris}
                repeat: 5
                minPassRate: 0.8
                expect:
                  toolCalls:
                    order: in_order
                    calls:
                      - name: weather__get_forecast
                        args: {city: {$regex: "(?i)paris"}, units: metric}
                        mode: partial
                  forbid: ["*__delete_*"]
                  answer:
                    - contains: "°"
                    - regex: "\\\\d+"
                  maxRounds: 3
                  maxLatencyMs: 8000
                turns:
                  - user: "And tomorrow?"
                    expect: {toolCalls: {calls: [{name: weather__get_forecast, args: {day: 1}}]}}
            """
        let file = try PromptTestFile.parse(text, file: "Prompts/weather.tests.yaml")
        #expect(file.prompt == "weather.prompt" && file.baseName == "weather" && file.directory == "Prompts" && file.warnings.isEmpty)
        let test = try #require(file.tests.first)
        #expect(test.name == "paris" && test.line == 4 && test.repeatCount == 5 && test.minPassRate == 0.8)
        #expect(test.vars == ["units": "metric", "city": "Paris"], "the file's vars under the test's")
        #expect(test.expect.toolCalls?.order == .inOrder && test.expect.toolCalls?.calls.first?.name == "weather__get_forecast")
        #expect(test.expect.toolCalls?.calls.first?.args == .object(["city": .object(["$regex": "(?i)paris"]), "units": "metric"]))
        #expect(test.expect.forbid == ["*__delete_*"] && test.expect.answer.count == 2)
        #expect(test.expect.maxRounds == 3 && test.expect.maxLatencyMs == 8000)
        #expect(test.turns.count == 1 && test.turns[0].user == "And tomorrow?" && test.turns[0].expect.toolCalls?.calls.count == 1)
        #expect(test.toolResults == .live)
    }

    @Test(arguments: [
        ("tests: []", "prompt: must be a string"),
        ("prompt: a.prompt\ntests: []", "tests: must be a list of at least one test"),
        ("prompt: a.prompt\ntests:\n  - vars: {}", ":3: tests[0].name: must be a string"),
        ("prompt: a.prompt\ntests:\n  - name: a\n  - name: a", ":4: tests[1].name: the name 'a' is used by another test"),
        ("prompt: a.prompt\ntests:\n  - name: a\n    repeat: 0", "tests[0].repeat: must be a whole number of at least 1"),
        ("prompt: a.prompt\ntests:\n  - name: a\n    minPassRate: 2", "must be a number from 0 to 1"),
        ("prompt: a.prompt\ntests:\n  - name: a\n    expect:\n      toolCalls:\n        order: sorted\n        calls: []", "tests[0].expect.toolCalls.order: must be in_order, exact or any"),
        ("prompt: a.prompt\ntests:\n  - name: a\n    expect:\n      toolCalls: [{name: x, args: {a: {$regexp: b}}}]", "unknown matcher '$regexp'"),
        ("prompt: a.prompt\ntests:\n  - name: a\n    expect:\n      answer: [{startsWith: x}]", "tests[0].expect.answer[0]: must be one check"),
        ("prompt: a.prompt\ntests:\n  - name: a\n    expect:\n      answer: [{judge: \"\"}]", "tests[0].expect.answer[0].judge: must be a rubric"),
        ("prompt: a.prompt\ntests:\n  - name: a\n    expect:\n      answer: [{judge: {rubric: be nice, threshold: 2}}]", "answer[0].judge.threshold: must be a number from 0 to 1"),
        ("prompt: a.prompt\ntests:\n  - name: a\n    expect:\n      answer: [{judge: {rubrik: be nice}}]", "unknown key 'rubrik' (a judge check has rubric and threshold)"),
        ("prompt: a.prompt\ntoolResults: cached\ntests:\n  - name: a", "toolResults: must be live or recorded"),
        ("prompt: a.prompt\ntests:\n  - name: a b\n  - name: a_b", "tests[1].name: the name 'a_b' is used by another test"),
        ("prompt: a.prompt\ntests:\n  - name: x.r2", "must not end in .rN"),
        ("- just a list", "t.tests.yaml:1: must be a mapping"),
        ("prompt: a.prompt\ntests:\n  - name: a\n    expect:\n      toolCalls:\n        - name: x\n          nme: y", ":6: tests[0].expect.toolCalls[0]: unknown key 'nme'"),
        ("prompt: a\u{7}", "not valid YAML"),
    ])
    func badTestFilesNameFileLineAndField(text: String, message: String) {
        #expect {
            try PromptTestFile.parse(text, file: "t.tests.yaml")
        } throws: { error in
            let description = "\(error)"
            return description.hasPrefix("t.tests.yaml") && description.contains(message) && !description.contains("\n")
        }
    }

    @Test func unknownKeysAreWarnings() throws {
        let file = try PromptTestFile.parse("prompt: a.prompt\ntests:\n  - name: a\n    expct: {}\n", file: "t.tests.yaml")
        #expect(file.warnings.count == 1 && file.warnings[0].contains("t.tests.yaml:4: tests[0].expct: unknown key"))
    }
}
