import Foundation
import JSONRPC
import MCP

/// MCP 2026-07-28 in the built-in server: no session, every request names its version and the
/// client's capabilities in `_meta`, `server/discover` says what the server speaks, and every
/// result says it is complete (with cache hints on lists and reads).
extension BuiltinMCPServer {
    /// The two generations a session can serve.
    public enum Era: String, Sendable {
        /// 2024-11-05 … 2025-11-25: a session opened by `initialize`.
        case handshake
        /// 2026-07-28: each request stands alone.
        case modern
    }

    func respondModern(to method: String, id: JSONRPCID, head: RequestHead, _ data: Data) -> Outcome {
        guard let version = head.meta?.version else {
            if method == Initialize.name { return .now(wrongEra(id, requested: Self.initializeVersion(data))) }
            return .now(invalidParams(id, "params._meta must carry io.modelcontextprotocol/protocolVersion (this connection speaks 2026-07-28)"))
        }
        guard ProtocolVersions.modern.contains(version) else { return .now(wrongEra(id, requested: version)) }
        guard head.meta?.hasCapabilities == true else {
            return .now(invalidParams(id, "params._meta must carry io.modelcontextprotocol/clientCapabilities (an object, {} for none)"))
        }
        switch method {
        case "server/discover":
            return .now(Self.encode(id, adding: ResultMembers.lasting) { discover() })
        case Initialize.name:
            return .now(wrongEra(id, requested: Self.initializeVersion(data) ?? version))
        case "ping", SetLoggingLevel.name, "subscriptions/listen", "resources/subscribe", "resources/unsubscribe":
            // Gone in 2026-07-28, or (subscriptions) nothing of ours ever changes to announce.
            return .now(JSONRPCCoding.errorResponse(id: id, error: JSONRPCErrorObject(
                code: JSONRPCErrorObject.methodNotFound, message: "method '\(method)' not found", data: .string(method))))
        default:
            return respond(to: method, id: id, head: head, data, modern: true)
        }
    }

    private struct Discovered: Encodable {
        let supportedVersions: [String]
        let capabilities: Server.Capabilities
        let instructions: String
        let _meta: [String: Server.Info]
    }

    private func discover() -> Discovered {
        Discovered(
            supportedVersions: ProtocolVersions.modern, capabilities: catalog.capabilities, instructions: catalog.instructions,
            _meta: ["io.modelcontextprotocol/serverInfo": catalog.serverInfo])
    }

    private struct InitializeVersion: Decodable {
        let protocolVersion: String?
    }

    /// The version an `initialize` asked for, for the -32022 that refuses it.
    static func initializeVersion(_ data: Data) -> String? {
        (try? params(InitializeVersion.self, from: data, Initialize.name))?.protocolVersion
    }

    /// -32022 with the versions this connection speaks.
    private func wrongEra(_ id: JSONRPCID, requested: String?) -> Data {
        let data: [String: Value] = ["supported": .array(ProtocolVersions.modern.map { .string($0) }), "requested": .string(requested ?? "")]
        return JSONRPCCoding.errorResponse(id: id, error: JSONRPCErrorObject(
            code: -32022, message: "Unsupported protocol version: this connection speaks \(ProtocolVersions.modern.joined(separator: ", "))",
            data: .object(data)))
    }

    private func invalidParams(_ id: JSONRPCID, _ message: String) -> Data {
        JSONRPCCoding.errorResponse(id: id, error: JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams, message: "invalid params: " + message))
    }
}

/// Members put first in 2026-07-28 results, written once.
enum ResultMembers {
    /// `"resultType":"complete"`.
    static let complete = write(ttl: nil)
    /// Complete, and valid for an hour to anyone: what never changes while the server runs.
    static let lasting = write(ttl: 3_600_000)
    /// Complete, to be asked again each time: files and prompts can change on disk.
    static let fresh = write(ttl: 0)

    private static func write(ttl: Int?) -> [UInt8] {
        var writer = JSONWriter()
        writer.raw(#""resultType":"complete""#)
        if let ttl {
            writer.raw(#","ttlMs":"#)
            writer.number(Double(ttl))
            writer.raw(#","cacheScope":"public""#)
        }
        return writer.bytes
    }
}
