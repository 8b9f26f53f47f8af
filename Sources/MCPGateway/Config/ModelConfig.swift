/// The `model` section: an OpenAI-compatible Chat Completions endpoint.
public struct ModelConfig: Sendable, Hashable {
    /// e.g. `https://api.openai.com/v1`, `http://127.0.0.1:8080/v1`.
    public var baseURL: String?
    /// Sent as a Bearer token; never shown.
    public var apiKey: String?
    /// The model name sent in requests.
    public var name: String?
    public var temperature: Double?
    public var maxTokens: Int?
    /// Stream answers (SSE) when true; the default.
    public var stream: Bool
    public var headers: [HeaderConfig]
    /// Per-request limit in seconds.
    public var timeout: Duration

    public init(
        baseURL: String? = nil, apiKey: String? = nil, name: String? = nil, temperature: Double? = nil,
        maxTokens: Int? = nil, stream: Bool = true, headers: [HeaderConfig] = [], timeout: Duration = .seconds(120)
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
}
