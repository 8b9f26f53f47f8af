import Foundation
import GatewayRuntime
import MCPGateway

/// A server that wants a person's sign-in, met in `lmg chat`: the session signs in itself, in
/// the background, and the server joins once signed in. The URL is shown above the prompt on a
/// line of its own (and opened in a browser where there is one), so typing goes on meanwhile.
extension ChatSession {
    /// True when `error` is a refusal a person's sign-in can fix: an HTTP server without client
    /// credentials or a static token that answered 401 (or 403 asking for more scope).
    static func wantsSignIn(_ error: any Error, _ config: MCPServerConfig) -> Bool {
        guard config.transport != .stdio, !config.usesOAuth2ClientCredentials, (config.oauth2Token ?? "").isEmpty else { return false }
        if let error = error as? MCPClientError, case .transport(.unauthorized) = error.kind { return true }
        if let error = error as? TransportError, error.kind == .unauthorized { return true }
        return false
    }

    /// Runs the sign-in for `config`'s server, then connects it; each step is one notice.
    func signIn(_ config: MCPServerConfig) async {
        let notices = notices
        let openBrowser = Browser.available(runtime.environment)
        let flow = SignInFlow(config: config, store: runtime.signIns) { url in
            notices.post("server '\(config.name)' needs you to sign in; open this URL\(openBrowser ? " (opening a browser)" : ""), lmg waits 5 minutes:")
            notices.post(url)
            if openBrowser { Browser.open(url) }
        }
        do {
            _ = try await flow.run()
            try await manager.addServer(config)
            notices.post("signed in to '\(config.name)': its tools are ready")
        } catch {
            notices.post("not available: \(error)")
        }
        await serversChanged()
    }
}
