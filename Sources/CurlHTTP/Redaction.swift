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

    /// `url` with the password of its user info and every query value replaced: URLs in configs
    /// often carry credentials (`https://user:pass@host/`, `?api_key=…`). Keys stay, to recognise.
    public static func url(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        var text = String(url[..<schemeEnd.upperBound])
        var rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            authority = String(authority[...colon]) + placeholder + String(authority[at...])
        }
        text += authority
        rest = rest[authorityEnd...]
        guard let question = rest.firstIndex(of: "?") else { return text + rest }
        text += rest[...question]
        let fragment = rest[question...].firstIndex(of: "#") ?? rest.endIndex
        let query = rest[rest.index(after: question)..<fragment]
        text += query.split(separator: "&", omittingEmptySubsequences: false).map { pair in
            guard let eq = pair.firstIndex(of: "=") else { return String(pair) }
            return String(pair[...eq]) + placeholder
        }.joined(separator: "&")
        return text + rest[fragment...]
    }

    /// Headers as `name: value` text in name order, credential values replaced.
    public static func headers(_ headers: [String: String]) -> String {
        "[" + headers.keys.sorted().map { "\($0): \(isSecretHeader($0) ? placeholder : headers[$0]!)" }.joined(separator: ", ") + "]"
    }
}
