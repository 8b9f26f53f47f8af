import Foundation
import JSONRPC
import MCP
import Locking

/// One open `/mcp` session on this replica: its state, plus what only this process can hold —
/// the GET streams, the requests running (for `notifications/cancelled`) and the requests
/// relayed to the client that wait for its answer.
final class MCPSession: Sendable {
    let id: String

    private struct Live {
        var state: MCPSessionState
        var lastUsed: ContinuousClock.Instant
        /// GET streams by serial; a message goes to the newest only (the spec: never twice).
        var streams: [UInt64: AsyncStream<Data>.Continuation] = [:]
        var nextSerial: UInt64 = 0
        /// The client's requests in flight, by its id.
        var running: [JSONRPCID: Task<Data?, Never>] = [:]
        /// Requests we relayed to the client, by the id we gave them.
        var relayed: [JSONRPCID: CheckedContinuation<JSONRPCMessage, any Error>] = [:]
        /// Ids cancelled before their request arrived (a client may post both at once), newest last.
        var cancelledEarly: [JSONRPCID] = []
        var closed = false
    }

    private let live: Locked<Live>

    init(id: String, state: MCPSessionState) {
        self.id = id
        live = Locked(Live(state: state, lastUsed: .now))
    }

    var state: MCPSessionState { live.withLock { $0.state } }

    func update(_ change: (inout MCPSessionState) -> Void) { live.withLock { change(&$0.state) } }

    /// Marks the session used now (idle sessions expire); false once it is closed.
    func touch(now: ContinuousClock.Instant = .now) -> Bool {
        live.withLock { live in
            live.lastUsed = now
            return !live.closed
        }
    }

    var lastUsed: ContinuousClock.Instant { live.withLock { $0.lastUsed } }

    /// Unused since `instant`, with no GET stream open and no call running (a client listening
    /// or waiting is not idle).
    func isIdle(since instant: ContinuousClock.Instant) -> Bool {
        live.withLock { $0.lastUsed < instant && $0.streams.isEmpty && $0.running.isEmpty }
    }

    // MARK: - Streams

    /// A GET stream: server-initiated messages from now on, until the session ends or the
    /// client goes away (`cancel`).
    func openStream() -> (chunks: AsyncStream<Data>, cancel: @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: Data.self, bufferingPolicy: .bufferingNewest(256))
        let serial: UInt64? = live.withLock { live in
            guard !live.closed else { return nil }
            live.nextSerial += 1
            live.streams[live.nextSerial] = continuation
            return live.nextSerial
        }
        guard let serial else {
            continuation.finish()
            return (stream, {})
        }
        let drop: @Sendable () -> Void = { [weak self] in
            _ = self?.live.withLock { $0.streams.removeValue(forKey: serial) }
            continuation.finish()
        }
        continuation.onTermination = { _ in drop() }
        return (stream, drop)
    }

    /// How many GET streams are open.
    var streamCount: Int { live.withLock { $0.streams.count } }

    /// Sends one SSE event on the newest GET stream; false when none is open (the message is
    /// dropped, as the spec allows for notifications).
    @discardableResult
    func push(_ event: Data) -> Bool {
        guard let newest = live.withLock({ live in live.streams.max(by: { $0.key < $1.key })?.value }) else { return false }
        if case .terminated = newest.yield(event) { return false }
        return true
    }

    // MARK: - Requests in flight

    /// How a request ended.
    enum Outcome: Sendable {
        case answered(Data)
        /// Cancelled (by `notifications/cancelled`, or before it began): no response is sent.
        case cancelled
        /// The id is in use by a request still running.
        case duplicate
        /// The session ended.
        case closed
    }

    /// Runs `work` as the request `id`, cancellable by `cancel(_:)` and by the caller's own
    /// cancellation. The id is reserved before anything runs, so a refused request never
    /// reaches a server.
    func run(_ id: JSONRPCID, _ work: @escaping @Sendable () async -> Data) async -> Outcome {
        let reserved: Result<Task<Data?, Never>, Refusal> = live.withLock { live in
            if live.closed { return .failure(.closed) }
            if let early = live.cancelledEarly.firstIndex(of: id) {
                live.cancelledEarly.remove(at: early)
                return .failure(.cancelled)
            }
            if live.running[id] != nil { return .failure(.duplicate) }
            let task = Task { () -> Data? in
                let answer = await work()
                return Task.isCancelled ? nil : answer
            }
            live.running[id] = task
            return .success(task)
        }
        let task: Task<Data?, Never>
        switch reserved {
        case .success(let started): task = started
        case .failure(.closed): return .closed
        case .failure(.cancelled): return .cancelled
        case .failure(.duplicate): return .duplicate
        }
        let answer = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        live.withLock { _ = $0.running.removeValue(forKey: id) }
        return answer.map(Outcome.answered) ?? .cancelled
    }

    private enum Refusal: Error { case closed, cancelled, duplicate }

    /// `notifications/cancelled`: stops the request `id` if it runs, or refuses it should it
    /// arrive later (a client sends the two on separate connections, so their order can flip).
    func cancel(_ id: JSONRPCID) {
        let task: Task<Data?, Never>? = live.withLock { live in
            if let task = live.running[id] { return task }
            live.cancelledEarly.append(id)
            if live.cancelledEarly.count > 64 { live.cancelledEarly.removeFirst() }
            return nil
        }
        task?.cancel()
    }

    var runningCount: Int { live.withLock { $0.running.count } }

    // MARK: - Relayed requests

    /// Registers a request we send the client under `id`; `answer(_:)` resumes it.
    func awaitAnswer(_ id: JSONRPCID, send: () -> Bool) async throws -> JSONRPCMessage {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<JSONRPCMessage, any Error>) in
                let registered = live.withLock { live in
                    guard !live.closed else { return false }
                    live.relayed[id] = continuation
                    return true
                }
                guard registered else { return continuation.resume(throwing: CancellationError()) }
                if !send() { take(id)?.resume(throwing: RelayError.noStream) }
                // Cancelled before the continuation was registered: the handler found nothing.
                if Task.isCancelled { take(id)?.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            take(id)?.resume(throwing: CancellationError())
        }
    }

    /// The client's response to a relayed request; false when no request waits on that id.
    func answer(_ message: JSONRPCMessage, id: JSONRPCID) -> Bool {
        guard let waiting = take(id) else { return false }
        waiting.resume(returning: message)
        return true
    }

    /// Gives up on a relayed request (its call ended): its waiter gets CancellationError.
    func abandon(_ id: JSONRPCID) {
        take(id)?.resume(throwing: CancellationError())
    }

    private func take(_ id: JSONRPCID) -> CheckedContinuation<JSONRPCMessage, any Error>? {
        live.withLock { $0.relayed.removeValue(forKey: id) }
    }

    enum RelayError: Error { case noStream }

    // MARK: - End

    /// Ends the session: its streams finish, its requests are cancelled, relays fail.
    func close() {
        let (streams, running, relayed) = live.withLock { live in
            live.closed = true
            defer { (live.streams, live.running, live.relayed) = ([:], [:], [:]) }
            return (Array(live.streams.values), Array(live.running.values), Array(live.relayed.values))
        }
        for stream in streams { stream.finish() }
        for task in running { task.cancel() }
        for waiting in relayed { waiting.resume(throwing: CancellationError()) }
    }
}
