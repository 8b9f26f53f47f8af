import MCPGateway

/// When a front end may go on after connecting its servers, and what it must say about the
/// ones that failed: a pure decision over the servers' status, so every front end agrees.
public enum Reachability {
    /// How much a front end needs its servers.
    public enum Requirement: Sendable {
        /// Go on whatever failed (`lmg run`, `lmg chat`: the model may answer without tools).
        case none
        /// At least one enabled server must be up (inspection commands).
        case anyServer
    }

    /// The decision: go on (naming each failure once), or stop with one message.
    public enum Verdict: Sendable, Equatable {
        case proceed(failures: [String])
        case stop(failures: [String], message: String)
    }

    /// With one enabled server, its own error is the message; with several, each failure is
    /// named and the message says none is reachable; a disabled server never counts.
    public static func evaluate(_ status: [ServerStatus], requirement: Requirement) -> Verdict {
        let failed = status.filter { $0.state == .failed }
        let enabled = status.filter { $0.state != .disabled }
        let lines = failed.map { $0.error ?? "server '\($0.name)' failed" }
        guard requirement == .anyServer else { return .proceed(failures: lines) }
        if enabled.count == 1, let only = failed.first {
            return .stop(failures: [], message: only.error ?? "server '\(only.name)' is not reachable")
        }
        if !enabled.isEmpty && failed.count == enabled.count {
            return .stop(failures: lines, message: "no server is reachable")
        }
        return .proceed(failures: lines)
    }
}
