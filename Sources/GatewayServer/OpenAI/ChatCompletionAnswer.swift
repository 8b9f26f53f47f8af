import Foundation
import ModelClient
import Orchestrator

/// The bodies of chat answers: one `chat.completion`, or the `chat.completion.chunk` events of
/// a stream, as OpenAI writes them, plus the extension member `lmg` (rounds and MCP calls) that
/// OpenAI clients ignore.
struct ChatCompletionAnswer: Sendable {
    /// `chatcmpl-…`, shared by every chunk of one answer.
    let id: String
    /// Unix seconds.
    let created: Int
    /// The name the caller asked for.
    let model: String

    init(model: String, id: String = "chatcmpl-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased(), created: Int = Int(Date().timeIntervalSince1970)) {
        (self.model, self.id, self.created) = (model, id, created)
    }

    /// `finish_reason` for how the turn ended.
    static func finishReason(_ summary: TurnSummary) -> String {
        switch summary.stopReason {
        case .externalToolCalls: "tool_calls"
        case .answered: summary.finishReason.flatMap { $0 == "tool_calls" ? nil : $0 } ?? "stop"
        case .maxToolIterations, .repeatedToolCall: "stop"
        }
    }

    static func usage(_ usage: TokenUsage) -> JSONValue {
        .object([
            "prompt_tokens": .int(usage.promptTokens), "completion_tokens": .int(usage.completionTokens),
            "total_tokens": .int(usage.totalTokens),
        ])
    }

    static func toolCalls(_ calls: [ToolCall], indexed: Bool) -> JSONValue {
        .array(calls.enumerated().map { index, call in
            var object: [String: JSONValue] = [
                "id": .string(call.id), "type": .string(call.type),
                "function": .object(["name": .string(call.function.name), "arguments": .string(call.function.arguments)]),
            ]
            if indexed { object["index"] = .int(index) }
            return .object(object)
        })
    }

    /// One MCP call for the `lmg` member.
    static func call(_ outcome: ToolCallOutcome) -> JSONValue {
        .object([
            "id": .string(outcome.request.id), "name": .string(outcome.request.qualifiedName),
            "arguments": .string(outcome.request.arguments), "status": .string(outcome.status.rawValue),
            "isError": .bool(outcome.isError), "duration_ms": .double((outcome.duration.milliseconds * 100).rounded() / 100),
        ])
    }

    /// The `lmg` member of a whole answer or of a stream's last chunk.
    static func summary(_ summary: TurnSummary) -> JSONValue {
        .object([
            "rounds": .int(summary.modelRequests), "stop_reason": .string(summary.stopReason.rawValue),
            "tool_calls": .array(summary.toolCalls.map(call)),
        ])
    }

    /// The whole answer of a non-streamed request.
    func completion(_ summary: TurnSummary) -> JSONValue {
        var message: [String: JSONValue] = [
            "role": .string("assistant"), "content": summary.answer.isEmpty && !summary.externalToolCalls.isEmpty ? .null : .string(summary.answer),
            "refusal": .null,
        ]
        if !summary.externalToolCalls.isEmpty { message["tool_calls"] = Self.toolCalls(summary.externalToolCalls, indexed: false) }
        return .object([
            "id": .string(id), "object": .string("chat.completion"), "created": .int(created), "model": .string(model),
            "choices": .array([.object([
                "index": .int(0), "message": .object(message), "logprobs": .null,
                "finish_reason": .string(Self.finishReason(summary)),
            ])]),
            "usage": Self.usage(summary.usage),
            "lmg": Self.summary(summary),
        ])
    }

    /// One chunk: `delta` in choice 0 (nil: no choices, as the usage chunk has), with its
    /// finish reason and `lmg` member when given.
    func chunk(delta: JSONValue?, finishReason: String? = nil, usage: TokenUsage? = nil, lmg: JSONValue? = nil) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id), "object": .string("chat.completion.chunk"), "created": .int(created), "model": .string(model),
            "choices": .array(delta.map { delta in
                [.object(["index": .int(0), "delta": delta, "logprobs": .null, "finish_reason": finishReason.map(JSONValue.string) ?? .null])]
            } ?? []),
        ]
        if let usage { object["usage"] = Self.usage(usage) }
        if let lmg { object["lmg"] = lmg }
        return .object(object)
    }

    /// A value as one SSE event.
    static func event(_ value: JSONValue) -> Data {
        Data(("data: " + value.compactText + "\n\n").utf8)
    }

    static let done = Data("data: [DONE]\n\n".utf8)
}
