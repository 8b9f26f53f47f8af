import Foundation
import JSONRPC
import MCP
@testable import MCPGateway
import Testing

/// The 2026-07-28 pieces that need no server: choosing the revision, the header forms, the
/// `x-mcp-header` rules and multi-round-trip results.
@Suite("MCP 2026-07-28 values")
struct ProtocolRevisionTests {
    // MARK: - Choosing the revision

    @Test func aModernServerIsAdoptedAtTheVersionItConfirms() {
        var negotiation = ProtocolNegotiation()
        #expect(negotiation.start() == .discover("2026-07-28"))
        #expect(negotiation.next(after: .discovered(["2026-07-28", "2025-11-25"])) == .modern("2026-07-28"))
    }

    @Test func anyOtherAnswerMeansInitialize() {
        for outcome: ProtocolNegotiation.Outcome in [.notModern("error -32601: Method not found"), .notModern("HTTP 400"), .notModern("no answer")] {
            var negotiation = ProtocolNegotiation()
            _ = negotiation.start()
            #expect(negotiation.next(after: outcome) == .initialize("2025-11-25"))
        }
    }

    @Test func unsupportedVersionRetriesWithAMutualModernOneElseFallsBackOrFails() {
        // Names a legacy revision only: initialize.
        var legacy = ProtocolNegotiation()
        _ = legacy.start()
        #expect(legacy.next(after: .unsupportedVersion(["2025-06-18"])) == .initialize("2025-11-25"))
        // Names nothing lmg speaks: a reason naming both sides.
        var disjoint = ProtocolNegotiation()
        _ = disjoint.start()
        guard case .fail(let reason) = disjoint.next(after: .unsupportedVersion(["2099-01-01"])) else {
            Issue.record("expected a failure")
            return
        }
        #expect(reason.contains("2099-01-01") && reason.contains("2026-07-28"))
        // A discover result that lists only handshake revisions is a legacy advertisement.
        var advertised = ProtocolNegotiation()
        _ = advertised.start()
        #expect(advertised.next(after: .discovered(["2025-11-25"])) == .initialize("2025-11-25"))
    }

    /// A probe that timed out on a slow-starting stdio server may still have made it modern:
    /// its -32022 to the initialize that followed brings one more probe, not a failure.
    @Test func initializeRefusedWithModernVersionsReprobesOnce() {
        var negotiation = ProtocolNegotiation()
        _ = negotiation.start()
        #expect(negotiation.next(after: .notModern("no answer")) == .initialize("2025-11-25"))
        #expect(negotiation.next(after: .unsupportedVersion(["2026-07-28"])) == .discover("2026-07-28"))
        #expect(negotiation.next(after: .discovered(["2026-07-28"])) == .modern("2026-07-28"))
        var twice = ProtocolNegotiation()
        _ = twice.start()
        _ = twice.next(after: .notModern("no answer"))
        _ = twice.next(after: .unsupportedVersion(["2026-07-28"]))
        _ = twice.next(after: .notModern("no answer"))
        guard case .fail = twice.next(after: .unsupportedVersion(["2026-07-28"])) else {
            Issue.record("a second refusal must end the negotiation")
            return
        }
    }

    @Test func aConfiguredRevisionIsTheOnlyOne() {
        var legacy = ProtocolNegotiation(preference: .only("2025-06-18"))
        #expect(legacy.start() == .initialize("2025-06-18"))
        var modern = ProtocolNegotiation(preference: .only("2026-07-28"))
        #expect(modern.start() == .discover("2026-07-28"))
        guard case .fail(let reason) = modern.next(after: .notModern("HTTP 404")) else {
            Issue.record("a server without the configured revision is an error")
            return
        }
        #expect(reason.contains("2026-07-28") && reason.contains("HTTP 404"))
    }

    // MARK: - Header values

    /// The spec's own examples.
    @Test func headerValuesUseTheBase64FormWhenNotPlainASCII() {
        #expect(MCPHeaderValue.encode("us-west1") == "us-west1")
        #expect(MCPHeaderValue.encode("two words") == "two words")
        #expect(MCPHeaderValue.encode("Hello, 世界") == "=?base64?SGVsbG8sIOS4lueVjA==?=")
        #expect(MCPHeaderValue.encode(" padded ") == "=?base64?IHBhZGRlZCA=?=")
        #expect(MCPHeaderValue.encode("line1\nline2") == "=?base64?bGluZTEKbGluZTI=?=")
        #expect(MCPHeaderValue.encode("=?base64?literal?=") == "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=")
        for value in ["Hello, 世界", " padded ", "line1\nline2", "=?base64?literal?=", "plain"] {
            #expect(MCPHeaderValue.decode(MCPHeaderValue.encode(value)) == value)
        }
        #expect(MCPHeaderValue.decode("=?base64?***?=") == nil)
    }

