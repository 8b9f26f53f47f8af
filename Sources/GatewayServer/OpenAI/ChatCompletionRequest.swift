import Foundation
import ModelClient

/// A `POST /v1/chat/completions` body, checked member by member: a bad member is a 400 naming
/// it (`param`), and every member the gateway does not model (`seed`, `stop`, `response_format`,
/// `max_completion_tokens`, …) is kept to pass through to the upstream unchanged.
struct ChatCompletionRequest: Sendable {
    /// Which MCP tools the caller asks for (`"mcp"` in the body).
    enum MCPMember: Sendable, Equatable {
        /// Absent or `true`: every tool the key may use.
        case all
        /// `false`: no MCP tools.
        case off
        /// `{"servers": [...], "tools": [...]}`: narrowed; nil members do not narrow.
        case only(servers: [String]?, tools: [String]?)
    }

    var model: String
    var messages: [ChatMessage]
    var stream: Bool
    var includeUsage: Bool
    var temperature: Double?
    var maxTokens: Int?
    var toolChoice: JSONValue?
    /// The caller's own functions; their calls are answered to the caller.
    var tools: [FunctionTool]
    var mcp: MCPMember
    /// The members passed through as they are.
    var extraMembers: [String: JSONValue]

    /// Members this type reads; all others pass through.
    static let ownMembers: Set<String> = [
        "model", "messages", "stream", "stream_options", "temperature", "max_tokens", "tools", "tool_choice", "mcp", "n",
    ]

