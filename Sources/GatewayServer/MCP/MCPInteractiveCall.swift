import Foundation
import JSONRPC
import MCP
import MCPGateway
import Locking

/// A 2026-07-28 `tools/call` whose upstream server may ask for what only the client can give
/// (an elicitation, a sampling, the roots). The call runs here; each POST of it is answered
/// with what happened next: the result, or an `input_required` result naming the questions
/// (under keys of ours) with a `requestState` naming this call, which the client posts again
/// with its answers. Whatever the upstream server speaks (its own requests before 2026-07-28,
/// `input_required` since), the client sees one multi-round-trip call.
final class MCPInteractiveCall: ServerRequestRelay, Sendable {
    /// What a POST of the call gets.
    enum Step: Sendable {
        /// The response, written for the id of the POST that started the call, and its error.
        case finished(Data, JSONRPCErrorObject?)
        /// Questions the client has not answered yet.
        case needsInput([Asked])
    }

    /// One question, under the key the client answers it by.
    struct Asked: Sendable, Equatable {
        var key: String
        var method: String
        var params: Value?
    }

    /// The id of the POST that started the call, which its response was written for.
    let startID: JSONRPCID
    let tool: String
    /// The arguments it runs with: a retry must carry the same, or it is another call.
    let arguments: Value?
    let keyName: String?
    let capabilities: DownstreamCapabilities

    private struct Question {
        var method: String
        var params: Value?
        var answer: CheckedContinuation<Value, any Error>
    }

    private struct State {
        var questions: [String: Question] = [:]
        var order: [String] = []
        var serial = 0
        var outcome: (Data, JSONRPCErrorObject?)?
        var waiter: CheckedContinuation<Void, Never>?
        var emit: MCPMethods.Emit?
        /// The progress token of the POST waiting now: each retry has its own.
        var progressToken: Value?
        var task: Task<Void, Never>?
        var cancelled = false
    }

    private let state = Locked(State())

    init(id: JSONRPCID, tool: String, arguments: Value?, keyName: String?, capabilities: DownstreamCapabilities) {
        (self.startID, self.tool, self.arguments, self.keyName, self.capabilities) = (id, tool, arguments, keyName, capabilities)
    }

    /// Starts the call; `work` runs it with this call as its relay and returns its response.
    func start(_ work: @escaping @Sendable (MCPInteractiveCall) async -> (Data, JSONRPCErrorObject?)) {
        let task = Task {
            let outcome = await work(self)
            self.finish(outcome)
        }
        state.withLock { $0.task = task }
    }

    /// Stops the call (its client went away, or never came back for it).
    func cancel() {
        state.withLock { state in
            state.cancelled = true
            return state.task
        }?.cancel()
    }

    /// Whether the call was cancelled: it is never parked then.
    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Waits until the call ends or asks something the client has not answered. One POST at a
    /// time holds a call (the table hands a parked call to one retry), so one waits at most.
    func next() async -> Step {
        while true {
            if let step = ready() { return step }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now: Bool = state.withLock { state in
                    if state.outcome != nil || !state.order.isEmpty { return true }
                    state.waiter = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        }
    }

    private func ready() -> Step? {
        state.withLock { state -> Step? in
            if let (data, error) = state.outcome { return .finished(data, error) }
            guard !state.order.isEmpty else { return nil }
            return .needsInput(state.order.compactMap { key in
                state.questions[key].map { Asked(key: key, method: $0.method, params: $0.params) }
            })
        }
    }

    /// The client's answers (`inputResponses`), by our keys; keys not asked are ignored, and a
    /// question left unanswered is asked again.
    func deliver(_ responses: [String: Value]) {
        let answered: [(CheckedContinuation<Value, any Error>, Value)] = state.withLock { state in
            responses.compactMap { key, value in
                guard let question = state.questions.removeValue(forKey: key) else { return nil }
                state.order.removeAll { $0 == key }
                return (question.answer, value)
            }
        }
        for (continuation, value) in answered { continuation.resume(returning: value) }
    }

    /// Where the call's messages go: the event stream of the POST waiting now, if any, and the
    /// progress token that POST asked with (progress goes under it, or nowhere).
    func attach(_ emit: MCPMethods.Emit?, progressToken: Value? = nil) {
        state.withLock { ($0.emit, $0.progressToken) = (emit, progressToken) }
    }

    /// The progress token of the POST waiting now.
    var progressToken: Value? { state.withLock { $0.progressToken } }

    /// Sends one message on the waiting POST's stream; dropped when none waits (the call goes on).
    func forward(_ message: Data) -> Bool {
        _ = state.withLock { $0.emit }?(message)
        return true
    }

    // MARK: ServerRequestRelay

    func relay(method: String, params: Value?, server: String) async throws(JSONRPCErrorObject) -> Value? {
        guard try MCPDownstreamRelay.admits(method, params: params, server: server, declared: capabilities) != nil else { return nil }
        let key = state.withLock { state -> String in
            state.serial += 1
            return "lmg-\(state.serial)"
        }
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                    let (registered, waiter): (Bool, CheckedContinuation<Void, Never>?) = state.withLock { state in
                        // A server's request can arrive (on a task of its own) after the call ended.
                        guard state.outcome == nil, !state.cancelled else { return (false, nil) }
                        state.questions[key] = Question(method: method, params: params, answer: continuation)
                        state.order.append(key)
                        defer { state.waiter = nil }
                        return (true, state.waiter)
                    }
                    guard registered else { return continuation.resume(throwing: CancellationError()) }
                    waiter?.resume()
                    if Task.isCancelled { withdraw(key)?.resume(throwing: CancellationError()) }
                }
            } onCancel: {
                withdraw(key)?.resume(throwing: CancellationError())
            }
        } catch {
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.internalError, message: "the client of this lmg gateway did not answer \(method): the call ended")
        }
    }

    private func withdraw(_ key: String) -> CheckedContinuation<Value, any Error>? {
        state.withLock { state in
            state.order.removeAll { $0 == key }
            return state.questions.removeValue(forKey: key)?.answer
        }
    }

    private func finish(_ outcome: (Data, JSONRPCErrorObject?)) {
        let (waiter, left): (CheckedContinuation<Void, Never>?, [Question]) = state.withLock { state in
            state.outcome = outcome
            defer { (state.waiter, state.questions, state.order) = (nil, [:], []) }
            return (state.waiter, Array(state.questions.values))
        }
        for question in left { question.answer.resume(throwing: CancellationError()) }
        waiter?.resume()
    }
}

