/// Why the manager refused or could not route a call, with what the caller needs to fix it.
/// Every case is decided by the manager without asking the server, so none counts against the
/// server's health (`FailureClassification.verdict` calls them all `.abandoned`).
public enum MCPManagerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No exposed tool has this qualified name; `suggestions` are the closest names that exist.
    case unknownTool(String, suggestions: [String])
    /// The server's circuit breaker is open after repeated failures: refused without trying.
    case circuitOpen(server: String, retryAfter: Duration, lastError: String?)
    /// The server is down and its last restart failed; the next attempt waits out a backoff.
    case restartBackoff(server: String, retryAfter: Duration, lastError: String?)
    /// No server of this name is configured; `known` are the names that are, sorted.
    case unknownServer(String, known: [String])
    /// The server's entry says `enabled: false`: it is never started.
    case disabled(server: String)
    /// `shutdown()` was called: the manager starts, restarts and routes nothing any more.
    case shutDown(server: String)
    /// The tool exists but `allowed_tools`/`disabled_tools` hide it: it is never sent.
    case toolHidden(server: String, tool: String)

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
        case .unknownServer(let name, let known):
            let hint = NameSuggestion.closest(to: name, in: known).map { "; did you mean '\($0)'?" } ?? "; add it to mcpServers"
            return "server '\(name)': no such server (configured: \(known.isEmpty ? "none" : known.joined(separator: ", ")))\(hint)"
        case .disabled(let server):
            return "server '\(server)': the server is disabled in the configuration; set \"enabled\": true to use it"
        case .shutDown(let server):
            return "server '\(server)': the manager was shut down; create a new manager to use servers again"
        case .toolHidden(let server, let tool):
            return "server '\(server)': tools/call: tool '\(tool)' is disabled by the configuration"
                + " (allowed_tools/disabled_tools); list it there to call it"
        }
    }

    static func seconds(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds < 10 ? "\((seconds * 10).rounded(.up) / 10) s" : "\(Int(seconds.rounded(.up))) s"
    }
}
