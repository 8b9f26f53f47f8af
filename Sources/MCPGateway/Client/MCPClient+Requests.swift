import EventLoops
import Foundation
import JSONRPC
import MCP

extension MCPClient {
    /// Sends a request and decodes its result, within `timeout` (the server's `timeout` by default).
    ///
    /// On timeout or Task cancellation the server is sent `notifications/cancelled`. An expired
    /// HTTP session (404) is re-initialized once and the request retried.
    func request<P: Encodable, R: Decodable>(
        _ method: String, params: P?, timeout: Duration? = nil, allowedBeforeReady: Bool = false
    ) async throws -> R {
        try await request(method, timeout: timeout, allowedBeforeReady: allowedBeforeReady) { _ in params }
    }

    /// As above, with params built from the request id (a progress token reuses the id).
    func request<P: Encodable, R: Decodable>(
        _ method: String, timeout: Duration? = nil, progress: MCPProgressHandler? = nil,
        allowedBeforeReady: Bool = false, params: (JSONRPCID) -> P?
    ) async throws -> R {
        do {
            return try await requestOnce(method, params: params, timeout: timeout, progress: progress, allowedBeforeReady: allowedBeforeReady)
        } catch let error as MCPClientError where error.kind == .transport(.sessionExpired) && !allowedBeforeReady {
            try await reinitialize()
            return try await requestOnce(method, params: params, timeout: timeout, progress: progress, allowedBeforeReady: false)
        }
    }

    private func requestOnce<P: Encodable, R: Decodable>(
        _ method: String, params: (JSONRPCID) -> P?, timeout: Duration?, progress: MCPProgressHandler?, allowedBeforeReady: Bool
    ) async throws -> R {
        let waiter = ResponseWaiter()
        guard let (id, transport) = state.withLock({
            $0.register(method: method, waiter: waiter, progress: progress, allowedBeforeReady: allowedBeforeReady)
        }) else {
            throw notConnectedError(method: method)
        }
        let data: Data
        do {
            data = try JSONRPCCoding.request(id: id, method: method, params: params(id))
        } catch {
            _ = state.withLock { $0.complete(id) }
            throw MCPClientError(.protocolViolation, server: name, method: method, "could not encode the request: \(error)", requestWasNotSent: true)
        }
        let limit = config.requestLimit(for: method, override: timeout)
        let timer = DeadlineScheduler.shared.schedule(after: limit) { [weak self] in
            self?.abandon(id, error: MCPClientError(.timedOut(limit), server: self?.name ?? "", method: method, "no answer within \(describe(limit))"), notifyServer: true)
        }
        defer { DeadlineScheduler.shared.cancel(timer) }

        let message: JSONRPCMessage = try await withTaskCancellationHandler {
            if transport.exchangeCarriesResponse {
                // HTTP: the answer comes back on this POST; send and wait side by side. A child
                // task (not `Task {}`) keeps the caller's executor preference; once the answer is
                // in, whatever is left of the exchange is cancelled.
                return try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            try await transport.send(data, expecting: id)
                        } catch {
                            self.abandon(id, error: self.clientError(error, method: method), notifyServer: false)
                        }
                    }
                    defer { group.cancelAll() }
                    return try await waiter.wait()
                }
            }
            do {
                try await transport.send(data, expecting: id)
            } catch {
                abandon(id, error: clientError(error, method: method), notifyServer: false)
            }
            return try await waiter.wait()
        } onCancel: { [weak self] in
            self?.abandon(id, error: MCPClientError(.cancelled, server: self?.name ?? "", method: method, "cancelled"), notifyServer: true)
        }
        switch message.kind {
        case .response:
            do {
                return try message.result(as: R.self)
            } catch {
                throw MCPClientError(.protocolViolation, server: name, method: method, "\(error)")
            }
        case .errorResponse(_, let error):
            throw MCPClientError(.server(code: error.code), server: name, method: method, error.message)
        default:
            throw MCPClientError(.protocolViolation, server: name, method: method, "expected a response")
        }
    }

    /// Fails a pending request now (timeout, cancellation, send failure) and, when it may have
    /// reached the server, tells the server to stop working on it.
    func abandon(_ id: JSONRPCID, error: any Error, notifyServer: Bool) {
        guard let pending = state.withLock({ $0.complete(id) }) else { return }
        pending.waiter.resume(.failure(error))
        guard notifyServer, pending.method != "initialize" else { return }
        let reason = (error as? MCPClientError).map { $0.kind == .cancelled ? "cancelled by the client" : $0.message }
        Task { try? await self.notify("notifications/cancelled", params: CancelledParams(requestId: id, reason: reason)) }
    }

    /// Sends a notification (no answer expected).
    func notify<P: Encodable>(_ method: String, params: P?) async throws {
        guard let transport = state.withLock({ $0.transport }) else { throw notConnectedError(method: method) }
        let data = try JSONRPCCoding.notification(method: method, params: params)
        do {
            try await transport.send(data, expecting: nil)
        } catch {
            throw clientError(error, method: method)
        }
    }

    func clientError(_ error: any Error, method: String) -> any Error {
        switch error {
        case let error as MCPClientError: return error
        case let error as TransportError: return MCPClientError(error, method: method)
        case is CancellationError: return MCPClientError(.cancelled, server: name, method: method, "cancelled")
        default: return MCPClientError(.transport(.connectFailed), server: name, method: method, "\(error)")
        }
    }

    func notConnectedError(method: String) -> MCPClientError {
        let reason = state.withLock { $0.closeReason }
        if let reason { return MCPClientError(reason, method: method) }
        return MCPClientError(.notConnected, server: name, method: method, "not connected", requestWasNotSent: true)
    }

    /// Re-runs initialize on the same transport after the server dropped our HTTP session.
    /// Concurrent callers share one handshake.
    func reinitialize() async throws {
        let task: Task<Void, any Error> = reinitializeGate.withLock { gate in
            if let running = gate { return running }
            // Shared by every caller and outliving this one: no caller's forwarded headers.
            let task = ForwardedHeaders.$current.withValue([:]) { Task { [self] in
                defer { reinitializeGate.withLock { $0 = nil } }
                guard let transport = state.withLock({ $0.transport }) else { throw notConnectedError(method: "initialize") }
                await transport.resetSession()
                state.withLock { $0.phase = .connecting }
                do {
                    try await initialize(on: transport)
                } catch {
                    state.withLock { $0.phase = .ready }
                    throw error
                }
            } }
            gate = task
            return task
        }
        try await task.value
    }
}
