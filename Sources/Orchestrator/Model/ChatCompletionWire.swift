import MCP
import MCPGateway

/// A Chat Completions answer or streamed chunk, decoded leniently: compatible servers differ in
/// which fields they send, and a missing optional field must never fail a turn. A plain answer
/// carries `choices[].message`; a chunk carries `choices[].delta` (and a last one only `usage`).
struct ChatCompletionWire: Decodable {
    struct Choice: Decodable {
        var message: WireMessage?
        var delta: WireMessage?
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case message, delta
            case finishReason = "finish_reason"
        }
    }

    var choices: [Choice]?
    var usage: TokenUsage?
}

/// A message or a delta: every field optional.
struct WireMessage: Decodable {
    var content: String?
    var toolCalls: [WireToolCall]?

    enum CodingKeys: String, CodingKey {
        case content
        case toolCalls = "tool_calls"
    }
}

struct WireToolCall: Decodable {
    struct Function: Decodable {
        var name: String?
        var arguments: String?

        enum CodingKeys: String, CodingKey {
            case name, arguments
        }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name)
            if let text = try? container.decodeIfPresent(String.self, forKey: .arguments) {
                arguments = text
            } else if let value = try? container.decodeIfPresent(Value.self, forKey: .arguments) {
                // Some servers (Ollama among them) send the arguments as an object, not JSON text.
                arguments = ContentRenderer.json(value)
            }
        }
    }

    var index: Int?
    var id: String?
    var function: Function?
}

/// An error body, `{"error": {"message": …}}` or a bare `{"message": …}` / `{"detail": …}`.
struct WireErrorBody: Decodable {
    struct Detail: Decodable {
        var message: String?
        var type: String?
        var code: StringOrInt?
    }

    var error: Detail?
    var message: String?
    var detail: String?

    var bestMessage: String? { error?.message ?? message ?? detail }
}

/// Some servers send `code` as a number, others as a string.
struct StringOrInt: Decodable {
    var text: String

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let int = try? container.decode(Int.self) { text = String(int) } else { text = try container.decode(String.self) }
    }
}
