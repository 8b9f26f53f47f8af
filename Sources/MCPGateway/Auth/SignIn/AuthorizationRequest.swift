import Foundation

/// One authorization request of the code flow (RFC 6749 §4.1 with PKCE, RFC 8707 `resource`)
/// and the check of the redirect that answers it (`state`, RFC 9207 `iss`). Pure: the URL and
/// the verdict depend on these values alone, so every refusal is tested without a browser.
public struct AuthorizationRequest: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let server: String
    public let metadata: AuthorizationServerMetadata
    public let clientID: String
    public let redirectURI: String
    public let scopes: [String]
    /// The MCP server's URL: the token is for it and nothing else.
    public let resource: String
    /// Ties the redirect to this request (CSRF); never shown.
    let state: String
    let pkce: PKCE

    public init(
        server: String, metadata: AuthorizationServerMetadata, clientID: String, redirectURI: String, scopes: [String],
        resource: String, state: String = PKCE.randomToken(bytes: 24), pkce: PKCE = PKCE()
    ) {
        self.server = server
        self.metadata = metadata
        self.clientID = clientID
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.resource = resource
        self.state = state
        self.pkce = pkce
    }

    /// The URL the person opens. It carries the challenge and `state`, which are safe to show:
    /// neither lets anyone else finish the sign-in without the verifier and the listener.
    public var url: String {
        var parts = URLComponents(string: metadata.authorizationEndpoint ?? "") ?? URLComponents()
        var items = parts.queryItems ?? []
        items += [
            URLQueryItem(name: "response_type", value: "code"),
            URLQueryItem(name: "client_id", value: clientID),
            URLQueryItem(name: "redirect_uri", value: redirectURI),
            URLQueryItem(name: "state", value: state),
            URLQueryItem(name: "code_challenge", value: pkce.challenge),
            URLQueryItem(name: "code_challenge_method", value: PKCE.method),
            URLQueryItem(name: "resource", value: resource),
        ]
        if !scopes.isEmpty { items.append(URLQueryItem(name: "scope", value: scopes.joined(separator: " "))) }
        parts.queryItems = items
        // URLComponents leaves '+' alone in queries; servers read it as a space.
        parts.percentEncodedQuery = parts.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return parts.string ?? ""
    }

    /// The code the redirect carries, once it is shown to answer this request: `state` first (a
    /// redirect from elsewhere is refused before anything else is read), then `iss` when the
    /// server sends it or promised to, then the server's own error.
    public func code(fromRedirect query: [String: String]) throws(SignInError) -> String {
        guard let returned = query["state"], returned.utf8.elementsEqual(state.utf8) else {
            throw SignInError(.forgedRedirect, server: server,
                              "the sign-in redirect does not answer this sign-in (its state differs); nothing was accepted, sign in again")
        }
        if let iss = query["iss"] {
            guard iss == metadata.issuer else {
                throw SignInError(.forgedRedirect, server: server,
                                  "the sign-in redirect names the issuer \(iss), not \(metadata.issuer) (RFC 9207); nothing was accepted")
            }
        } else if metadata.authorizationResponseIssParameterSupported {
            throw SignInError(.forgedRedirect, server: server,
                              "the sign-in redirect has no iss although \(metadata.issuer) promises one (RFC 9207); nothing was accepted")
        }
        if let error = query["error"] {
            let why = query["error_description"].map { " (\(String($0.prefix(200))))" } ?? ""
            throw SignInError(.refused(code: error), server: server, "the authorization server refused the sign-in: \(error)\(why)")
        }
        guard let code = query["code"], !code.isEmpty else {
            throw SignInError(.forgedRedirect, server: server, "the sign-in redirect carries no code")
        }
        return code
    }

    public var description: String {
        "AuthorizationRequest(server: '\(server)', client: \(clientID), redirect: \(redirectURI), scopes: \(scopes))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["server": server, "clientID": clientID, "redirectURI": redirectURI, "scopes": scopes], displayStyle: .struct)
    }
}
