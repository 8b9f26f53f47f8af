import Foundation
@testable import ModelClient
import TestSupport
import Testing

/// The model client's pure parts: wire decoding, stream assembly, Retry-After.
@Suite("Model client values")
struct ModelWireTests {
    func chunk(_ json: String) throws -> ChatCompletionWire {
        try JSONDecoder().decode(ChatCompletionWire.self, from: Data(json.utf8))
    }

    @Test func accumulatorSplitsAtEveryBoundary() throws {
        let arguments = #"{"q":"a\"b","n":[1,2]}"#
        for size in 1...arguments.count {
            var turn = TurnAccumulator()
            _ = turn.apply(try chunk(#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c","type":"function","function":{"name":"s__t","arguments":""}}]}}]}"#))
            var rest = Substring(arguments)
            while !rest.isEmpty {
                let piece = String(rest.prefix(size))
                rest = rest.dropFirst(size)
                let encoded = String(decoding: try JSONEncoder().encode(piece), as: UTF8.self)
                _ = turn.apply(try chunk(#"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":\#(encoded)}}]}}]}"#))
            }
            _ = turn.apply(try chunk(#"{"choices":[{"delta":{},"finish_reason":"tool_calls"}]}"#))
            let calls = turn.turn().message.toolCalls
            #expect(calls?.first?.function.arguments == arguments, "split every \(size)")
            #expect(calls?.first?.id == "c")
        }
    }

    @Test func accumulatorHandlesServersWithoutIndexOrID() throws {
        var turn = TurnAccumulator()
        _ = turn.apply(try chunk(#"{"choices":[{"delta":{"tool_calls":[{"function":{"name":"a__b","arguments":"{\"x\""}}]}}]}"#))
        _ = turn.apply(try chunk(#"{"choices":[{"delta":{"tool_calls":[{"function":{"arguments":": 1}"}}]}}]}"#))
        let message = turn.turn().message
        #expect(message.toolCalls?.count == 1)
        #expect(message.toolCalls?.first?.function.arguments == #"{"x": 1}"#)
        #expect(message.toolCalls?.first?.id == "call_0")
        #expect(message.content == nil)
    }

    @Test func argumentsSentAsAnObjectAreAccepted() throws {
        var turn = TurnAccumulator()
        let wire = try JSONDecoder().decode(ChatCompletionWire.self, from: Data(#"{"choices":[{"message":{"content":null,"tool_calls":[{"id":"c","function":{"name":"a__b","arguments":{"x":1}}}]},"finish_reason":"tool_calls"}]}"#.utf8))
        turn.apply(message: wire.choices![0].message!, finishReason: "tool_calls", usage: nil)
        #expect(turn.turn().message.toolCalls?.first?.function.arguments == #"{"x":1}"#)
    }

    @Test func retryAfterReadsSecondsAndDates() {
        #expect(RetryAfter.delay("2") == .seconds(2))
        #expect(RetryAfter.delay("0.5") == .milliseconds(500))
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryAfter.delay("Tue, 14 Nov 2023 22:13:30 GMT", now: now) == .seconds(10))
        #expect(RetryAfter.delay("soon") == nil)
        #expect(RetryAfter.delay(nil) == nil)
    }

    /// The API key and credential headers never print, in any of the ways a value reaches text.
    @Test func theModelConfigNeverPrintsTheKey() {
        let config = ModelConfig(baseURL: "http://127.0.0.1:9/v1", apiKey: "sk-very-secret", name: "m", headers: ["X-Api-Key": "hdr-secret", "X-Team": "docs"])
        #expect(secretLeaks(of: config, secrets: ["sk-very-secret", "hdr-secret"]).isEmpty)
        #expect("\(config)".contains("X-Team: docs") && "\(config)".contains("m"), "what is not secret still shows")
    }
}