    init(body: Data) throws(OpenAIError) {
        guard !body.isEmpty else { throw .invalidRequest("the request needs a JSON body", param: nil) }
        guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: body) else {
            throw .invalidRequest("the body is not a JSON object", param: nil)
        }
        guard case .string(let model)? = object["model"], !model.isEmpty else {
            throw .invalidRequest("'model' is required: a model name (GET /v1/models lists them)", param: "model")
        }
        self.model = model
        messages = try Self.messages(object["messages"])
        stream = try Self.bool(object["stream"], "stream") ?? false
        switch object["stream_options"] {
        case nil, .null?: includeUsage = false
        case .object(let options)?: includeUsage = try Self.bool(options["include_usage"], "stream_options.include_usage") ?? false
        default: throw .invalidRequest("'stream_options' must be an object", param: "stream_options")
        }
        temperature = try Self.number(object["temperature"], "temperature")
        if let temperature, !(0...2).contains(temperature) {
            throw .invalidRequest("'temperature' must be between 0 and 2", param: "temperature")
        }
        switch object["max_tokens"] {
        case nil, .null?: maxTokens = nil
        case .int(let value)? where value >= 1: maxTokens = value
        default: throw .invalidRequest("'max_tokens' must be a whole number of at least 1", param: "max_tokens")
        }
        switch object["n"] {
        case nil, .null?, .int(1)?: break
        default: throw .invalidRequest("'n' must be 1: this gateway answers one choice", param: "n")
        }
        tools = try Self.tools(object["tools"])
        switch object["tool_choice"] {
        case nil, .null?: toolChoice = nil
        case .string(let choice)? where ["auto", "none", "required"].contains(choice): toolChoice = .string(choice)
        case .object(let choice)? where choice["type"] == .string("function"): toolChoice = .object(choice)
        default: throw .invalidRequest("'tool_choice' must be auto, none, required or {\"type\": \"function\", \"function\": {\"name\": …}}", param: "tool_choice")
        }
        mcp = try Self.mcp(object["mcp"])
        extraMembers = object.filter { !Self.ownMembers.contains($0.key) && !ChatRequest.modelledMembers.contains($0.key) }
    }

    // MARK: - Members

    static func bool(_ value: JSONValue?, _ param: String) throws(OpenAIError) -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: throw .invalidRequest("'\(param)' must be true or false", param: param)
        }
    }

    static func number(_ value: JSONValue?, _ param: String) throws(OpenAIError) -> Double? {
        switch value {
        case nil, .null?: return nil
        case .int(let number)?: return Double(number)
        case .double(let number)?: return number
        default: throw .invalidRequest("'\(param)' must be a number", param: param)
        }
    }

    static func strings(_ value: JSONValue?, _ param: String) throws(OpenAIError) -> [String]? {
        switch value {
        case nil, .null?: return nil
        case .array(let items)?:
            var strings: [String] = []
            for item in items {
                guard case .string(let text) = item, !text.isEmpty else {
                    throw .invalidRequest("'\(param)' must be an array of non-empty strings", param: param)
                }
                strings.append(text)
            }
            return strings
        default: throw .invalidRequest("'\(param)' must be an array of strings", param: param)
        }
    }

    /// Each message as the model client's `ChatMessage`; `developer` is sent as `system`, and
    /// content parts other than text and images are refused rather than silently dropped.
    static func messages(_ value: JSONValue?) throws(OpenAIError) -> [ChatMessage] {
        guard case .array(let items)? = value, !items.isEmpty else {
            throw .invalidRequest("'messages' must be a non-empty array of messages", param: "messages")
        }
        var messages: [ChatMessage] = []
        for (index, item) in items.enumerated() {
            let at = "messages[\(index)]"
            guard case .object(var message) = item else { throw .invalidRequest("'\(at)' must be an object", param: at) }
            guard case .string(let role)? = message["role"] else { throw .invalidRequest("'\(at).role' is required", param: at + ".role") }
            guard ["system", "developer", "user", "assistant", "tool"].contains(role) else {
                throw .invalidRequest("'\(at).role' is '\(role)'; expected system, developer, user, assistant or tool", param: at + ".role")
            }
            if role == "developer" { message["role"] = .string("system") }
            if case .array(let parts)? = message["content"] {
                for (partIndex, part) in parts.enumerated() {
                    guard case .object(let fields) = part, case .string(let type)? = fields["type"], ["text", "image_url"].contains(type) else {
                        throw .invalidRequest("'\(at).content[\(partIndex)]' must be a text or image_url part", param: "\(at).content[\(partIndex)]")
                    }
                }
            }
            if role == "tool", message["tool_call_id"] == nil {
                throw .invalidRequest("'\(at).tool_call_id' is required on a tool message", param: at + ".tool_call_id")
            }
            do {
                messages.append(try JSONDecoder().decode(ChatMessage.self, from: JSONEncoder().encode(JSONValue.object(message))))
            } catch {
                throw .invalidRequest("'\(at)' is not a valid message (content must be a string or an array of parts; tool_calls an array of function calls)", param: at)
            }
        }
        return messages
    }

    /// The caller's functions: `{"type": "function", "function": {"name", "description", "parameters"}}`.
    static func tools(_ value: JSONValue?) throws(OpenAIError) -> [FunctionTool] {
        switch value {
        case nil, .null?: return []
        case .array(let items)?:
            var tools: [FunctionTool] = []
            for (index, item) in items.enumerated() {
                let at = "tools[\(index)]"
                guard case .object(let entry) = item, entry["type"] == .string("function") else {
                    throw .invalidRequest("'\(at)' must be {\"type\": \"function\", \"function\": {...}}", param: at)
                }
                guard let tool = try? JSONDecoder().decode(FunctionTool.self, from: JSONEncoder().encode(item)) else {
                    throw .invalidRequest("'\(at).function' needs a name, and parameters must be a JSON Schema object", param: at + ".function")
                }
                let name = tool.function.name
                guard (1...64).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                    throw .invalidRequest("'\(at).function.name' must be 1 to 64 letters, digits, _ or -", param: at + ".function.name")
                }
                guard !tools.contains(where: { $0.function.name == name }) else {
                    throw .invalidRequest("'\(at).function.name': the function '\(name)' is listed twice", param: at + ".function.name")
                }
                tools.append(tool)
            }
            return tools
        default: throw .invalidRequest("'tools' must be an array", param: "tools")
        }
    }

    static func mcp(_ value: JSONValue?) throws(OpenAIError) -> MCPMember {
        switch value {
        case nil, .null?, .bool(true)?: return .all
        case .bool(false)?: return .off
        case .object(let object)?:
            if let unknown = object.keys.first(where: { $0 != "servers" && $0 != "tools" }) {
                throw .invalidRequest("'mcp.\(unknown)' is not known; 'mcp' takes servers and tools", param: "mcp.\(unknown)")
            }
            return .only(servers: try strings(object["servers"], "mcp.servers"), tools: try strings(object["tools"], "mcp.tools"))
        default: throw .invalidRequest("'mcp' must be false, true or {\"servers\": [...], \"tools\": [...]}", param: "mcp")
        }
    }
}
