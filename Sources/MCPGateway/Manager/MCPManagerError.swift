/// Why the manager could not route a call, with what the caller needs to fix it.
public enum MCPManagerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No exposed tool has this qualified name; `suggestions` are the closest names that exist.
    case unknownTool(String, suggestions: [String])
    /// The server's circuit breaker is open after repeated failures: refused without trying.
    case circuitOpen(server: String, retryAfter: Duration, lastError: String?)
    /// The server is down and its last restart failed; the next attempt waits out a backoff.
    case restartBackoff(server: String, retryAfter: Duration, lastError: String?)

    public var description: String {
        switch self {
        case .unknownTool(let name, let suggestions):
            let hint = suggestions.isEmpty ? "" : " (did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?)"
            return "no tool named '\(name)'\(hint)"
        case .circuitOpen(let server, let retryAfter, let lastError):
            let when = retryAfter > .zero ? "next try in \(Self.seconds(retryAfter))" : "a probe request is testing it now"
            return "server '\(server)': not tried, its circuit breaker is open after repeated failures (\(when))"
                + (lastError.map { "; last error: \($0)" } ?? "")
        case .restartBackoff(let server, let retryAfter, let lastError):
            return "server '\(server)' is down; restarting it in \(Self.seconds(retryAfter))"
                + (lastError.map { "; last error: \($0)" } ?? "")
        }
    }

    static func seconds(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds < 10 ? "\((seconds * 10).rounded(.up) / 10) s" : "\(Int(seconds.rounded(.up))) s"
    }
}
