import Synchronization

/// A server's `ServerHealth` under a lock, so the manager's hot path can consult and update it
/// without hopping onto the manager's actor (each hop is a thread hand-off on a busy pool).
final class HealthGate: Sendable {
    private let health: Mutex<ServerHealth>

    init(policy: ManagerPolicy) {
        health = Mutex(ServerHealth(policy: policy))
    }

    func admit(connected: Bool, now: ContinuousClock.Instant) -> ServerHealth.Admission {
        health.withLock { $0.admit(connected: connected, now: now) }
    }

    /// Books one request's outcome by its verdict: answers count as health, server faults toward
    /// the breaker, abandoned requests release a claimed probe.
    func record(_ error: (any Error)?, started: ContinuousClock.Instant) {
        let now = ContinuousClock.now
        health.withLock { health in
            switch error.map(MCPManager.verdict) {
            case nil, .answered?: health.succeeded(latency: now - started)
            case .serverFault?: health.failed(MCPManager.line(error!), now: now)
            case .abandoned?: health.abandoned()
            }
        }
    }

    func connected() {
        health.withLock { $0.succeeded() }
    }

    func restartFailed(_ message: String) {
        health.withLock { $0.restartFailed(message, now: .now) }
    }

    var snapshot: ServerHealth { health.withLock { $0 } }
}