    // MARK: - x-mcp-header

    @Test func annotatedPropertiesBecomeParameterHeaders() throws {
        let schema: Value = [
            "type": "object",
            "properties": [
                "region": ["type": "string", "x-mcp-header": "Region"],
                "count": ["type": "integer", "x-mcp-header": "Count"],
                "dry": ["type": "boolean", "x-mcp-header": "Dry-Run"],
                "target": ["type": "object", "properties": ["zone": ["type": "string", "x-mcp-header": "Zone"]]],
                "query": ["type": "string"],
            ],
        ]
        let parameters = try ToolHeaderParameters.read(schema)
        let headers = parameters.headers(for: ["region": "eu 1", "count": 3, "dry": false, "target": ["zone": "b"], "query": "x"])
        #expect(headers.map(\.0) == ["Mcp-Param-Count", "Mcp-Param-Dry-Run", "Mcp-Param-Region", "Mcp-Param-Zone"])
        #expect(headers.map(\.1) == ["3", "false", "eu 1", "b"])
        // Absent and null arguments send no header.
        #expect(parameters.headers(for: ["region": nil]).isEmpty)
    }

    @Test func brokenAnnotationsAreRefused() {
        let cases: [(Value, String)] = [
            (["type": "object", "properties": ["a": ["type": "number", "x-mcp-header": "A"]]], "a number"),
            (["type": "object", "properties": ["a": ["type": "string", "x-mcp-header": "Bad Name"]]], "not a token"),
            (["type": "object", "properties": ["a": ["type": "string", "x-mcp-header": ""]]], "empty"),
            (["type": "object", "properties": [
                "a": ["type": "string", "x-mcp-header": "Same"], "b": ["type": "string", "x-mcp-header": "same"],
            ]], "used twice"),
            (["type": "object", "properties": ["a": ["type": "array", "items": ["type": "string", "x-mcp-header": "A"]]]], "inside items"),
            (["type": "object", "anyOf": [["properties": ["a": ["type": "string", "x-mcp-header": "A"]]]]], "inside anyOf"),
        ]
        for (schema, why) in cases {
            #expect(throws: ToolHeaderParameters.Invalid.self, "\(why)") { try ToolHeaderParameters.read(schema) }
        }
        // A property *named* x-mcp-header is no annotation.
        #expect(throws: Never.self) { try ToolHeaderParameters.read(["type": "object", "properties": ["x-mcp-header": ["type": "string"]]]) }
    }

    // MARK: - Multi-round-trip results

    @Test func resultTypesAreRead() {
        #expect(InputRequired.kind(of: ["content": []]) == .complete)
        #expect(InputRequired.kind(of: ["resultType": "complete"]) == .complete)
        #expect(InputRequired.kind(of: ["resultType": "later"]) == .unknown("later"))
        #expect(InputRequired.kind(of: ["resultType": "input_required"]) == .malformed("input_required with neither inputRequests nor requestState"))
        let result: Value = [
            "resultType": "input_required",
            "inputRequests": [
                "login": ["method": "elicitation/create", "params": ["mode": "form", "message": "Who?"]],
                "roots": ["method": "roots/list"],
            ],
            "requestState": "opaque \"state\"",
        ]
        guard case .inputRequired(let input) = InputRequired.kind(of: result) else {
            Issue.record("expected input_required")
            return
        }
        #expect(input.requests.map(\.key) == ["login", "roots"])
        #expect(input.requests.map(\.method) == ["elicitation/create", "roots/list"])
        #expect(input.requestState == "opaque \"state\"")
    }

    @Test func theRetryCarriesTheAnswersAndTheStateUnchanged() throws {
        let input = InputRequired(requests: [.init(key: "k", method: "roots/list")], requestState: "s\\1")
        let members = input.retryMembers(answers: ["k": ["roots": []]])
        var writer = JSONWriter()
        writer.raw("{")
        writer.raw(bytes: members)
        writer.raw("}")
        #expect(try JSONValueParser.parse(writer.data) == ["inputResponses": ["k": ["roots": []]], "requestState": "s\\1"])
        let stateless = InputRequired(requests: [.init(key: "k", method: "roots/list")], requestState: nil)
        var other = JSONWriter()
        other.raw("{")
        other.raw(bytes: stateless.retryMembers(answers: [:]))
        other.raw("}")
        #expect(try JSONValueParser.parse(other.data) == ["inputResponses": [:]])
    }
}

