import Foundation
import JSONRPC
import MCP
@testable import MCPGateway
import Testing

/// Tasks without a server: both eras' task objects read into one shape, and the follower's
/// decisions (poll spacing, input asked once, the deadline, 2025-11-25's `tasks/result`).
@Suite("Tool tasks, values")
struct ToolTaskTests {
    static func task(_ status: String, _ extra: [String: Value] = [:]) -> Value {
        var object: [String: Value] = [
            "taskId": "t-1", "status": .string(status), "createdAt": "2026-12-01T10:00:00Z",
            "lastUpdatedAt": "2026-12-01T10:00:00Z", "ttlMs": 60000,
        ]
        object.merge(extra) { $1 }
        return .object(object)
    }

    @Test func readsEveryStatusOfTheModernShape() throws {
        let working = try ToolTask(Self.task("working", ["pollIntervalMs": 250, "statusMessage": "step 1 of 3"]))
        #expect(working.status == .working && working.pollInterval == .milliseconds(250) && working.statusMessage == "step 1 of 3")

        let done = try ToolTask(Self.task("completed", ["result": ["content": [["type": "text", "text": "hi"]], "isError": false]]))
        #expect(done.status == .completed && done.result != nil)

        let failed = try ToolTask(Self.task("failed", ["error": ["code": -32603, "message": "the job broke"]]))
        #expect(failed.error == JSONRPCErrorObject(code: -32603, message: "the job broke"))

        let asking = try ToolTask(Self.task("input_required", ["inputRequests": [
            "b": ["method": "elicitation/create", "params": ["message": "Your name?"]],
            "a": ["method": "roots/list"],
        ]]))
        #expect(asking.inputRequests.map(\.key) == ["a", "b"])
        #expect(asking.inputRequests.map(\.method) == ["roots/list", "elicitation/create"])

        #expect(try ToolTask(Self.task("cancelled")).status == .cancelled)
    }

    @Test func readsTheOlderShapeToo() throws {
        // 2025-11-25: `pollInterval`, `ttl`, inside the CreateTaskResult's `task` member.
        let task = try ToolTask(["taskId": "abc", "status": "working", "ttl": 60000, "pollInterval": 50, "createdAt": "x"])
        #expect(task.id == "abc" && task.pollInterval == .milliseconds(50))
    }

