import ArgumentParser
import Foundation
import GatewayRuntime
import LMGCommandLine
import MCPGateway

/// `lmg login SERVER`: a person's sign-in to an HTTP MCP server (OAuth authorization code with
/// PKCE), kept for every later lmg process.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login", abstract: "Sign in to an HTTP MCP server (OAuth with PKCE); the tokens are kept for later runs.",
        discussion: """
            The sign-in URL is printed on stderr on a line of its own, and opened in a browser when there \
            is a display (not with --no-browser). lmg listens on 127.0.0.1 for the browser's redirect.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The server's name in the configuration.")
    var server: String

    @Flag(name: .long, help: "Only print the URL; open it yourself, on this machine (the redirect comes to 127.0.0.1).")
    var noBrowser = false

    @Flag(name: .long, help: "Sign in with a code entered on another device (RFC 8628), where the server offers it.")
    var device = false

    @Option(name: .long, help: "Seconds to wait for the sign-in to come back.")
    var timeout = 300

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be at least 1") }
    }

    func run() async throws {
        do {
            let runtime = try global.runtime()
            let config = try runtime.servers(only: server)[0]
            let openBrowser = !noBrowser && Browser.available(runtime.environment)
            let flow = SignInFlow(config: config, store: runtime.signIns, redirectTimeout: .seconds(timeout)) { url in
                Terminal.trace("lmg login: sign in to '\(config.name)' at this URL\(openBrowser ? " (opening a browser)" : ""):")
                Terminal.trace(url)
                if openBrowser { Browser.open(url) }
            }
            let record = device
                ? try await flow.runDevice { code in
                    Terminal.trace("lmg login: to sign in to '\(config.name)', enter the code \(code.userCode) at \(code.verificationURI)")
                    if let complete = code.verificationURIComplete { Terminal.trace("(or open \(complete))") }
                }
                : try await flow.run()
            Terminal.out("signed in to '\(config.name)'" + SignInSummary.details(record))
        } catch {
            throw ExitStatus.report(error)
        }
    }
}

/// `lmg logout SERVER`: revokes the sign-in at the authorization server (RFC 7009) when it
/// offers revocation, and forgets it here.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout", abstract: "Revoke and forget the sign-in to a server.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The server's name in the configuration.")
    var server: String

    func run() async throws {
        do {
            let runtime = try global.runtime()
            let config = try runtime.servers(only: server)[0]
            switch try await SignOut.run(config, store: runtime.signIns) {
            case .notSignedIn:
                Terminal.out("not signed in to '\(config.name)'")
            case .revoked(let endpoint):
                Terminal.out("signed out of '\(config.name)' (tokens revoked at \(endpoint))")
            case .forgotten:
                Terminal.out("signed out of '\(config.name)' (its authorization server offers no revocation: the tokens were forgotten here and stay valid there until they expire)")
            }
        } catch {
            throw ExitStatus.report(error)
        }
    }
}

/// `lmg auth`: how each HTTP server authenticates, and each sign-in's scopes and expiry; never a token.
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth", abstract: "Show how each HTTP server authenticates: signed in or not, scopes, expiry (never a token).")

    @OptionGroup var global: GlobalOptions

    struct Row: Encodable {
        let server: String
        let method: String
        let signed_in: Bool?
        let client_id: String?
        let scopes: [String]?
        let expires_at: Date?
        let issuer: String?
    }

    func run() async throws {
        do {
            let runtime = try global.runtime()
            var rows: [Row] = []
            for config in runtime.config.servers where config.transport != .stdio {
                let record = try await config.url.asyncMap { try await runtime.signIns.signIn(resource: $0, clientID: nil) } ?? nil
                let method = config.usesOAuth2ClientCredentials ? "client credentials"
                    : !(config.oauth2Token ?? "").isEmpty ? "static token" : "sign-in"
                rows.append(Row(
                    server: config.name, method: method, signed_in: method == "sign-in" ? record != nil : nil,
                    client_id: method == "sign-in" ? record?.clientID : config.oauth2ClientID, scopes: record?.scopes,
                    expires_at: record?.expiresAt, issuer: record?.issuer))
            }
            if global.json {
                try Terminal.json(rows)
            } else if rows.isEmpty {
                Terminal.out("no HTTP servers configured in \(runtime.config.path ?? "the embedded default")")
            } else {
                Terminal.out(Terminal.table(["SERVER", "AUTH", "SIGNED IN", "SCOPES", "EXPIRES", "CLIENT"], rows.map { row in
                    [row.server, row.method, row.signed_in.map { $0 ? "yes" : "no (lmg login \(row.server))" } ?? "-",
                     row.scopes.map { $0.isEmpty ? "-" : $0.joined(separator: " ") } ?? "-",
                     row.expires_at.map(ServersCommand.expiry) ?? "-", row.client_id ?? "-"]
                }, maxWidth: 120))
            }
        } catch {
            throw ExitStatus.report(error)
        }
    }
}

/// What `lmg login` says of a sign-in: scopes and expiry, never a token.
enum SignInSummary {
    static func details(_ record: SignInRecord) -> String {
        var parts: [String] = []
        if !record.scopes.isEmpty { parts.append("scopes \(record.scopes.joined(separator: " "))") }
        if let expiresAt = record.expiresAt { parts.append("token expires in \(ServersCommand.expiry(expiresAt))") }
        parts.append(record.refreshToken == nil ? "no refresh token: sign in again when it expires" : "renewed automatically")
        return " (" + parts.joined(separator: "; ") + ")"
    }
}

extension Optional {
    /// `map` with an async throwing transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