/// The interactive calls waiting for their clients' answers, by `requestState`: bounded in
/// number, and each cancelled when its client does not come back within `patience`.
final class MCPInteractiveCalls: Sendable {
    let capacity: Int
    /// How many one API key may have parked: the rest of the table stays for the others.
    let perKey: Int
    let patience: Duration
    private struct Parked {
        let call: MCPInteractiveCall
        let expiry: Task<Void, Never>
    }

    private struct Table {
        var parked: [String: Parked] = [:]
        var stopping = false
    }

    private let table = Locked(Table())

    init(capacity: Int = 1024, patience: Duration = .seconds(600)) {
        (self.capacity, self.patience) = (max(1, capacity), patience)
        perKey = max(1, self.capacity / 4)
    }

    var count: Int { table.withLock { $0.parked.count } }

    /// Keeps `call` until its client comes back with the returned state; nil (and the call
    /// cancelled) when the table or the key's share of it is full, or the gateway is stopping.
    func park(_ call: MCPInteractiveCall) -> String? {
        let token = "lmg1." + MCPSessionTable.makeID()
        let patience = patience
        let expiry = Task { [weak self] in
            guard (try? await Task.sleep(for: patience)) != nil else { return }
            if let self, let expired = self.table.withLock({ $0.parked.removeValue(forKey: token) }) { expired.call.cancel() }
        }
        let parked = table.withLock { table in
            guard !table.stopping, table.parked.count < capacity,
                  table.parked.values.lazy.filter({ $0.call.keyName == call.keyName }).count < perKey
            else { return false }
            table.parked[token] = Parked(call: call, expiry: expiry)
            return true
        }
        guard parked else {
            expiry.cancel()
            call.cancel()
            return nil
        }
        return token
    }

    /// The call `token` names, taken out, when the same key resumes the same tool with the same
    /// arguments; nil otherwise (unknown, expired, or another's: that one stays for its client).
    func take(_ token: String, keyName: String?, tool: String, arguments: Value?) -> MCPInteractiveCall? {
        let parked: Parked? = table.withLock { table in
            guard let parked = table.parked[token], parked.call.keyName == keyName, parked.call.tool == tool,
                  parked.call.arguments ?? .object([:]) == arguments ?? .object([:])
            else { return nil }
            table.parked[token] = nil
            return parked
        }
        parked?.expiry.cancel()
        return parked?.call
    }

    /// Shutdown: every parked call is cancelled, and none is parked again.
    func closeAll() {
        let calls = table.withLock { table in
            table.stopping = true
            defer { table.parked = [:] }
            return Array(table.parked.values)
        }
        for parked in calls {
            parked.expiry.cancel()
            parked.call.cancel()
        }
    }
}
