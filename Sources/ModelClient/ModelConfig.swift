import CurlHTTP

/// The `model` section: an OpenAI-compatible Chat Completions endpoint.
///
/// The API key never prints: `description`, `debugDescription`, `dump` and string interpolation
/// show whether one is set, not what it is (nor any header value that looks like a credential).
public struct ModelConfig: Sendable, Hashable {
    /// The name requests use when neither the config, the environment nor a flag names a model.
    public static let defaultModelName = "default"

    /// e.g. `https://api.openai.com/v1`, `http://127.0.0.1:8080/v1`.
    public var baseURL: String?
    /// Sent as `Authorization: Bearer`; wins over an `Authorization` entry in `headers`.
    public var apiKey: String?
    /// The model name sent in requests; ``defaultModelName`` when nil.
    public var name: String?
    public var temperature: Double?
    public var maxTokens: Int?
    /// Stream answers (SSE) when true; the default.
    public var stream: Bool
    /// Extra request headers by name. An `Authorization` header here is sent only when no
    /// `apiKey` is set (for endpoints that want another scheme than Bearer).
    public var headers: [String: String]
    /// For a plain answer, the limit on the whole request; for a streamed one, the longest
    /// silence between two pieces of the stream, since a long answer may stream for minutes.
    public var timeout: Duration
    /// What the endpoint charges, for `lmg chat`'s `/usage`; never sent.
    public var prices: TokenPrices?

    public init(
        baseURL: String? = nil, apiKey: String? = nil, name: String? = nil, temperature: Double? = nil,
        maxTokens: Int? = nil, stream: Bool = true, headers: [String: String] = [:], timeout: Duration = .seconds(120)
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.name = name
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.stream = stream
        self.headers = headers
        self.timeout = timeout
    }

    /// The model requests go to.
    public var modelName: String { name ?? Self.defaultModelName }

    /// True when both `apiKey` and an `Authorization` header are set: the header is not sent.
    public var authorizationHeaderIsShadowed: Bool {
        !(apiKey ?? "").isEmpty && headers.keys.contains { $0.lowercased() == "authorization" }
    }

    /// The headers of one request: content negotiation, then `headers`, then the API key.
    public func requestHeaders(streaming: Bool) -> HTTPHeaders {
        var result: HTTPHeaders = [
            "Content-Type": "application/json",
            "Accept": streaming ? "text/event-stream" : "application/json",
        ]
        for name in headers.keys.sorted() { result.replaceOrAdd(name: name, value: headers[name]!) }
        if let key = apiKey, !key.isEmpty { result.replaceOrAdd(name: "Authorization", value: "Bearer \(key)") }
        return result
    }

    /// The request limits `timeout` stands for (see its comment).
    public func timeouts(streaming: Bool) -> HTTPTimeouts {
        HTTPTimeouts(connect: HTTPTimeouts.connectCap, total: streaming ? nil : timeout, idle: streaming ? timeout : nil)
    }
}

extension ModelConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        let key = (apiKey ?? "").isEmpty ? "none" : "<redacted>"
        return "ModelConfig(baseURL: \(baseURL ?? "nil"), model: \(modelName), apiKey: \(key), stream: \(stream), headers: \(Redaction.headers(headers)))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "baseURL": baseURL as Any, "apiKey": Redaction.mark(apiKey) as Any, "name": name as Any,
            "temperature": temperature as Any, "maxTokens": maxTokens as Any, "stream": stream,
            "headers": Redaction.headers(headers), "timeout": timeout,
        ], displayStyle: .struct)
    }
}
