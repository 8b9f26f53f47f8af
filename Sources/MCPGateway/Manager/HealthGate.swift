import Locking

/// A server's `ServerHealth` under a lock, so the manager's hot path can consult and update it
/// without hopping onto the manager's actor (each hop is a thread hand-off on a busy pool).
final class HealthGate: Sendable {
    private struct State {
        var health: ServerHealth
        /// The connection whose death was already counted.
        var deadConnection: ObjectIdentifier?
    }

    private let state: Locked<State>

    init(policy: ManagerPolicy) {
        state = Locked(State(health: ServerHealth(policy: policy)))
    }

    func admit(connected: Bool, now: ContinuousClock.Instant) -> ServerHealth.Admission {
        state.withLock { $0.health.admit(connected: connected, now: now) }
    }

    /// Books one request's outcome by its verdict: answers count as health, server faults toward
    /// the breaker, abandoned requests release a claimed probe. When a connection dies, every
    /// request in flight on it fails at once: that is one failure of the server, not one per
    /// request, or a single crash under load would open the breaker instead of restarting.
    func record(_ error: (any Error)?, started: ContinuousClock.Instant, on connection: MCPClient) {
        let now = ContinuousClock.now
        // Only a failure needs to know whether the connection survived; successes skip the lock.
        let alive = error == nil || connection.isConnected
        state.withLock { state in
            switch error.map(FailureClassification.verdict) {
            case nil, .answered?:
                state.health.succeeded(latency: now - started)
            case .serverFault?:
                if !alive {
                    if state.deadConnection == ObjectIdentifier(connection) {
                        state.health.abandoned()
                        return
                    }
                    state.deadConnection = ObjectIdentifier(connection)
                }
                state.health.failed(FailureClassification.line(error!), now: now)
            case .abandoned?:
                state.health.abandoned()
            }
        }
    }

    func connected() {
        state.withLock { $0.health.succeeded() }
    }

    func restartFailed(_ message: String) {
        state.withLock { $0.health.restartFailed(message, now: .now) }
    }

    var snapshot: ServerHealth { state.withLock { $0.health } }
}
