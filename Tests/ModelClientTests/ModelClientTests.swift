import Foundation
import CurlHTTP
import ModelClient

import TestSupport
import Testing

/// The Chat Completions client against the scripted server: streaming, errors, retries.
@Suite("OpenAI-compatible model client")
struct ModelClientTests {
    let request = ChatRequest(messages: [.user("hi")])

    @Test func streamedToolCallsSplitAnywhereAreAssembled() async throws {
        let arguments = #"{"path": "/tmp/a \"b\".txt", "n": [1, 2, {"x": "\u00e9\u4e2d"}]}"#
        let model = try await ScriptedModel.start([
            ["content": "Let me look.", "chunk": 1, "interleave": true,
             "tool_calls": [scriptedCall("c1", "fs__read", arguments), scriptedCall("c2", "fs__list", "{}")],
             "usage": ["prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18]],
        ], strict: true)
        defer { model.stop() }
        let deltas = Deltas()
        let turn = try await model.client().complete(request) { deltas.append($0) }
        #expect(deltas.joined == "Let me look.")
        #expect(deltas.count == 12)
        #expect(turn.message.toolCalls?.map(\.id) == ["c1", "c2"])
        #expect(turn.message.toolCalls?.map(\.function.name) == ["fs__read", "fs__list"])
        #expect(turn.message.toolCalls?.first?.function.arguments == arguments)
        #expect(turn.finishReason == "tool_calls")
        #expect(turn.usage == TokenUsage(promptTokens: 11, completionTokens: 7, totalTokens: 18))
        let sent = try model.requests()[0]
        #expect((sent["headers"] as? [String: String])?["authorization"] == "Bearer sk-test-key")
        #expect((sent["body"] as? [String: Any])?["model"] as? String == "scripted")
    }

    @Test func unauthorizedSaysToCheckTheKey() async throws {
        let model = try await ScriptedModel.start([["status": 401, "error": ["message": "Incorrect API key provided"]]], strict: true)
        defer { model.stop() }
        let error = await #expect(throws: ModelClientError.self) { try await model.client().complete(request) { _ in } }
        #expect(error?.kind == .unauthorized)
        #expect(error?.description.contains("OPENAI_API_KEY") == true)
        #expect(error?.description.contains("sk-test-key") == false)
    }

    @Test func badRequestShowsTheEndpointsMessage() async throws {
        let model = try await ScriptedModel.start([["status": 400, "error": ["message": "tools[0].function.name is invalid"]]], strict: true)
        defer { model.stop() }
        let error = await #expect(throws: ModelClientError.self) { try await model.client().complete(request) { _ in } }
        #expect(error?.kind == .rejected(status: 400))
        #expect(error?.description.contains("tools[0].function.name is invalid") == true)
        #expect(try model.requests().count == 1, "a 400 must not be retried")
    }

    @Test func serverErrorsAreRetriedABoundedNumberOfTimes() async throws {
        let failure: [String: Any] = ["status": 503, "error": ["message": "overloaded"]]
        let model = try await ScriptedModel.start([failure, failure, failure, ["content": "never reached"]], strict: true)
        defer { model.stop() }
        let error = await #expect(throws: ModelClientError.self) { try await model.client().complete(request) { _ in } }
        #expect(error?.kind == .serverError(status: 503))
        #expect(error?.description.contains("overloaded") == true)
        #expect(try model.requests().count == 3)
    }

    @Test func serverErrorThenSuccess() async throws {
        let model = try await ScriptedModel.start([["status": 500], ["content": "fine"]], strict: true)
        defer { model.stop() }
        let turn = try await model.client(stream: false).complete(request) { _ in }
        #expect(turn.message.text == "fine")
    }

    @Test func unreachableEndpointNamesTheURL() async throws {
        // Port 9 (discard): nothing listens on it here, so the connection is refused.
        let config = ModelConfig(baseURL: "http://127.0.0.1:9/v1", name: "m")
        let error = await #expect(throws: ModelClientError.self) { try await OpenAIChatClient(config: config).complete(request) { _ in } }
        #expect(error?.kind == .unreachable)
        #expect(error?.description.contains("http://127.0.0.1:9/v1/chat/completions") == true)
        #expect(error?.description.contains("OPENAI_BASE_URL") == true)
    }

    @Test func malformedAnswersFailClearly() async throws {
        let model = try await ScriptedModel.start([["raw": "<html>oops</html>", "stream": false]], strict: true)
        defer { model.stop() }
        let error = await #expect(throws: ModelClientError.self) { try await model.client(stream: false).complete(request) { _ in } }
        #expect(error?.kind == .invalidResponse)
    }

    @Test func cancellationAbortsAStream() async throws {
        let model = try await ScriptedModel.start([["content": String(repeating: "slow ", count: 100), "chunk": 5, "chunk_delay_ms": 200]], strict: true)
        defer { model.stop() }
        let client = model.client()
        let request = request
        let task = Task { try await client.complete(request) { _ in } }
        try await Task.sleep(for: .milliseconds(500))
        let clock = ContinuousClock()
        let start = clock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(clock.now - start < .seconds(3), "the stream would have run for 20 s")
    }

    @Test func slowAnswersTimeOut() async throws {
        let model = try await ScriptedModel.start([["content": "late", "delay_ms": 10000, "stream": false]], strict: true)
        defer { model.stop() }
        var config = model.config(stream: false)
        config.timeout = .seconds(1)
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: ModelClientError.self) {
            try await OpenAIChatClient(config: config).complete(request) { _ in }
        }
        #expect(error?.kind == .timedOut)
        #expect(clock.now - start < .seconds(6), "the answer would have come after 10 s")
    }

}

/// Collects text deltas from the model client's callback.
final class Deltas: @unchecked Sendable {
    private let lock = NSLock()
    private var pieces: [String] = []
    func append(_ piece: String) { lock.withLock { pieces.append(piece) } }
    var joined: String { lock.withLock { pieces.joined() } }
    var count: Int { lock.withLock { pieces.count } }
}
