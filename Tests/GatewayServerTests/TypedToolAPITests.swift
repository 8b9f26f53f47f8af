import Foundation
import GatewayRuntime
import MCP
import MCPGateway
import TestSupport
import Testing
@testable import GatewayServer

/// The typed endpoint, the argument check and the OpenAPI document, by `GatewayAPI.handle`
/// with two built-in servers behind it over stdio (each rooted in an empty temporary directory).
@Suite("Gateway API: typed tools, argument checks and OpenAPI over the built-in server")
struct TypedToolAPITests {
    static let keys = #"""
        "server": {"api_keys": [
            {"key": "admin-key-3", "name": "root", "role": "admin"},
            {"key": "user-key-4", "name": "narrow", "servers": ["builtin"], "tools": ["echo", "calculate"]}]}
        """#

    /// The API over `builtin` and `other`, shut down when `body` ends.
    static func withAPI<T>(keys: Bool = false, _ body: (GatewayAPI) async throws -> T) async throws -> T {
        try await withBuiltinServersAPI(named: "typed", extra: keys ? Self.keys : nil, body)
    }

    static func post(_ path: String, _ body: String, key: String? = nil) -> APIRequest {
        APIRequest(method: "POST", path: path, headers: key.map { ["Authorization": "Bearer \($0)"] } ?? [:], body: Data(body.utf8))
    }

    static func text(_ response: APIResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    @Test func theTypedEndpointAnswersLikeToolsCall() async throws {
        try await Self.withAPI { api in
            let typed = await api.handle(Self.post("/tools/builtin/calculate", #"{"expression": "(17+25)*3"}"#))
            let generic = await api.handle(Self.post("/mcp/tools/call", #"{"server_name": "builtin", "tool_name": "calculate", "arguments": {"expression": "(17+25)*3"}}"#))
            #expect(typed.status == 200 && typed.body == generic.body && typed.headers == generic.headers, "\(Self.text(typed))")
            #expect(Self.text(typed).contains(#""structuredContent":{"result":126}"#))
            let failed = await api.handle(Self.post("/tools/builtin/calculate", #"{"expression": "2 +"}"#))
            #expect(failed.status == 200 && Self.text(failed).contains(#""isError":true"#), "a tool's failure is a 200 result")
            let noBody = await api.handle(Self.post("/tools/builtin/current_time", ""))
            #expect(noBody.status == 200, "no body is {}: \(Self.text(noBody))")
            let typo = await api.handle(Self.post("/tools/builtin/ecko", "{}"))
            #expect(typo.status == 404 && Self.text(typo).contains("did you mean 'echo'?"))
        }
    }

    @Test func badArgumentsAre422NamingTheFieldOnBothRoutes() async throws {
        try await Self.withAPI { api in
            let expected = #"{"error":{"code":"invalid_arguments","message":"tool 'builtin/echo': field 'text' is required"}}"#
            let typed = await api.handle(Self.post("/tools/builtin/echo", "{}"))
            #expect(typed.status == 422)
            #expect(Self.text(typed) == expected)
            let generic = await api.handle(Self.post("/mcp/tools/call", #"{"server_name": "builtin", "tool_name": "echo"}"#))
            #expect(generic.status == 422 && Self.text(generic) == expected)
            let nested = await api.handle(Self.post("/tools/builtin/read_file", #"{"path": "x", "max_bytes": "many"}"#))
            #expect(nested.status == 422)
            #expect(Self.text(nested).contains("field 'max_bytes' must be an integer, not a string"), "\(Self.text(nested))")
        }
    }

    @Test func aKeyLimitedToOneServerSeesAndCallsOnlyItsTools() async throws {
        try await Self.withAPI(keys: true) { api in
            func document(_ key: String) async throws -> [String: Any] {
                let response = await api.handle(APIRequest(method: "GET", path: "/openapi.json", headers: ["Authorization": "Bearer \(key)"]))
                return try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
            }
            func toolPaths(_ document: [String: Any]) -> [String] {
                ((document["paths"] as? [String: Any]) ?? [:]).keys.filter { $0.hasPrefix("/tools/") }.sorted()
            }
            #expect(toolPaths(try await document("user-key-4")) == ["/tools/builtin/calculate", "/tools/builtin/echo"])
            let all = try await document("admin-key-3")
            #expect(toolPaths(all).count == 10, "\(toolPaths(all))")
            #expect(((all["components"] as? [String: Any])?["securitySchemes"] as? [String: Any])?["bearer"] != nil)
            #expect(await api.handle(APIRequest(method: "GET", path: "/openapi.json")).status == 401)
            #expect(await api.handle(APIRequest(method: "GET", path: "/docs")).status == 401)

            let hidden = await api.handle(Self.post("/tools/builtin/read_file", #"{"path": "x"}"#, key: "user-key-4"))
            #expect(hidden.status == 403 && Self.text(hidden).contains("may not call 'builtin__read_file'"), "\(Self.text(hidden))")
            let otherServer = await api.handle(Self.post("/tools/other/echo", #"{"text": "x"}"#, key: "user-key-4"))
            #expect(otherServer.status == 403 && Self.text(otherServer).contains("may not use server 'other'"))
            #expect(await api.handle(Self.post("/tools/builtin/echo", #"{"text": "x"}"#, key: "user-key-4")).status == 200)

            // The calculate operation's result has the tool's outputSchema as its structuredContent.
            let paths = try #require(all["paths"] as? [String: Any])
            let calculate = try #require(((paths["/tools/builtin/calculate"] as? [String: Any])?["post"]) as? [String: Any])
            let responses = try #require(calculate["responses"] as? [String: Any])
            let schema = try #require((((responses["200"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"] as? [String: Any])
            let structured = ((schema["else"] as? [String: Any])?["properties"] as? [String: Any])?["structuredContent"] as? [String: Any]
            #expect((structured?["required"] as? [String]) == ["result"], "\(schema)")
            #expect(calculate["summary"] as? String == "Calculate")
        }
    }
}
