import Foundation
import JSONRPC
import MCP
import MCPGateway
import Locking
import Synchronization

/// Relays an upstream server's request (elicitation, sampling, roots) to the `/mcp` client whose
/// `tools/call` it arrived during: sent on that call's event stream, answered by the client's
/// next POST of a JSON-RPC response, and the answer sent back upstream.
///
/// A client that did not declare the capability is never asked: the server gets "method not
/// found" naming the missing capability (roots fall back to the gateway's own answer).
final class MCPDownstreamRelay: ServerRequestRelay {
    let session: MCPSession
    /// The call's event stream; nil when the answer is plain JSON, which cannot carry a request.
    let emit: MCPMethods.Emit?
    /// How long the client has to answer before the server is told it will not.
    let patience: Duration
    private static let serial = Atomic<UInt64>(0)
    /// The relayed requests waiting now; `finished` once the call ended.
    private let waiting = Locked<(ids: Set<JSONRPCID>, finished: Bool)>(([], false))

    init(session: MCPSession, emit: MCPMethods.Emit?, patience: Duration = .seconds(600)) {
        (self.session, self.emit, self.patience) = (session, emit, patience)
    }

    func relay(method: String, params: Value?, server: String) async throws(JSONRPCErrorObject) -> Value? {
        guard let needed = try Self.admits(method, params: params, server: server, declared: session.state.capabilities) else { return nil }
        guard let emit else {
            // No stream to ask on: roots are answered by lmg itself, the rest refused.
            if needed == .roots { return nil }
            throw JSONRPCErrorObject(
                code: JSONRPCErrorObject.methodNotFound,
                message: "the client of this lmg gateway takes no event stream on this call, so server '\(server)' cannot send it \(method)")
        }
        let id = JSONRPCID.string("lmg-\(Self.serial.wrappingAdd(1, ordering: .relaxed).newValue)")
        guard let request = try? JSONRPCCoding.request(id: id, method: method, params: params) else {
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.internalError, message: "\(method) from server '\(server)' could not be written")
        }
        guard waiting.withLock({ state in
            guard !state.finished else { return false }
            state.ids.insert(id)
            return true
        }) else {
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.internalError, message: "the call \(method) belonged to has ended")
        }
        defer { _ = waiting.withLock { $0.ids.remove(id) } }
        let session = session, patience = patience
        let reply: JSONRPCMessage
        do {
            reply = try await withThrowingTaskGroup(of: JSONRPCMessage?.self) { group in
                group.addTask {
                    try await session.awaitAnswer(id) { emit(request) }
                }
                group.addTask {
                    try await Task.sleep(for: patience)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let answer = first else { throw RelayTimeout() }
                return answer
            }
        } catch is RelayTimeout {
            throw JSONRPCErrorObject(code: -32001, message: "the client of this lmg gateway did not answer \(method) within \(patience)")
        } catch {
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.internalError, message: "the client of this lmg gateway went away before answering \(method)")
        }
        switch reply.kind {
        case .errorResponse(_, let error):
            throw error
        default:
            if let result = reply.members?["result"] { return result }
            if let result = try? reply.result(as: Value.self) { return result }
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.internalError, message: "the client's answer to \(method) had no result")
        }
    }

    /// The capability `method` needs when the client declared it (relay it); nil when lmg
    /// answers itself (roots the client did not declare, methods never relayed). A request the
    /// client did not declare is refused with "method not found" naming the capability.
    static func admits(_ method: String, params: Value?, server: String, declared: DownstreamCapabilities) throws(JSONRPCErrorObject) -> DownstreamCapabilities? {
        guard let needed = DownstreamCapabilities.needed(by: method, params: params) else { return nil }
        guard declared.contains(needed) else {
            if needed == .roots { return nil }
            let capability = needed == .elicitationURL ? "elicitation.url" : method.split(separator: "/").first.map(String.init) ?? method
            throw JSONRPCErrorObject(
                code: JSONRPCErrorObject.methodNotFound,
                message: "the client of this lmg gateway did not declare the '\(capability)' capability, so server '\(server)' cannot send it \(method)")
        }
        return needed
    }

    /// The call ended: requests still waiting for the client are given up.
    func finish() {
        let ids = waiting.withLock { state in
            state.finished = true
            return state.ids
        }
        for id in ids { session.abandon(id) }
    }

    private struct RelayTimeout: Error {}
}
