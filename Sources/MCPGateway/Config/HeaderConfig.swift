/// One extra HTTP header sent to a server, as the seed design's `HeaderConfig(key:value:)`.
public struct HeaderConfig: Sendable, Hashable, Codable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// Header names whose values are credentials: never printed in status or errors.
    static let secretNames: Set<String> = ["authorization", "proxy-authorization", "x-api-key", "api-key", "cookie"]

    /// True when the value must be redacted wherever the header is shown.
    public var isSecret: Bool {
        let lower = key.lowercased()
        return Self.secretNames.contains(lower) || lower.contains("token") || lower.contains("secret")
            || lower.contains("key")
    }
}
