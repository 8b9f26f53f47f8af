/// A snapshot of one server for `lmg servers` and apps: never holds a secret.
public struct ServerStatus: Sendable, Hashable, Codable {
    public enum State: String, Sendable, Codable {
        case connecting, ready, failed, disabled, closed
    }

    public var name: String
    public var transport: String
    public var state: State
    /// The URL or command line (no header values, no tokens).
    public var endpoint: String
    public var protocolVersion: String?
    public var serverName: String?
    public var serverVersion: String?
    public var tools: Int?
    /// The last failure, one line.
    public var error: String?
}