@Suite("MCP 2026-07-28 values: freshness and errors")
struct ProtocolFreshnessTests {
    @Test func aListIsFreshWhileAnnouncedOrWithinItsTimeToLive() {
        var freshness = ListFreshness()
        let now = ContinuousClock.now
        #expect(!freshness.isFresh(.tools, now: now))
        freshness.fetched(.tools, ttl: .seconds(2), now: now)
        #expect(freshness.isFresh(.tools, now: now + .seconds(1)))
        #expect(!freshness.isFresh(.tools, now: now + .seconds(2)))
        freshness.fetched(.prompts, ttl: .zero, now: now)
        #expect(!freshness.isFresh(.prompts, now: now))
        freshness.acknowledged(ListFreshness.kinds(in: ["toolsListChanged": true, "promptsListChanged": true]), now: now + .seconds(1))
        // Fetched before the stream was acknowledged: a change in between was never announced.
        #expect(!freshness.isFresh(.prompts, now: now + .seconds(2)))
        freshness.fetched(.prompts, ttl: .zero, now: now + .seconds(2))
        #expect(freshness.isFresh(.prompts, now: now + .seconds(60)))
        #expect(!freshness.isFresh(.resources, now: now))
        freshness.streamEnded()
        #expect(!freshness.isFresh(.prompts, now: now + .seconds(60)))
        // Open again: the list from before the gap is not trusted, a new one is.
        freshness.acknowledged([.prompts], now: now + .seconds(70))
        #expect(!freshness.isFresh(.prompts, now: now + .seconds(71)))
    }

    @Test func timesToLiveAreReadAsTheSpecSays() {
        #expect(ListFreshness.ttl(of: ["ttlMs": 1500]) == .milliseconds(1500))
        #expect(ListFreshness.ttl(of: ["ttlMs": -5]) == .zero)
        #expect(ListFreshness.ttl(of: ["tools": []]) == .zero)
        #expect(ListFreshness.ttl(of: ["ttlMs": 2.5]) == .milliseconds(2))
    }

    @Test func eitherResourceNotFoundCodeReadsTheSame() {
        let modern = MCPClientError(.server(code: -32602), server: "s", method: "resources/read", "Resource not found")
        let older = MCPClientError(.server(code: -32002), server: "s", method: "resources/read", "Unknown resource")
        let argument = MCPClientError(.server(code: -32602), server: "s", method: "tools/call", "bad argument")
        #expect(modern.isResourceNotFound && older.isResourceNotFound && !argument.isResourceNotFound)
    }
}

/// A request waiting on a question the server asked (a form a person types) does not time out
/// meanwhile; it gets its limit afresh once the answer is sent.
@Suite("Server questions and request limits")
struct AnsweringLimitTests {
    final class NullTransport: MCPTransport {
        var exchangeCarriesResponse: Bool { false }
        func start(_ handlers: TransportHandlers) async throws {}
        func send(_ message: Data, expecting: JSONRPCID?) async throws {}
        func close() async {}
    }

    final class Relay: ServerRequestRelay {
        func relay(method: String, params: Value?, server: String) async throws(JSONRPCErrorObject) -> Value? { nil }
    }

    @Test func theLimitWaitsWhileAQuestionIsAnswered() throws {
        var state = ClientState()
        state.transport = NullTransport()
        state.phase = .ready
        let relay = Relay()
        let (id, _) = try #require(ServerRequestRelays.$current.withValue(relay) {
            state.register(method: "tools/call", waiter: ResponseWaiter(), progress: nil, allowedBeforeReady: false, limit: .seconds(5))
        })
        // No question open: the limit ends the request.
        let ends = state.deadlineReached(id)
        #expect(ends)
        let waiting = state.startAnswering(related: nil, relay: relay)
        #expect(waiting == [id])
        let waits = state.deadlineReached(id)
        #expect(!waits, "a person is typing: the request waits")
        let restarted = state.stopAnswering(waiting)
        #expect(restarted.map(\.0) == [id], "the limit starts again")
        #expect(restarted.map(\.2) == [.seconds(5)])
        // Another relay's question says nothing about this request.
        let other = state.startAnswering(related: nil, relay: Relay())
        #expect(other.isEmpty)
    }
}
