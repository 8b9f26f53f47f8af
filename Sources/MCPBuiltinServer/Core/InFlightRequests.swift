import Foundation
import JSONRPC
import Locking

/// The requests running in tasks, by id, so `notifications/cancelled` can reach them and a
/// transport can wait for them before it exits.
final class InFlightRequests: Sendable {
    private struct Entry {
        /// Tells a task from a later one that reused its id.
        let token: UInt64
        let task: Task<Void, Never>
    }

    private struct State {
        var nextToken: UInt64 = 0
        var entries: [JSONRPCID: Entry] = [:]
    }

    private let state = Locked(State())

    /// Runs `work` in a task registered under `id`; `reply` gets its response, or nil when the
    /// request was cancelled (the spec says a cancelled request gets no response).
    func start(_ id: JSONRPCID, work: @escaping @Sendable () async -> Data, reply: @escaping @Sendable (Data?) -> Void) {
        // The entry is stored under the lock the task's own cleanup takes, so cleanup never
        // runs before registration even when the task finishes at once.
        state.withLock { state in
            state.nextToken += 1
            let token = state.nextToken
            let task = Task {
                let response = await work()
                reply(Task.isCancelled ? nil : response)
                // Unregistered only after the reply is out, so `drain()` covers the write too.
                self.finish(id, token: token)
            }
            state.entries[id] = Entry(token: token, task: task)
        }
    }

    /// Cancels the request `id` if it is still running; unknown ids are ignored, as the spec asks.
    @discardableResult
    func cancel(_ id: JSONRPCID) -> Bool {
        guard let task = state.withLock({ $0.entries[id]?.task }) else { return false }
        task.cancel()
        return true
    }

    /// Cancels everything, e.g. when an HTTP session ends.
    func cancelAll() {
        for task in state.withLock({ $0.entries.values.map(\.task) }) { task.cancel() }
    }

    /// How many requests are running.
    var count: Int { state.withLock { $0.entries.count } }

    /// Returns once every request started so far (and any they raced with) has finished.
    func drain() async {
        while true {
            let tasks = state.withLock { $0.entries.values.map(\.task) }
            if tasks.isEmpty { return }
            for task in tasks { await task.value }
        }
    }

    private func finish(_ id: JSONRPCID, token: UInt64) {
        state.withLock { state in
            if state.entries[id]?.token == token { state.entries[id] = nil }
        }
    }
}
