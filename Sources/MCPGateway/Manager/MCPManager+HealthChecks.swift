/// Periodic pings, so an outage and the recovery show in the status without any call.
extension MCPManager {
    /// Starts pinging a registration every interval of the policy (none for most stdio servers).
    func startHealthChecks(_ name: String, generation: Int) {
        guard let config = table.read({ $0.servers[name]?.config }), let interval = policy.healthCheckInterval(for: config)
        else { return }
        work[generation, default: Work()].healthCheck = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled, let self else { return }
                await self.checkHealth(name, generation: generation)
            }
        }
    }

    /// Pings the server through its health gate: a failure counts toward the breaker, a dead
    /// connection is restarted within backoff, and a success closes a half-open breaker.
    public func checkHealth(_ name: String) async {
        guard let generation = table.read({ $0.servers[name]?.generation }) else { return }
        await checkHealth(name, generation: generation)
    }

    /// The same for one registration: a replaced server's checks stop counting.
    private func checkHealth(_ name: String, generation: Int) async {
        guard let entry = table.read({ $0.servers[name] }), entry.generation == generation, entry.isCheckable else { return }
        let limit = entry.config.timeout
        _ = try? await perform(name, retryable: { _ in false }) { client in try await client.ping(timeout: limit) }
    }
}
