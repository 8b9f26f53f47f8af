/// Builds one assistant turn from streamed chunks, whatever their boundaries.
///
/// Tool calls are assembled by their `index`; a server that omits the index is matched by id,
/// then by position. A pure value: the stream reader feeds it and reads the result.
struct TurnAccumulator {
    private(set) var text = ""
    private var calls: [PartialCall] = []
    private(set) var finishReason: String?
    private(set) var usage: TokenUsage?

    struct PartialCall {
        var index: Int
        var id = ""
        var name = ""
        var arguments = ""
    }

    /// Applies one chunk; returns the text it added, if any.
    mutating func apply(_ chunk: ChatCompletionWire) -> String? {
        if let usage = chunk.usage { self.usage = usage }
        var added: String?
        for choice in chunk.choices ?? [] {
            if let reason = choice.finishReason { finishReason = reason }
            guard let delta = choice.delta else { continue }
            if let piece = delta.content, !piece.isEmpty {
                text += piece
                added = (added ?? "") + piece
            }
            for call in delta.toolCalls ?? [] { merge(call) }
        }
        return added
    }

    /// Takes a whole (non-streamed) message.
    mutating func apply(message: WireMessage, finishReason: String?, usage: TokenUsage?) {
        text += message.content ?? ""
        for call in message.toolCalls ?? [] { merge(call) }
        self.finishReason = finishReason
        self.usage = usage
    }

    private mutating func merge(_ call: WireToolCall) {
        let slot: Int
        if let index = call.index, let found = calls.firstIndex(where: { $0.index == index }) {
            slot = found
        } else if call.index == nil, let id = call.id, let found = calls.firstIndex(where: { $0.id == id }) {
            slot = found
        } else if call.index == nil, call.id == nil, !calls.isEmpty {
            slot = calls.count - 1  // a continuation without index or id belongs to the last call
        } else {
            calls.append(PartialCall(index: call.index ?? calls.count))
            slot = calls.count - 1
        }
        if let id = call.id, !id.isEmpty { calls[slot].id = id }
        if let name = call.function?.name, !name.isEmpty, calls[slot].name != name {
            // Most servers send the whole name once; a few send it in pieces.
            calls[slot].name += name
        }
        calls[slot].arguments += call.function?.arguments ?? ""
    }

    /// The assistant message. Calls without an id get a generated one, since tool messages must
    /// refer to an id.
    func turn(callIDPrefix: String = "call") -> ModelTurn {
        let toolCalls = calls.sorted { $0.index < $1.index }.enumerated().map { offset, call in
            ToolCall(id: call.id.isEmpty ? "\(callIDPrefix)_\(offset)" : call.id, name: call.name, arguments: call.arguments)
        }
        let message = ChatMessage(
            role: .assistant, content: text.isEmpty && !toolCalls.isEmpty ? nil : .text(text),
            toolCalls: toolCalls.isEmpty ? nil : toolCalls)
        return ModelTurn(message: message, finishReason: finishReason, usage: usage)
    }
}
