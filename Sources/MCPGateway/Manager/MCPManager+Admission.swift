/// The way through the actor: a request passes the state machine (unknown, disabled, shut down,
/// connecting), then the server's health gate (breaker, restart, backoff), and is retried with
/// backoff while the failure is the server's.
extension MCPManager {
    /// The connected client for `name`, restarted first if its connection died (within backoff);
    /// otherwise an error that says why there is none.
    public func client(named name: String) async throws -> MCPClient {
        try await admit(name).client
    }

    /// Passes the server's health gate: waits for a connect in progress, restarts a dead
    /// connection at most once, and refuses at once while the breaker is open.
    func admit(_ name: String) async throws -> (client: MCPClient, gate: HealthGate) {
        var restarted = false
        while true {
            switch table.read({ $0.admission(name) }) {
            case .refuse(let refusal):
                throw refusal
            case .awaitConnect(let generation):
                if let connect = work[generation]?.connect { await connect.value } else { await Task.yield() }
            case .consult(let gate, let live, let failure):
                if live == nil && restarted {
                    throw failure ?? MCPClientError(.notConnected, server: name, "could not restart the server", requestWasNotSent: true)
                }
                switch gate.admit(connected: live != nil, now: .now) {
                case .proceed:
                    return (live!, gate)
                case .restart:
                    restarted = true
                    await restart(name)?.value
                case .breakerOpen(let retryAfter):
                    throw MCPManagerError.circuitOpen(server: name, retryAfter: retryAfter, lastError: gate.snapshot.lastError)
                case .restartBackoff(let retryAfter):
                    throw MCPManagerError.restartBackoff(server: name, retryAfter: retryAfter, lastError: gate.snapshot.lastError)
                }
            }
        }
    }

    /// Runs `body` against the server through its health gate, recording the outcome; retries
    /// with backoff while the failure is the server's and `retryable` allows it.
    /// `attemptsMade`: tries already spent on the hot path, so the total stays within the policy.
    func perform<T: Sendable>(
        _ name: String, attemptsMade: Int = 0, retryable: @Sendable (any Error) -> Bool = { _ in true },
        _ body: @Sendable (MCPClient) async throws -> T
    ) async throws -> T {
        var attempt = attemptsMade
        if attempt > 0 { try await Task.sleep(for: policy.retry.delay(forRetry: attempt - 1)) }
        while true {
            let (client, gate) = try await admit(name)
            let started = ContinuousClock.now
            do {
                let value = try await body(client)
                gate.record(nil, started: started, on: client)
                return value
            } catch {
                gate.record(error, started: started, on: client)
                attempt += 1
                guard FailureClassification.mayRetry(error, attempt: attempt, of: policy.retry.attempts, retryable: retryable)
                else { throw error }
                try await Task.sleep(for: policy.retry.delay(forRetry: attempt - 1))
            }
        }
    }
}
