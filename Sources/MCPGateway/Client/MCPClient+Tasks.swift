import Foundation
import JSONRPC
import MCP
import Locking

/// Tool calls the server runs as tasks. A 2026-07-28 server may answer any `tools/call` with a
/// task handle (`resultType: "task"`, the tasks extension lmg declares); a 2025-11-25 server
/// whose tool says `execution.taskSupport: "required"` is called with `task: {ttl}`. Either way
/// the call that got the handle follows it to its end: polls at the server's interval, answers
/// what the task asks, and returns the tool's result, so callers never see the task. Cancelling
/// the call, or its limit passing, cancels the task (`tasks/cancel`).
extension MCPClient {
    /// 2025-11-25: whether `tool` must go as a task (only where the server takes task calls).
    func callsAsTask(_ tool: String) -> Bool {
        state.withLock { $0.envelope == nil && $0.callsToolsAsTasks && $0.toolTaskSupport[tool] == .required }
    }

    /// Whether an `initialize` result's capabilities take task-augmented `tools/call`.
    static func offersToolTasks(_ result: Value?) -> Bool {
        guard case .object(let result)? = result, case .object(let capabilities)? = result["capabilities"],
              case .object(let tasks)? = capabilities["tasks"], case .object(let requests)? = tasks["requests"],
              case .object(let tools)? = requests["tools"], tools["call"] != nil
        else { return false }
        return true
    }

