/// Why a sign-in could not happen or did not finish, in one line that names the server and says
/// what to do. Built from URLs, OAuth error codes and our own words only, never from tokens,
/// codes, verifiers or secrets.
public struct SignInError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server wants a person's sign-in and none is stored (or it was revoked).
        case signInRequired
        /// The authorization server offers no authorization-code grant, or no PKCE with S256.
        case unsupportedServer
        /// No way to identify lmg to the authorization server: a config key is missing.
        case noClient
        /// The redirect did not come back from this sign-in (`state`), or from another issuer (`iss`).
        case forgedRedirect
        /// The person or the authorization server said no (`error=access_denied`, …).
        case refused(code: String)
        /// No redirect arrived in time.
        case timedOut
        /// Registration, token or revocation request failed.
        case endpoint
        /// The token file cannot be trusted or written.
        case store
    }

    public var kind: Kind
    /// The config's name of the server; nil for the token file's own problems.
    public var server: String?
    /// The rest of the line.
    public var detail: String

    public init(_ kind: Kind, server: String?, _ detail: String) {
        self.kind = kind
        self.server = server
        self.detail = detail
    }

    public var description: String { server.map { "server '\($0)': \(detail)" } ?? detail }

    /// The line every front end without a terminal shows for a server that needs a person.
    static func required(_ server: String, why: String = "needs you to sign in") -> SignInError {
        SignInError(.signInRequired, server: server, "\(why); run `lmg login \(server)`")
    }
}
