import Foundation
import GatewayRuntime
import JSONRPC
import MCP
import MCPGateway
import TestSupport
import Testing
@testable import GatewayServer

/// A server's questions to a 2026-07-28 client of `/mcp`: they come back inside an
/// `input_required` result whether the server asks the new way (`fx`, 2026-07-28) or with its
/// own request (`fxl`, held to 2025-11-25), and the client's retry with its answers finishes the
/// call. Also the `Mcp-Param-*` headers a tool's schema asks for.
@Suite("Gateway /mcp in 2026-07-28: questions inside input_required")
struct MCPModernInputTests {
    static let keys = #""server": {"api_keys": [{"key": "key-of-a-1", "name": "a", "role": "user"}, {"key": "key-of-b-2", "name": "b", "role": "user"}]}"#

    static func withFixtureAPI<T>(keys: Bool = false, _ body: (GatewayAPI) async throws -> T) async throws -> T {
        let fixture = #"{"command": "\#(Repo.python)", "args": ["\#(Repo.fixture("mcp_fixture.py"))"]"#
        let json = #"{"mcpServers": {"fx": \#(fixture)}, "fxl": \#(fixture), "protocol_version": "2025-11-25"}}\#(keys ? ", " + Self.keys : "")}"#
        let config = try ConfigLoader(environment: [:]).parse(Data(json.utf8), file: "modern-input.json")
        let runtime = GatewayRuntime(config: config, environment: RuntimeEnvironment([:]), answeredInputs: .all)
        await runtime.manager.addServers(config.servers)
        return try await withPeer(runtime.manager, stop: { await $0.shutdown() }) { _ in try await body(GatewayAPI(runtime: runtime)) }
    }

    typealias Client = MCPModernEndpointTests.Client