    /// The `task` member of a 2025-11-25 task call: a lifetime a little past the call's limit,
    /// so the result is still there when the last poll comes.
    static func taskMember(limit: Duration) -> [UInt8] {
        var writer = JSONWriter()
        writer.raw(#""task":{"ttl":"#)
        writer.number(Double((limit + .seconds(60)).components.seconds * 1000))
        writer.raw("}")
        return writer.bytes
    }

    /// Follows the task `created` describes until it ends; `legacy` for 2025-11-25's tasks,
    /// whose progress keeps `progressToken` (the creating request's).
    func followTask(
        _ created: Value?, legacy: Bool, progressToken: JSONRPCID?, limit: Duration,
        deadline: ContinuousClock.Instant, onProgress: MCPProgressHandler?
    ) async throws -> CallTool.Result {
        var task = try readTask(created, method: "tools/call")
        let sawProgress = Locked(false)
        if legacy, let progressToken, let onProgress {
            state.withLock {
                $0.taskProgress[progressToken] = { progress in
                    sawProgress.withLock { $0 = true }
                    onProgress(progress)
                }
            }
        }
        defer { if legacy, let progressToken { _ = state.withLock { $0.taskProgress.removeValue(forKey: progressToken) } } }
        var follower = TaskFollower(legacy: legacy, deadline: deadline)
        var step = 0.0
        do {
            while true {
                let (action, message) = follower.next(after: task, now: .now)
                if let message, let onProgress, !sawProgress.withLock({ $0 }) {
                    step += 1
                    onProgress(MCPProgress(progress: step, total: nil, message: message))
                }
                switch action {
                case .poll(let interval):
                    do { try await Task.sleep(for: interval) } catch { throw MCPClientError(.cancelled, server: name, method: "tools/call", "cancelled") }
                    task = try await getTask(task.id)
                case .answer(let requests):
                    let started = ContinuousClock.now
                    let answers = try await answers(to: InputRequired(requests: requests, requestState: nil), during: "tools/call")
                    follower.answered(taking: .now - started)
                    let _: Value = try await request(
                        "tasks/update", params: ["taskId": .string(task.id), "inputResponses": .object(answers)] as [String: Value],
                        extras: RequestExtras(name: task.id))
                    task = try await getTask(task.id)
                case .fetchResult:
                    // Blocks until the task ends; what the task asks meanwhile comes as requests.
                    let payload: Value
                    do {
                        payload = try await request(
                            "tasks/result", params: ["taskId": task.id], timeout: max(follower.remaining(at: .now), .seconds(1)),
                            extras: RequestExtras(name: task.id))
                    } catch let error as MCPClientError where error.kind.isServerError {
                        task.status = .failed  // the task's own error: it is over
                        throw error
                    }
                    if case .object(let object) = payload, object["content"] != nil {
                        do {
                            return try JSONDecoder().decode(CallTool.Result.self, from: JSONEncoder().encode(payload))
                        } catch {
                            throw MCPClientError(.protocolViolation, server: name, method: "tasks/result", "task \(task.id): not a tool result: \(error)")
                        }
                    }
                    // SDK 1.x answers a failed task's tasks/result with no payload: the status says why.
                    let last = task.status.isTerminal ? task : try await getTask(task.id)
                    task = last
                    guard last.status == .failed || last.status == .cancelled else {
                        throw MCPClientError(.protocolViolation, server: name, method: "tasks/result", "task \(task.id) ended \(last.status.rawValue) without a tool result")
                    }
                    return try finish(last)
                case .finished(let last):
                    return try finish(last)
                case .timedOut:
                    throw MCPClientError(.timedOut(limit), server: name, method: "tools/call", "task \(task.id) did not finish within \(describe(limit))")
                }
            }
        } catch {
            if !task.status.isTerminal {
                // The call is over for this side: the server may stop (cancellation is cooperative).
                let id = task.id
                Task { try? await self.cancelTask(id) }
            }
            throw error
        }
    }

    /// Asks the server to stop a task; its acknowledgement is all there is to wait for.
    func cancelTask(_ id: String) async throws {
        let _: Value = try await request("tasks/cancel", params: ["taskId": id], extras: RequestExtras(name: id))
    }

    private func getTask(_ id: String) async throws -> ToolTask {
        let result: Value = try await request("tasks/get", params: ["taskId": id], extras: RequestExtras(name: id))
        return try readTask(result, method: "tasks/get")
    }

    private func readTask(_ value: Value?, method: String) throws -> ToolTask {
        do {
            return try ToolTask(value)
        } catch {
            throw MCPClientError(.protocolViolation, server: name, method: method, error.description)
        }
    }

    /// A 2026-07-28 task's end as the tool's result: completed is the result; failed is the
    /// JSON-RPC error it carries; cancelled by the server is a failed call the model can read.
    private func finish(_ task: ToolTask) throws -> CallTool.Result {
        switch task.status {
        case .completed:
            guard let result = task.result else {
                throw MCPClientError(.protocolViolation, server: name, method: "tasks/get", "task \(task.id) completed without a result")
            }
            do {
                return try JSONDecoder().decode(CallTool.Result.self, from: JSONEncoder().encode(result))
            } catch {
                throw MCPClientError(.protocolViolation, server: name, method: "tasks/get", "task \(task.id) completed with a result that is not a tool result: \(error)")
            }
        case .failed:
            let error = task.error ?? JSONRPCErrorObject(code: JSONRPCErrorObject.internalError, message: task.statusMessage ?? "the task failed")
            throw MCPClientError(.server(code: error.code), server: name, method: "tools/call", "task \(task.id) failed: \(error.message)", data: error.data)
        default:
            let why = task.statusMessage.map { ": \($0)" } ?? ""
            return CallTool.Result(content: [.text(text: "the server cancelled the task\(why)", annotations: nil, _meta: nil)], isError: true)
        }
    }
}

/// One page of `tools/list`, with what the page says of each tool's task support (the SDK's
/// `Tool` has no `execution`).
struct ToolsPage: Decodable {
    let tools: [Tool]
    let nextCursor: String?
    let taskSupport: [String: ToolTask.Support]

    private enum CodingKeys: String, CodingKey { case tools, nextCursor }
    private struct Execution: Decodable {
        struct Inner: Decodable { let taskSupport: String? }
        let name: String
        let execution: Inner?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tools = try container.decode([Tool].self, forKey: .tools)
        nextCursor = try container.decodeIfPresent(String.self, forKey: .nextCursor)
        let executions = (try? container.decode([Execution].self, forKey: .tools)) ?? []
        var support: [String: ToolTask.Support] = [:]
        for entry in executions {
            if let raw = entry.execution?.taskSupport, let value = ToolTask.Support(rawValue: raw) { support[entry.name] = value }
        }
        taskSupport = support
    }
}
