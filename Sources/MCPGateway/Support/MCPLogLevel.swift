/// The syslog levels MCP logging uses (RFC 5424), least severe first: what `log_level`,
/// `logging/setLevel` and `notifications/message` take.
public enum MCPLogLevel {
    public static let names = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]

    /// Position in `names`; an unknown level counts as info.
    public static func rank(_ name: String) -> Int { names.firstIndex(of: name) ?? 1 }
}