    static func inputRequired(_ message: [String: Any]) throws -> (key: String, request: [String: Any], state: String) {
        let result = try MCPModernEndpointTests.result(message)
        #expect(result["resultType"] as? String == "input_required", "\(result)")
        let requests = try #require(result["inputRequests"] as? [String: [String: Any]], "\(result)")
        let (key, request) = try #require(requests.first)
        return (key, request, try #require(result["requestState"] as? String))
    }

    @Test(arguments: ["fx__need_elicitation", "fxl__ask_elicitation"])
    func anElicitationComesBackInsideTheResultAndTheRetryFinishesTheCall(tool: String) async throws {
        try await Self.withFixtureAPI { api in
            var client = Client(api, capabilities: #"{"elicitation":{}}"#)
            let call = #""name":"\#(tool)","arguments":{"question":"Who are you?"}"#
            let first = try await client.request("tools/call", call, name: tool)
            #expect(first.status == 200)
            let asked = try Self.inputRequired(first.message)
            #expect(asked.request["method"] as? String == "elicitation/create")
            #expect((asked.request["params"] as? [String: Any])?["message"] as? String == "Who are you?", "\(asked.request)")
            #expect(api.mcpInteractive.count == 1)

            let retry = #"\#(call),"inputResponses":{"\#(asked.key)":{"action":"accept","content":{"name":"Ada"}}},"requestState":"\#(asked.state)""#
            let done = try await client.request("tools/call", retry, name: tool)
            let result = try MCPModernEndpointTests.result(done.message)
            #expect(MCPModernEndpointTests.text(result).contains("Ada") && result["resultType"] as? String == "complete", "\(result)")
            #expect(done.message["id"] as? Int == client.nextID)
            #expect(api.mcpInteractive.count == 0)

            // The state named a call that has ended: the client is told to start over.
            let stale = try await client.request("tools/call", retry, name: tool)
            #expect(stale.status == 400 && MCPModernEndpointTests.errorCode(stale.message) == -32602, "\(stale)")
            #expect(((stale.message["error"] as? [String: Any])?["data"] as? [String: Any])?["reason"] as? String == "invalid_request_state")
        }
    }

    @Test func aClientThatDeclaredNoElicitationIsNeverAskedAndAStateResumesOnlyItsOwnCall() async throws {
        try await Self.withFixtureAPI(keys: true) { api in
            var plain = Client(api, key: "key-of-a-1")
            let refused = try await plain.request("tools/call", #""name":"fxl__ask_elicitation","arguments":{}"#, name: "fxl__ask_elicitation")
            let text = MCPModernEndpointTests.text(try MCPModernEndpointTests.result(refused.message))
            #expect(text.contains("did not declare the 'elicitation' capability"), "\(refused)")

            var asking = Client(api, capabilities: #"{"elicitation":{}}"#, key: "key-of-a-1")
            let first = try await asking.request("tools/call", #""name":"fx__need_elicitation","arguments":{}"#, name: "fx__need_elicitation")
            let asked = try Self.inputRequired(first.message)
            // The state with another tool, other arguments or another key does not resume the
            // call; it stays for its own client.
            let answer = #""inputResponses":{"\#(asked.key)":{"action":"accept","content":{"name":"Eve"}}},"requestState":"\#(asked.state)""#
            let other = try await asking.request("tools/call", #""name":"fx__echo","arguments":{"text":"x"},\#(answer)"#, name: "fx__echo")
            #expect(other.status == 400)
            let changed = try await asking.request("tools/call", #""name":"fx__need_elicitation","arguments":{"question":"Other?"},\#(answer)"#, name: "fx__need_elicitation")
            #expect(changed.status == 400 && MCPModernEndpointTests.errorCode(changed.message) == -32602, "\(changed)")
            var intruder = Client(api, capabilities: #"{"elicitation":{}}"#, key: "key-of-b-2")
            let foreign = try await intruder.request("tools/call", #""name":"fx__need_elicitation","arguments":{},\#(answer)"#, name: "fx__need_elicitation")
            #expect(foreign.status == 400 && String(describing: foreign.message).contains("invalid_request_state"), "\(foreign)")
            #expect(api.mcpInteractive.count == 1)
            let done = try await asking.request("tools/call",
                #""name":"fx__need_elicitation","arguments":{},"inputResponses":{"\#(asked.key)":{"action":"accept","content":{"name":"Bo"}}},"requestState":"\#(asked.state)""#,
                name: "fx__need_elicitation")
            #expect(MCPModernEndpointTests.text(try MCPModernEndpointTests.result(done.message)) == "elicited: Bo")
        }
    }

    @Test func aSamplingAndTheRootsAreAskedTheSameWay() async throws {
        try await Self.withFixtureAPI { api in
            var client = Client(api, capabilities: #"{"sampling":{},"roots":{}}"#)
            let first = try await client.request("tools/call", #""name":"fx__need_sampling","arguments":{}"#, name: "fx__need_sampling")
            let asked = try Self.inputRequired(first.message)
            #expect(asked.request["method"] as? String == "sampling/createMessage")
            let answer = #"{"role":"assistant","content":{"type":"text","text":"Hello there"},"model":"m","stopReason":"endTurn"}"#
            let done = try await client.request("tools/call",
                #""name":"fx__need_sampling","arguments":{},"inputResponses":{"\#(asked.key)":\#(answer)},"requestState":"\#(asked.state)""#, name: "fx__need_sampling")
            #expect(MCPModernEndpointTests.text(try MCPModernEndpointTests.result(done.message)) == "sampled: Hello there", "\(done)")

            let roots = try await client.request("tools/call", #""name":"fxl__ask_roots","arguments":{}"#, name: "fxl__ask_roots")
            let question = try Self.inputRequired(roots.message)
            #expect(question.request["method"] as? String == "roots/list")
        }
    }

    @Test func aToolsHeaderParametersMustRepeatItsArguments() async throws {
        try await Self.withFixtureAPI { api in
            var client = Client(api)
            let call = #""name":"fx__routed","arguments":{"region":"eu-west","text":"hi"}"#
            let good = try await client.request("tools/call", call, name: "fx__routed", headers: ["Mcp-Param-Region": "eu-west"])
            #expect(MCPModernEndpointTests.text(try MCPModernEndpointTests.result(good.message)) == "eu-west: hi", "\(good)")
            let missing = try await client.request("tools/call", call, name: "fx__routed")
            #expect(missing.status == 400 && MCPModernEndpointTests.errorCode(missing.message) == -32020, "\(missing)")
            let wrong = try await client.request("tools/call", call, name: "fx__routed", headers: ["Mcp-Param-Region": "us-east"])
            #expect(wrong.status == 400 && MCPModernEndpointTests.errorCode(wrong.message) == -32020)
        }
    }
}
