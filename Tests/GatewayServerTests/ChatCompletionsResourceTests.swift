import Foundation
import GatewayRuntime
@testable import GatewayServer
import LMGTesting
import MCPGateway
import ModelClient
import TestSupport
import Testing

/// The model's resource functions behind `/v1/chat/completions`: the caller's key and the
/// request narrow the servers whose resources the model sees, exactly as they narrow tools.
@Suite("OpenAI endpoint: resource functions")
struct ChatCompletionsResourceTests {
    typealias T = ChatCompletionsTests

    /// Lists, then reads the built-in server's about page from `beta`, then from wherever it is.
    static func listThenRead() -> ScriptedChatModel {
        ScriptedChatModel { _, index in
            switch index {
            case 0: return T.calls(ToolCall(id: "l1", name: "lmg_list_resources", arguments: "{}"))
            case 1: return T.calls(ToolCall(id: "r1", name: "lmg_read_resource", arguments: #"{"uri": "lmg://server/about", "server": "beta"}"#))
            case 2: return T.calls(ToolCall(id: "r2", name: "lmg_read_resource", arguments: #"{"uri": "lmg://server/about"}"#))
            default: return T.answer("Read.")
            }
        }
    }

    /// The tool messages of the model's last request, by call id.
    static func results(_ model: ScriptedChatModel) throws -> [String: String] {
        let messages = try #require(model.requests.last).messages.filter { $0.role == .tool }
        return Dictionary(uniqueKeysWithValues: messages.map { ($0.toolCallID ?? "", $0.text) })
    }

    @Test func aKeyLimitedToOneServerListsAndReadsOnlyIts() async throws {
        let model = Self.listThenRead()
        let keys = [APIKey(key: T.alphaKey, name: "alpha-only", servers: ["alpha"])]
        try await T.withAPI(model, keys: keys) { (api: GatewayAPI) async throws in
            let body = #"{"model": "m", "messages": [{"role": "user", "content": "read about"}]}"#
            let response = await api.handle(T.chat(body, headers: ["Authorization": "Bearer \(T.alphaKey)"]))
            #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
            #expect(try T.message(try T.json(response))["content"] as? String == "Read.")
            let results = try Self.results(model)
            let listing = try JSONSerialization.jsonObject(with: Data(try #require(results["l1"]).utf8)) as! [String: Any]
            let servers = Set((listing["resources"] as! [[String: Any]]).map { $0["server"] as! String })
            #expect(servers == ["alpha"])
            #expect(results["r1"]?.hasPrefix("Error: there is no server 'beta' with resources") == true, "\(results["r1"] ?? "")")
            #expect(results["r2"]?.hasPrefix("[resource lmg://server/about from server 'alpha'") == true, "\(results["r2"] ?? "")")
        }
    }

    @Test func requestsNarrowOrTurnOffTheResourceFunctions() async throws {
        let model = ScriptedChatModel(turns: [T.answer("ok")])
        try await T.withAPI(model) { (api: GatewayAPI) async throws in
            let body = #"{"model": "m", "messages": [{"role": "user", "content": "hi"}]"#
            func offered(_ extra: String = "", _ headers: [String: String] = [:]) async throws -> [String] {
                model.reset()
                let response = await api.handle(T.chat(body + extra + "}", headers: headers))
                #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
                return T.names(try #require(model.requests.first)).filter { $0.hasPrefix("lmg_") }
            }
            #expect(try await offered() == ["lmg_list_resources", "lmg_read_resource"])
            #expect(try await offered("", ["X-LMG-Servers": "beta"]).count == 2)
            #expect(try await offered("", ["X-LMG-Tools": "*calc*"]) == [], "tool globs that match neither name leave them out")
            #expect(try await offered("", ["X-LMG-Tools": "*calc*, lmg_*"]).count == 2)
            #expect(try await offered(#", "mcp": false"#) == [])
            // The caller's own function of the same name wins: ours is not offered beside it.
            let own = #", "tools": [{"type": "function", "function": {"name": "lmg_read_resource", "parameters": {"type": "object"}}}]"#
            #expect(try await offered(own) == ["lmg_read_resource"])
        }
    }
}
