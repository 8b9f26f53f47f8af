import CurlHTTP

/// One extra HTTP header sent to a server, as the seed design's `HeaderConfig(key:value:)`.
public struct HeaderConfig: Sendable, Hashable, Codable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// True when the value must be redacted wherever the header is shown.
    public var isSecret: Bool { Redaction.isSecretHeader(key) }
}

/// A credential header prints as `Authorization: <redacted>`, in interpolation, `dump` and debuggers.
extension HeaderConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "\(key): \(isSecret ? Redaction.placeholder : value)" }
    public var debugDescription: String { "HeaderConfig(\(description))" }
    public var customMirror: Mirror {
        Mirror(self, children: ["key": key, "value": isSecret ? Redaction.placeholder : value], displayStyle: .struct)
    }
}
