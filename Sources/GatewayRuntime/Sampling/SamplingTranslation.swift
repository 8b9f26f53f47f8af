import Foundation
import MCP
import ModelClient

/// A server's `sampling/createMessage` as a request to lmg's model, and the model's answer as the
/// `CreateMessageResult` the server expects: no I/O, so every mapping is tested alone.
public enum SamplingTranslation {
    /// Why a sampling request cannot go to the model; the server is told this.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    /// What the person is shown before allowing it.
    public struct Summary: Sendable, Equatable {
        public var server: String
        public var messages: Int
        public var maxTokens: Int?
        /// The last message's text, cut.
        public var lastText: String
        public var model: String?
        /// The tools the server lets the model call (it runs them itself).
        public var tools: [String] = []
    }

    /// The chat request for `params`: the system prompt first, the messages (text and images),
    /// `maxTokens`, `temperature`, `stopSequences` as `stop`, and the configured model a
    /// `modelPreferences` hint names (hints are substrings of model names, first match wins).
    public static func request(_ params: Value?, models: [String]) -> Result<ChatRequest, Refusal> {
        guard case .object(let params)? = params, case .array(let raw)? = params["messages"], !raw.isEmpty else {
            return .failure(Refusal("a sampling request needs messages"))
        }
        var messages: [ChatMessage] = []
        if let system = params["systemPrompt"]?.stringValue, !system.isEmpty { messages.append(.system(system)) }
        for (index, entry) in raw.enumerated() {
            guard case .object(let message) = entry, let role = message["role"]?.stringValue, role == "user" || role == "assistant" else {
                return .failure(Refusal("message \(index + 1) has no role user or assistant"))
            }
            let blocks: [Value]
            switch message["content"] {
            case .array(let list)?: blocks = list
            case let block?: blocks = [block]
            case nil: blocks = []
            }
            var parts: [ContentPart] = []
            var calls: [ToolCall] = []
            for block in blocks {
                guard case .object(let content) = block else { continue }
                switch content["type"]?.stringValue {
                case "text": parts.append(.text(content["text"]?.stringValue ?? ""))
                case "image":
                    guard let data = content["data"]?.stringValue else { continue }
                    parts.append(.imageURL("data:\(content["mimeType"]?.stringValue ?? "image/png");base64,\(data)"))
                case "tool_use" where role == "assistant":
                    switch toolCall(content) {
                    case .success(let call): calls.append(call)
                    case .failure(let refusal): return .failure(Refusal("message \(index + 1): \(refusal.description)"))
                    }
                case "tool_result" where role == "user":
                    // Each result is the model's `tool` message answering its call, before the text.
                    switch toolResult(content) {
                    case .success(let result): messages.append(result)
                    case .failure(let refusal): return .failure(Refusal("message \(index + 1): \(refusal.description)"))
                    }
                default:
                    return .failure(Refusal("message \(index + 1) has content lmg's model cannot take (\(content["type"]?.stringValue ?? "no type"))"))
                }
            }
            if parts.isEmpty && (!calls.isEmpty || role == "user") {
                if !calls.isEmpty { messages.append(ChatMessage(role: .assistant, content: nil, toolCalls: calls)) }
                continue
            }
            var content = MessageContent.parts(parts)
            if parts.count == 1, case .text(let text) = parts[0] { content = .text(text) }
            messages.append(ChatMessage(role: role == "user" ? .user : .assistant, content: content, toolCalls: calls.isEmpty ? nil : calls))
        }
        if messages.allSatisfy({ $0.role == .system }) { return .failure(Refusal("a sampling request needs messages")) }
        var request = ChatRequest(messages: messages)
        if let raw = params["maxTokens"] {
            // A server's number: whole, positive and sane, or the request is refused (never a trap).
            guard let tokens = raw.intValue ?? raw.doubleValue.flatMap({ Int(exactly: $0) }), (1...10_000_000).contains(tokens) else {
                return .failure(Refusal("maxTokens must be a whole number from 1 to 10000000"))
            }
            request.maxTokens = tokens
        }
        request.temperature = params["temperature"]?.doubleValue ?? params["temperature"]?.intValue.map(Double.init)
        if case .array(let stops)? = params["stopSequences"], !stops.isEmpty {
            request.extraMembers["stop"] = .array(stops.compactMap(\.stringValue).map { .string($0) })
        }
        request.model = preferredModel(params["modelPreferences"], among: models)
        switch tools(params) {
        case .success(let (tools, choice)):
            request.tools = tools
            request.toolChoice = choice
        case .failure(let refusal):
            return .failure(refusal)
        }
        return .success(request)
    }

    /// The configured model the first matching hint names; nil for the default.
    static func preferredModel(_ preferences: Value?, among models: [String]) -> String? {
        guard case .object(let preferences)? = preferences, case .array(let hints)? = preferences["hints"] else { return nil }
        for hint in hints {
            guard case .object(let object) = hint, let name = object["name"]?.stringValue?.lowercased(), !name.isEmpty else { continue }
            if let model = models.first(where: { $0.lowercased().contains(name) }) { return model }
        }
        return nil
    }

    /// The `CreateMessageResult` for the model's turn: its text, and the tools it calls as
    /// `tool_use` blocks (`stopReason: "toolUse"`); the server runs them and samples again.
    public static func result(_ turn: ModelTurn, model: String) throws(Refusal) -> Value {
        let stop: String
        switch turn.finishReason {
        case "length": stop = "maxTokens"
        case "stop", nil: stop = "endTurn"
        case "tool_calls": stop = "toolUse"
        case let other?: stop = other
        }
        let text: Value = ["type": "text", "text": .string(turn.message.text)]
        var content = text
        let calls = turn.message.toolCalls ?? []
        if !calls.isEmpty {
            var blocks: [Value] = turn.message.text.isEmpty ? [] : [text]
            for call in calls { blocks.append(try toolUse(call)) }
            content = .array(blocks)
        }
        return [
            "role": "assistant",
            "content": content,
            "model": .string(model),
            "stopReason": .string(calls.isEmpty ? stop : "toolUse"),
        ]
    }

    /// What to show the person for `params`.
    public static func summary(_ params: Value?, server: String, request: ChatRequest) -> Summary {
        let last = request.messages.last?.text ?? ""
        return Summary(
            server: server, messages: request.messages.filter { $0.role != .system }.count, maxTokens: request.maxTokens,
            lastText: last.count > 80 ? String(last.prefix(79)) + "…" : last, model: request.model,
            tools: request.tools.map(\.function.name))
    }
}