    @Test func aMalformedTaskSaysWhatIsWrong() {
        #expect(throws: TaskShapeError.self) { try ToolTask("not an object") }
        #expect((try? ToolTask(["status": "working"])) == nil)
        do {
            _ = try ToolTask(Self.task("paused"))
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "task t-1 has status 'paused', which lmg does not know")
        }
        do {
            _ = try ToolTask(Self.task("input_required", ["inputRequests": ["k": ["params": [:]]]]))
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("inputRequests 'k' has no method"))
        }
    }

    @Test func pollsAtTheServersIntervalWithinBounds() throws {
        let now = ContinuousClock.now
        var follower = TaskFollower(legacy: false, deadline: now + .seconds(60))
        #expect(follower.next(after: try ToolTask(Self.task("working", ["pollIntervalMs": 250])), now: now).action == .poll(after: .milliseconds(250)))
        #expect(follower.next(after: try ToolTask(Self.task("working", ["pollIntervalMs": 0])), now: now).action == .poll(after: TaskFollower.pollFloor))
        #expect(follower.next(after: try ToolTask(Self.task("working", ["pollIntervalMs": 600_000])), now: now).action == .poll(after: TaskFollower.pollCeiling))
        #expect(follower.next(after: try ToolTask(Self.task("working")), now: now).action == .poll(after: TaskFollower.defaultPoll))
        // Never past the deadline: the last wait ends on it.
        #expect(follower.next(after: try ToolTask(Self.task("working")), now: now + .milliseconds(59_900)).action == .poll(after: .milliseconds(100)))
    }

    @Test func eachStatusMessageIsSaidOnce() throws {
        let now = ContinuousClock.now
        var follower = TaskFollower(legacy: false, deadline: now + .seconds(60))
        let first = try ToolTask(Self.task("working", ["statusMessage": "step 1 of 2"]))
        #expect(follower.next(after: first, now: now).message == "step 1 of 2")
        #expect(follower.next(after: first, now: now).message == nil)
        #expect(follower.next(after: try ToolTask(Self.task("working", ["statusMessage": "step 2 of 2"])), now: now).message == "step 2 of 2")
    }

    @Test func anInputRequestIsAnsweredOnceThoughPollsRepeatIt() throws {
        let now = ContinuousClock.now
        var follower = TaskFollower(legacy: false, deadline: now + .seconds(60))
        let asking = try ToolTask(Self.task("input_required", ["pollIntervalMs": 50, "inputRequests": ["name": ["method": "elicitation/create"]]]))
        guard case .answer(let requests) = follower.next(after: asking, now: now).action else {
            Issue.record("expected an answer")
            return
        }
        #expect(requests.map(\.key) == ["name"])
        // The server has not taken the answer in yet: the same request again is only waited on.
        #expect(follower.next(after: asking, now: now).action == .poll(after: .milliseconds(50)))
        // A new key is new.
        let more = try ToolTask(Self.task("input_required", ["inputRequests": [
            "name": ["method": "elicitation/create"], "age": ["method": "elicitation/create"],
        ]]))
        #expect(follower.next(after: more, now: now).action == .answer([.init(key: "age", method: "elicitation/create", params: nil)]))
    }

    @Test func theDeadlineEndsItButAnsweringAPersonDoesNotCount() throws {
        let now = ContinuousClock.now
        var follower = TaskFollower(legacy: false, deadline: now + .seconds(10))
        let working = try ToolTask(Self.task("working"))
        #expect(follower.next(after: working, now: now + .seconds(10)).action == .timedOut)
        follower.answered(taking: .seconds(30))
        #expect(follower.next(after: working, now: now + .seconds(10)).action == .poll(after: TaskFollower.defaultPoll))
        #expect(follower.remaining(at: now + .seconds(35)) == .seconds(5))
        // A task that ended is the answer even when the deadline passed meanwhile.
        let done = try ToolTask(Self.task("completed", ["result": ["content": []]]))
        #expect(follower.next(after: done, now: now + .seconds(99)).action == .finished(done))
    }

    @Test func olderTasksFetchTheResultWhenAskingOrOver() throws {
        let now = ContinuousClock.now
        var follower = TaskFollower(legacy: true, deadline: now + .seconds(60))
        #expect(follower.next(after: try ToolTask(Self.task("working", ["pollIntervalMs": 50])), now: now).action == .poll(after: .milliseconds(50)))
        #expect(follower.next(after: try ToolTask(Self.task("input_required")), now: now).action == .fetchResult)
        #expect(follower.next(after: try ToolTask(Self.task("failed")), now: now).action == .fetchResult)
        #expect(follower.next(after: try ToolTask(Self.task("completed")), now: now).action == .fetchResult)
    }

    @Test func theTaskMemberAsksALifetimePastTheLimit() {
        #expect(String(decoding: MCPClient.taskMember(limit: .seconds(30)), as: UTF8.self) == #""task":{"ttl":90000}"#)
    }

    @Test func onlyAServerThatTakesTaskCallsGetsThem() {
        #expect(MCPClient.offersToolTasks(["capabilities": ["tasks": ["requests": ["tools": ["call": [:]]]]]]))
        #expect(!MCPClient.offersToolTasks(["capabilities": ["tasks": ["list": [:]]]]))
        #expect(!MCPClient.offersToolTasks(["capabilities": [:]]))
    }

    @Test func aToolsPageKeepsEachToolsTaskSupport() throws {
        let page = try JSONDecoder().decode(ToolsPage.self, from: Data(#"""
            {"tools": [{"name": "a", "inputSchema": {"type": "object"}, "execution": {"taskSupport": "required"}},
                       {"name": "b", "inputSchema": {"type": "object"}},
                       {"name": "c", "inputSchema": {"type": "object"}, "execution": {"taskSupport": "someday"}}], "nextCursor": "n"}
            """#.utf8))
        #expect(page.tools.map(\.name) == ["a", "b", "c"] && page.nextCursor == "n")
        #expect(page.taskSupport == ["a": .required])
    }
}
