import JSONRPC
import MCP

/// A tool call the server runs as a task, as one poll saw it: 2026-07-28's tasks extension
/// (`io.modelcontextprotocol/tasks`, a flat `Task` with `ttlMs` / `pollIntervalMs` and the
/// result, error or input requests inlined) and 2025-11-25's experimental tasks (`ttl` /
/// `pollInterval`; the result comes from `tasks/result`) read into one shape.
struct ToolTask: Sendable, Equatable {
    enum Status: String, Sendable {
        case working, inputRequired = "input_required", completed, failed, cancelled

        var isTerminal: Bool { self == .completed || self == .failed || self == .cancelled }
    }

    /// The extension's identifier, declared in the per-request capabilities.
    static let extensionID = "io.modelcontextprotocol/tasks"

    var id: String
    var status: Status
    var statusMessage: String?
    /// The server's suggestion; nil when it gave none.
    var pollInterval: Duration?
    /// A completed 2026-07-28 task's result (a `CallToolResult`).
    var result: Value?
    /// A failed 2026-07-28 task's JSON-RPC error.
    var error: JSONRPCErrorObject?
    /// What an `input_required` 2026-07-28 task asks, keyed as the server keyed it.
    var inputRequests: [InputRequired.Request] = []

    /// Reads a `Task` object: a 2026-07-28 `CreateTaskResult` or `tasks/get` result, or the
    /// `task` member of a 2025-11-25 `CreateTaskResult` (also its flat `tasks/get` result).
    init(_ value: Value?) throws(TaskShapeError) {
        guard case .object(let task)? = value else { throw TaskShapeError("the task is not an object") }
        guard case .string(let id)? = task["taskId"], !id.isEmpty else { throw TaskShapeError("the task has no taskId") }
        guard case .string(let name)? = task["status"] else { throw TaskShapeError("task \(id) has no status") }
        guard let status = Status(rawValue: name) else { throw TaskShapeError("task \(id) has status '\(name)', which lmg does not know") }
        self.id = id
        self.status = status
        statusMessage = task["statusMessage"]?.stringValue
        let interval = task["pollIntervalMs"] ?? task["pollInterval"]
        pollInterval = (interval?.intValue ?? interval?.doubleValue.map { Int($0) }).map { .milliseconds(max(0, $0)) }
        switch status {
        case .completed:
            result = task["result"]
        case .failed:
            if case .object(let error)? = task["error"], let code = error["code"]?.intValue {
                self.error = JSONRPCErrorObject(code: code, message: error["message"]?.stringValue ?? "", data: error["data"])
            }
        case .inputRequired:
            if case .object(let entries)? = task["inputRequests"] {
                for (key, entry) in entries.sorted(by: { $0.key < $1.key }) {
                    guard case .object(let request) = entry, case .string(let method)? = request["method"] else {
                        throw TaskShapeError("task \(id): inputRequests '\(key)' has no method")
                    }
                    inputRequests.append(.init(key: key, method: method, params: request["params"]))
                }
            }
        case .working, .cancelled:
            break
        }
    }

    /// What `execution.taskSupport` says of a 2025-11-25 tool.
    enum Support: String, Sendable {
        case forbidden, optional, required
    }
}

/// A task object that does not fit the protocol.
struct TaskShapeError: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The waiting side of one task, kept apart from the I/O: each poll's task in, what to do next
/// out. It spaces the polls as the server asks (within bounds), says each status message once,
/// hands every input request to be answered once even when later polls repeat it, and stops at
/// the call's deadline, which time spent waiting on a person does not use up.
struct TaskFollower: Sendable {
    enum Action: Equatable {
        /// Poll again after this long.
        case poll(after: Duration)
        /// Answer these (2026-07-28: then `tasks/update`), then poll again.
        case answer([InputRequired.Request])
        /// 2025-11-25: the task needs input or is over; `tasks/result` has the rest.
        case fetchResult
        /// Over: the task's last state is the answer.
        case finished(ToolTask)
        /// The call's limit passed: cancel the task and fail the call.
        case timedOut
    }

    /// Polling faster than this helps no one; slower than the ceiling leaves a finished task waiting.
    static let pollFloor: Duration = .milliseconds(20)
    static let pollCeiling: Duration = .seconds(5)
    static let defaultPoll: Duration = .milliseconds(500)

    let legacy: Bool
    private(set) var deadline: ContinuousClock.Instant
    private var answered: Set<String> = []
    private var lastMessage: String?
    private(set) var polls = 0

    init(legacy: Bool, deadline: ContinuousClock.Instant) {
        self.legacy = legacy
        self.deadline = deadline
    }

    /// The next step after a poll (or the creation) showed `task` at `now`; `message` is set
    /// when the status message is new, for the progress line.
    mutating func next(after task: ToolTask, now: ContinuousClock.Instant) -> (action: Action, message: String?) {
        polls += 1
        var message: String?
        if let text = task.statusMessage, text != lastMessage {
            lastMessage = text
            message = text
        }
        if legacy, task.status.isTerminal || task.status == .inputRequired { return (.fetchResult, message) }
        if task.status.isTerminal { return (.finished(task), message) }
        if task.status == .inputRequired {
            let fresh = task.inputRequests.filter { !answered.contains($0.key) }
            if !fresh.isEmpty {
                answered.formUnion(fresh.map(\.key))
                return (.answer(fresh), message)
            }
        }
        guard now < deadline else { return (.timedOut, message) }
        let wanted = task.pollInterval ?? Self.defaultPoll
        let interval = min(max(wanted, Self.pollFloor), Self.pollCeiling)
        return (.poll(after: min(interval, deadline - now)), message)
    }

    /// Time spent answering a person is not the server's: the deadline moves by as much.
    mutating func answered(taking time: Duration) {
        deadline = deadline + time
    }

    /// The time left before the deadline (zero when it passed).
    func remaining(at now: ContinuousClock.Instant) -> Duration {
        max(.zero, deadline - now)
    }
}
