/// The two generations of MCP a server may speak.
public enum ProtocolEra: String, Sendable, Codable, Hashable {
    /// 2026-07-28 and later: no session; every request carries its version and capabilities.
    case modern
    /// 2024-11-05 … 2025-11-25: a session opened by `initialize`.
    case legacy
}
