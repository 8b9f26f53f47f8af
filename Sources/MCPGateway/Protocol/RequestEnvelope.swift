import JSONRPC
import MCP

/// The `_meta` members a 2026-07-28 request carries in place of a session: the protocol
/// version, the client's capabilities and identity, and the log level it wants. Written once
/// per connection, copied into every request.
struct RequestEnvelope: Sendable {
    static let versionKey = "io.modelcontextprotocol/protocolVersion"
    static let capabilitiesKey = "io.modelcontextprotocol/clientCapabilities"
    static let clientInfoKey = "io.modelcontextprotocol/clientInfo"
    static let logLevelKey = "io.modelcontextprotocol/logLevel"

    let version: String
    /// The members, without braces.
    let members: [UInt8]

    init(version: String, capabilities: Value, clientName: String, clientVersion: String, logLevel: String?) {
        self.version = version
        var writer = JSONWriter()
        writer.string(Self.versionKey)
        writer.raw(":")
        writer.string(version)
        writer.raw(",")
        writer.string(Self.capabilitiesKey)
        writer.raw(":")
        writer.value(capabilities)
        writer.raw(",")
        writer.string(Self.clientInfoKey)
        writer.raw(":")
        writer.value(.object(["name": .string(clientName), "version": .string(clientVersion)]))
        if let logLevel {
            writer.raw(",")
            writer.string(Self.logLevelKey)
            writer.raw(":")
            writer.string(logLevel)
        }
        members = writer.bytes
    }
}
