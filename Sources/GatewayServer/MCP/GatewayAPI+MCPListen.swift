import Foundation
import JSONRPC
import MCP
import MCPGateway

extension GatewayAPI {
    /// Resource URIs one listen stream may subscribe to.
    static let listenURILimit = 64

    /// `subscriptions/listen` (2026-07-28): the response is the stream. It opens with the
    /// acknowledgment of what will be sent (the list kinds asked for, and the resource URIs a
    /// server that may be seen lists and took a subscription for), then carries those changes
    /// until the client closes it; when the gateway stops, the request gets its result.
    func mcpListen(id: JSONRPCID, params: [String: Value], caller: Caller) async -> APIResponse {
        // Refused before any subscription is taken upstream.
        guard mcpListeners.hasRoom(for: caller.keyName) else { return listenRefused(id) }
        var filter: [String: Value] = [:]
        if case .object(let asked)? = params["notifications"] { filter = asked }
        var kinds: Set<MCPListKind> = []
        var honored: [String: Value] = [:]
        for (member, kind) in [("toolsListChanged", MCPListKind.tools), ("resourcesListChanged", .resources), ("promptsListChanged", .prompts)]
        where filter[member] == .bool(true) {
            kinds.insert(kind)
            honored[member] = true
        }
        var uris: [String] = []
        if case .array(let asked)? = filter["resourceSubscriptions"] {
            let catalog = MCPCatalog(api: self, caller: caller)
            for case .string(let uri) in asked.prefix(Self.listenURILimit) where !uris.contains(uri) {
                // The server that would answer a read of it takes the subscription upstream.
                guard let server = try? await catalog.server(reading: uri),
                      (try? await manager.subscribe(server: server, resource: uri)) == true
                else { continue }
                uris.append(uri)
            }
        }
        if !uris.isEmpty { honored["resourceSubscriptions"] = .array(uris.map { .string($0) }) }
        mcpChanges.start(api: self)
        guard let (events, close) = mcpListeners.open(id: id, keyName: caller.keyName, kinds: kinds, uris: Set(uris)) else { return listenRefused(id) }
        let meta: Value = .object([MCPListeners.subscriptionKey: id.value])
        let acknowledged = MCPMethods.notification("notifications/subscriptions/acknowledged", params: .object(["notifications": .object(honored), "_meta": meta]))
        let ended = MCPMethods.response(id: id, result: .object(["resultType": "complete", "_meta": meta]))
        // A client that stops reading is cut off rather than buffered for: it listens again and
        // lists again, as after any drop (there is no replay).
        return Self.eventStream(keepAlive: Self.streamKeepAlive, limit: Self.listenBacklog, onCancel: close) { sink in
            sink.yield(Self.event(acknowledged))
            for await event in events {
                switch sink.yield(event) {
                case .enqueued: continue
                default: return
                }
            }
            sink.yield(Self.event(ended))
        }
    }

    /// Events one listen stream may hold for a client that reads slowly.
    static let listenBacklog = 256

    private func listenRefused(_ id: JSONRPCID) -> APIResponse {
        let error = JSONRPCErrorObject(code: JSONRPCErrorObject.internalError,
            message: "Subscription limit reached: as many listen streams are open as the gateway keeps (for this key or in all), or it is stopping")
        return Self.modernAnswer(JSONRPCCoding.errorResponse(id: id, error: error), error)
    }
}
