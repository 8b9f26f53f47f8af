/// The MCP revisions this server speaks, and how it picks one for a client.
public enum ProtocolVersions {
    /// Revisions opened by `initialize`, newest first; the first is what a client asking for
    /// something unknown gets.
    public static let handshake = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]
    /// Revisions without a session (2026-07-28): every request names its version in `_meta`.
    public static let modern = ["2026-07-28"]
    /// Every revision, newest first.
    public static let supported = modern + handshake

    /// The newest handshake revision, offered when the client's is unknown (the client then decides).
    public static let latest = handshake[0]

    /// The client's version when `initialize` speaks it, else our latest (the spec's negotiation rule).
    public static func negotiate(_ requested: String) -> String {
        handshake.contains(requested) ? requested : latest
    }

    /// Whether an `MCP-Protocol-Version` header names a revision we speak.
    public static func isSupported(_ version: String) -> Bool {
        supported.contains(version)
    }
}
