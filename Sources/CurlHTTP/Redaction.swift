/// How configuration types print credentials: never the value, only that one is set.
public enum Redaction {
    /// What stands in for a secret.
    public static let placeholder = "<redacted>"

    /// `placeholder` for a non-empty secret, nil for none: says whether one is set.
    public static func mark(_ secret: String?) -> String? {
        guard let secret, !secret.isEmpty else { return nil }
        return placeholder
    }

    /// Header names whose values are credentials.
    static let secretNames: Set<String> = ["authorization", "proxy-authorization", "x-api-key", "api-key", "cookie"]

    /// True when a header's value must never be shown: credentials by name, and anything whose
    /// name mentions a token, a secret or a key.
    public static func isSecretHeader(_ name: String) -> Bool {
        let lower = name.lowercased()
        return secretNames.contains(lower) || lower.contains("token") || lower.contains("secret") || lower.contains("key")
    }

    /// Headers as `name: value` text in name order, credential values replaced.
    public static func headers(_ headers: [String: String]) -> String {
        "[" + headers.keys.sorted().map { "\($0): \(isSecretHeader($0) ? placeholder : headers[$0]!)" }.joined(separator: ", ") + "]"
    }
}
