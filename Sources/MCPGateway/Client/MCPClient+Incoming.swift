import EventLoops
import Foundation
import JSONRPC
import MCP

extension MCPClient {
    /// Everything the server sends arrives here, on the transport's thread, in order.
    func receive(_ data: Data) {
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage(data)
        } catch {
            // Servers that print stray lines on stdout are common; skip the line, keep the session.
            options.logger.warning("ignored output that is not JSON-RPC", metadata: ["server": "\(name)", "detail": "\(error)"])
            return
        }
        switch message.kind {
        case .response(let id), .errorResponse(let id?, _):
            state.withLock { $0.complete(id) }?.waiter.resume(.success(message))
        case .errorResponse(nil, let error):
            options.logger.warning("server reported an error without a request id", metadata: ["server": "\(name)", "error": "\(error.message)"])
        case .notification(let method):
            handleNotification(method, message)
        case .request(let id, let method):
            answerServerRequest(id: id, method: method, message)
        }
    }

    func transportClosed(_ error: TransportError?) {
        let waiters = state.withLock { $0.closed(error) }
        let failure: MCPClientError =
            error.map { MCPClientError($0, method: nil) }
            ?? MCPClientError(.notConnected, server: name, "the connection was closed")
        for waiter in waiters { waiter.resume(.failure(failure)) }
        if let error { options.logger.info("server connection ended", metadata: ["server": "\(name)", "reason": "\(error.message)"]) }
    }

    private func handleNotification(_ method: String, _ message: JSONRPCMessage) {
        switch method {
        case "notifications/progress":
            guard let params = try? message.params(as: ProgressParams.self) else { return }
            let token: JSONRPCID
            switch params.progressToken {
            case .integer(let value): token = .int(value)
            case .string(let value): token = Int(value).map(JSONRPCID.int) ?? .string(value)
            }
            let handler = state.withLock { $0.pending[token]?.progress ?? $0.taskProgress[token] }
            handler?(MCPProgress(progress: params.progress, total: params.total, message: params.message))
        case "notifications/tools/list_changed":
            refreshAfterChange(.tools)
        case "notifications/resources/list_changed":
            refreshAfterChange(.resources)
        case "notifications/prompts/list_changed":
            refreshAfterChange(.prompts)
        case "notifications/cancelled":
            // 2026-07-28: a server ending a `subscriptions/listen` stream on stdio says so this way.
            guard case .object(let params)? = message.paramsValue else { return }
            let id: JSONRPCID?
            switch params["requestId"] {
            case .int(let number)?: id = .int(number)
            case .string(let text)?: id = .string(text)
            default: id = nil
            }
            if let id {
                abandon(id, error: MCPClientError(.transport(.closed), server: name, method: nil, "the server ended the request"), notifyServer: false)
            }
        case "notifications/subscriptions/acknowledged":
            guard case .object(let params)? = message.paramsValue else { return }
            let kinds = ListFreshness.kinds(in: params["notifications"])
            state.withLock { $0.freshness.acknowledged(kinds) }
        case "notifications/resources/updated":
            guard case .object(let params)? = message.paramsValue, case .string(let uri)? = params["uri"] else { return }
            for handler in state.withLock({ $0.resourceUpdateHandlers }) { handler(uri) }
        case "notifications/message":
            if let params = message.paramsValue {
                // Servers that ignore `logging/setLevel` are held to the entry's level here.
                if let wanted = config.logLevel, !ServerLogFile.isAtLeast(params, wanted) { return }
                logFile.append(params)
                options.logger.debug("server log", metadata: ["server": "\(name)", "message": "\(params)"])
                for handler in state.withLock({ $0.logHandlers }) { handler(params) }
            }
        default:
            break
        }
    }

    /// Drops the stale list and fetches it again, then tells observers.
    private func refreshAfterChange(_ kind: MCPListKind) {
        state.withLock { state in
            state.pages.drop(PageCache.method(of: kind))
            switch kind {
            case .tools: state.tools = nil
            case .resources: state.resources = nil
            case .prompts: state.prompts = nil
            }
        }
        // Lists are shared by every caller: refreshed with no caller's forwarded headers.
        ForwardedHeaders.$current.withValue([:]) { Task {
            switch kind {
            case .tools: _ = try? await self.listTools(refresh: true)
            case .resources: _ = try? await self.listResources(refresh: true)
            case .prompts: _ = try? await self.listPrompts(refresh: true)
            }
            for handler in self.state.withLock({ $0.listChangedHandlers }) { handler(kind) }
        } }
    }

    /// Relays the request when a call pending for someone downstream can take it; otherwise
    /// answers ping and roots/list, and every other request "method not found" at once, so a
    /// server waiting on sampling or elicitation never hangs.
    private func answerServerRequest(id: JSONRPCID, method: String, _ message: JSONRPCMessage) {
        guard let transport = state.withLock({ $0.transport }) else { return }
        let related = ServerRequestRelays.relatedRequest
        let relay = method == "ping" ? nil : state.withLock { $0.relay(related: related) }
        let params = message.paramsValue
        // While someone answers (a person types a form), the calls waiting on it do not time out.
        let waiting = relay.map { relay in state.withLock { $0.startAnswering(related: related, relay: relay) } } ?? []
        Task {
            defer {
                for (id, method, limit) in state.withLock({ $0.stopAnswering(waiting) }) {
                    DeadlineScheduler.shared.schedule(after: limit) { [weak self] in self?.limitReached(id, method: method, limit: limit) }
                }
            }
            let reply: Data
            do throws(JSONRPCErrorObject) {
                let result = try await answerInput(method: method, params: params, relay: relay)
                reply = (try? JSONRPCCoding.response(id: id, result: result)) ?? JSONRPCCoding.errorResponse(
                    id: id, error: JSONRPCErrorObject(code: JSONRPCErrorObject.internalError, message: "lmg could not encode its answer"))
            } catch {
                reply = JSONRPCCoding.errorResponse(id: id, error: error)
            }
            try? await transport.send(reply, expecting: nil)
        }
    }
}
