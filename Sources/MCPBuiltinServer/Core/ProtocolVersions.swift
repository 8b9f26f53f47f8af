/// The MCP revisions this server speaks, and how it picks one for a client.
public enum ProtocolVersions {
    /// Newest first; the first is what a client asking for something unknown gets.
    public static let supported = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]

    /// The newest revision, offered when the client's is unknown (the client then decides).
    public static let latest = supported[0]

    /// The client's version when we speak it, else our latest (the spec's negotiation rule).
    public static func negotiate(_ requested: String) -> String {
        supported.contains(requested) ? requested : latest
    }

    /// Whether an `MCP-Protocol-Version` header names a revision we speak.
    public static func isSupported(_ version: String) -> Bool {
        supported.contains(version)
    }
}
