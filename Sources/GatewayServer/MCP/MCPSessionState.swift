import Foundation
import MCP

/// What a `/mcp` session is: everything its `initialize` settled, and nothing a replica keeps
/// to itself (streams, calls in flight).
///
/// Small and `Codable` on purpose: a replica that holds this value can answer the session's
/// requests, so a later change can seal it into the `Mcp-Session-Id` itself (AES-GCM under a
/// key every replica shares) and drop the session table (README, "Sessions of `/mcp`").
public struct MCPSessionState: Codable, Sendable, Equatable {
    /// The revision negotiated at `initialize`.
    public var protocolVersion: String
    /// `clientInfo` as the client sent it (for the access log and status).
    public var clientName: String
    public var clientVersion: String
    /// Which server-to-client requests the client said it answers.
    public var capabilities: DownstreamCapabilities
    /// The API key that opened the session (nil without keys); a request with another key
    /// cannot use it.
    public var keyName: String?
    /// The level set by `logging/setLevel`, if any.
    public var logLevel: String?
    /// When `initialize` ran, to expire old sessions.
    public var issuedAt: Date

    public init(
        protocolVersion: String, clientName: String, clientVersion: String, capabilities: DownstreamCapabilities,
        keyName: String?, logLevel: String? = nil, issuedAt: Date = Date()
    ) {
        (self.protocolVersion, self.clientName, self.clientVersion) = (protocolVersion, clientName, clientVersion)
        (self.capabilities, self.keyName, self.logLevel, self.issuedAt) = (capabilities, keyName, logLevel, issuedAt)
    }
}

/// The client capabilities that decide whether an upstream server's request can be relayed.
public struct DownstreamCapabilities: OptionSet, Codable, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `elicitation/create` in form mode (an empty `elicitation: {}` declares this alone).
    public static let elicitation = DownstreamCapabilities(rawValue: 1)
    /// `elicitation/create` in URL mode (2025-11-25: `elicitation: {"url": {}}`).
    public static let elicitationURL = DownstreamCapabilities(rawValue: 8)
    /// `sampling/createMessage`.
    public static let sampling = DownstreamCapabilities(rawValue: 2)
    /// `roots/list`.
    public static let roots = DownstreamCapabilities(rawValue: 4)

    /// From `initialize`'s `capabilities` object: a member present (even `{}`) declares it.
    init(_ capabilities: [String: Value]?) {
        var set: DownstreamCapabilities = []
        if let elicitation = capabilities?["elicitation"] {
            // Modes are named since 2025-11-25; none named (or an older client) means form.
            if case .object(let modes) = elicitation, modes["form"] != nil || modes["url"] != nil {
                if modes["form"] != nil { set.insert(.elicitation) }
                if modes["url"] != nil { set.insert(.elicitationURL) }
            } else {
                set.insert(.elicitation)
            }
        }
        if capabilities?["sampling"] != nil { set.insert(.sampling) }
        if capabilities?["roots"] != nil { set.insert(.roots) }
        self = set
    }

    /// The capability a server-to-client request needs; nil for methods never relayed.
    static func needed(by method: String, params: Value? = nil) -> DownstreamCapabilities? {
        switch method {
        case "elicitation/create":
            if case .object(let members)? = params, members["mode"] == .string("url") { .elicitationURL } else { .elicitation }
        case "sampling/createMessage": .sampling
        case "roots/list": .roots
        default: nil
        }
    }
}
