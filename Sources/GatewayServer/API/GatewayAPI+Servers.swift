import CurlHTTP
import Foundation
import MCPGateway

/// Servers, their status, token refresh and the process's health.
extension GatewayAPI {
    /// A server's configuration as the API shows it: every setting, never a secret (header
    /// values that are credentials, tokens, client secrets and environment values are left out).
    struct ServerView: Encodable {
        let name: String
        let type: String
        let command: String?
        let args: [String]?
        let env: [String]?
        let cwd: String?
        let url: String?
        let headers: [String: String]?
        let oauth2_token_url: String?
        let oauth2_client_id: String?
        let oauth2_scopes: [String]?
        let has_oauth2_client_secret: Bool
        let has_oauth2_token: Bool
        let timeout: Double
        let tool_timeout: Double?
        let enabled: Bool
        let allowed_tools: [String]?
        let disabled_tools: [String]?
        let forward_headers: [String]?
        /// Shown only when false: models may not read this server's resources.
        let resources: Bool?
        /// Shown only when one revision is configured.
        let protocol_version: String?
        /// The roots' URIs, when the config names any.
        let roots: [String]?

        init(_ config: MCPServerConfig) {
            name = config.name
            type = config.transport.rawValue
            command = config.command
            args = config.transport == .stdio ? config.args : nil
            env = config.env.isEmpty ? nil : config.env.keys.sorted()
            cwd = config.cwd
            url = config.url.map(Redaction.url)
            var shown: [String: String] = [:]
            for header in config.headers { shown[header.key] = header.isSecret ? Redaction.placeholder : header.value }
            headers = shown.isEmpty ? nil : shown
            oauth2_token_url = config.oauth2TokenURL.map(Redaction.url)
            oauth2_client_id = config.oauth2ClientID
            oauth2_scopes = config.oauth2Scopes.isEmpty ? nil : config.oauth2Scopes
            has_oauth2_client_secret = !(config.oauth2ClientSecret ?? "").isEmpty
            has_oauth2_token = !(config.oauth2Token ?? "").isEmpty
            timeout = config.timeout.milliseconds / 1000
            tool_timeout = config.toolTimeout.map { $0.milliseconds / 1000 }
            enabled = config.enabled
            allowed_tools = config.allowedTools
            disabled_tools = config.disabledTools.isEmpty ? nil : config.disabledTools
            forward_headers = config.forwardHeaders.isEmpty ? nil : config.forwardHeaders
            resources = config.modelResources ? nil : false
            if case .only(let version) = config.protocolPreference { protocol_version = version } else { protocol_version = nil }
            roots = config.roots?.map(\.uri)
        }
    }

    /// The config file's servers and those added over HTTP.
    func servers(_ caller: Caller) async -> APIResponse {
        struct List: Encodable { let servers: [ServerView] }
        let all = await registry.all
        return .json(List(servers: all.filter { caller.allows(server: $0.name) }.map(ServerView.init)))
    }

    func serverStatus(_ caller: Caller) async -> APIResponse {
        struct List: Encodable { let servers: [ServerStatus] }
        return .json(List(servers: await manager.status().filter { caller.allows(server: $0.name) }))
    }

    /// `{"server_name": S}` renews that server's token; no body renews every token.
    func refreshTokens(_ request: APIRequest, _ caller: Caller) async throws -> APIResponse {
        struct Body: Decodable { let server_name: String? }
        struct Entry: Encodable {
            let server: String
            let token_expires_at: Date?
            let error: String?
        }
        struct List: Encodable { let servers: [Entry] }
        let only = request.body.isEmpty ? nil : try body(request, as: Body.self).server_name
        if let only { _ = try await knownServer(only, for: caller) }
        let failures = await manager.refreshTokens()
        let statuses = await manager.status()
        recordTokenRefreshes(statuses, failures: failures)
        let entries = statuses
            .filter { (only == nil || $0.name == only) && caller.allows(server: $0.name) }
            .filter { $0.tokenExpiresAt != nil || failures[$0.name] != nil }
            .map { Entry(server: $0.name, token_expires_at: $0.tokenExpiresAt, error: failures[$0.name].map { "\($0)" }) }
        return .json(List(servers: entries))
    }

    func health() async -> APIResponse {
        struct Health: Encodable { let status: String }
        return .json(Health(status: "ok"))
    }

    /// Ready once the configuration is loaded and the store answers (a shared database may be
    /// down: the replica still serves what it has, but a load balancer should prefer another);
    /// says how many servers are in each state.
    func readiness() async -> APIResponse {
        struct Ready: Encodable {
            let status: String
            let servers: [String: Int]
            let store: String
        }
        var counts: [String: Int] = [:]
        for server in await manager.status() { counts[server.state.rawValue, default: 0] += 1 }
        switch store.availability {
        case .available:
            return .json(Ready(status: "ready", servers: counts, store: "available"))
        case .unavailable(let reason):
            return .json(Ready(status: "not_ready", servers: counts, store: "unavailable: \(reason)"), status: 503)
        }
    }
}
