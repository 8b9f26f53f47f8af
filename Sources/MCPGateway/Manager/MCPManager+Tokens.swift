/// OAuth2 tokens of every server, renewed on demand through the shared token manager.
extension MCPManager {
    /// Renews every OAuth2 token now, concurrently (ahead of a planned revocation, or to check that
    /// credentials still work); returns the failures by server. Calls keep flowing meanwhile.
    @discardableResult
    public func refreshTokens() async -> [String: OAuth2Error] {
        let failures = await options.tokenManager.refreshAll()
        guard !failures.isEmpty else { return [:] }
        var byServer: [String: OAuth2Error] = [:]
        for config in table.read({ $0.servers.values.map(\.config) }) {
            if let key = await options.tokenManager.credentials(for: config)?.key, let failure = failures[key] {
                byServer[config.name] = failure
            }
        }
        return byServer
    }
}
