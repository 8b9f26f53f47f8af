import ModelClient
import Locking

/// A `ChatModel` that answers from a script, in-process and at once: for an app's tests, prompt
/// tests and benchmarks, where the model's own time and judgement must stay out of the result.
///
/// Each request goes to `respond`, which sees the request and how many came before; it returns
/// the turn, or throws to stand for a failing endpoint. Text is streamed to `onTextDelta` in one
/// piece, as a streaming endpoint would deliver a short answer.
public final class ScriptedChatModel: ChatModel {
    /// The script: the request, and its number (0 for the first since the last ``reset()``).
    public typealias Respond = @Sendable (ChatRequest, Int) throws -> ModelTurn

    public let modelName: String
    private let respond: Respond
    private let state = Locked<[ChatRequest]>([])

    public init(modelName: String = "scripted", respond: @escaping Respond) {
        self.modelName = modelName
        self.respond = respond
    }

    /// Answers the turns in order; a request beyond the last gets the last again.
    public convenience init(modelName: String = "scripted", turns: [ModelTurn]) {
        precondition(!turns.isEmpty, "a scripted model needs at least one turn")
        self.init(modelName: modelName) { _, index in turns[min(index, turns.count - 1)] }
    }

    /// Asks for `call` when the last message is the user's, answers `answer` once tool results
    /// are in: one tool call a turn, the shape of most tool-use exchanges.
    public static func callingTool(_ call: ToolCall, thenAnswer answer: String = "done") -> ScriptedChatModel {
        ScriptedChatModel { request, _ in
            if request.messages.last?.role == .tool {
                return ModelTurn(message: .assistant(answer), finishReason: "stop", usage: TokenUsage(promptTokens: 1, completionTokens: 1, totalTokens: 2))
            }
            return ModelTurn(message: ChatMessage(role: .assistant, content: nil, toolCalls: [call]), finishReason: "tool_calls", usage: nil)
        }
    }

    /// Every request received since the last ``reset()``, in order.
    public var requests: [ChatRequest] { state.withLock { $0 } }

    /// Forgets the requests received; the script starts again at request 0.
    public func reset() { state.withLock { $0.removeAll() } }

    public func complete(_ request: ChatRequest, onTextDelta: @escaping @Sendable (String) -> Void) async throws -> ModelTurn {
        try Task.checkCancellation()
        let index = state.withLock { requests in
            requests.append(request)
            return requests.count - 1
        }
        let turn = try respond(request, index)
        if let text = turn.message.text.nilIfEmpty { onTextDelta(text) }
        return turn
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
