/// A `notifications/progress` update for a request that asked for progress.
public struct MCPProgress: Sendable, Hashable {
    public var progress: Double
    /// The expected final value, when the server knows it.
    public var total: Double?
    public var message: String?
}

/// Receives progress updates; called on the transport's thread, so keep it quick.
public typealias MCPProgressHandler = @Sendable (MCPProgress) -> Void

/// Which cached list a server said changed.
public enum MCPListKind: String, Sendable {
    case tools, resources, prompts
}
