/// Why a token could not be obtained, told in one line naming the MCP server, the endpoint and
/// the OAuth error code, so a user can tell a wrong secret from an unreachable server at a glance.
///
/// Built only from the endpoint URL, the server's `error` / `error_description` and our own text:
/// never from request bodies or headers, so secrets and tokens cannot leak into it.
public struct OAuth2Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, so callers (and the refresh logic) can react without parsing text.
    public enum Kind: Sendable, Equatable {
        /// The token endpoint answered with an OAuth error (`invalid_client`, `invalid_grant`, …).
        case tokenEndpoint(code: String)
        /// The token endpoint answered something that is not an OAuth response (status, body).
        case badResponse
        /// The endpoint could not be reached.
        case unreachable
        /// No token endpoint could be found from the server's metadata.
        case discoveryFailed
    }

    /// Lets the refresh logic tell `invalid_grant` from other failures without parsing text.
    public var kind: Kind
    /// The MCP server's name from the config.
    public var server: String
    /// The URL that failed: token endpoint or metadata document.
    public var endpoint: String
    /// The rest of the line, after the server name.
    public var detail: String

    /// `detail` must already be safe to show: callers build it from URLs and server-sent codes only.
    public init(_ kind: Kind, server: String, endpoint: String, detail: String) {
        self.kind = kind
        self.server = server
        self.endpoint = endpoint
        self.detail = detail
    }

    /// An OAuth error answer: `token request to URL failed: code (description)`.
    static func tokenEndpoint(server: String, endpoint: String, code: String, description: String?) -> OAuth2Error {
        let suffix = description.map { $0.isEmpty ? "" : " (\($0))" } ?? ""
        return OAuth2Error(
            .tokenEndpoint(code: code), server: server, endpoint: endpoint,
            detail: "token request to \(endpoint) failed: \(code)\(suffix)")
    }

    /// The OAuth `error` code when the token endpoint sent one.
    public var code: String? {
        if case .tokenEndpoint(let code) = kind { return code }
        return nil
    }

    /// One line, prefixed like every other lmg error so users can grep by server.
    public var description: String { "server '\(server)': \(detail)" }
}
