import Foundation
import GatewayRuntime
import GatewayServer
import MCPGateway
import Testing

/// The gateway's core, called directly: routes, bodies and error statuses without a port or a
/// server process (the servers here are disabled, so nothing starts).
@Suite("Gateway API: routing and errors")
struct GatewayAPITests {
    static func api() async -> GatewayAPI {
        var secret = MCPServerConfig.http("vault", url: "https://vault.example/mcp", headers: [HeaderConfig(key: "Authorization", value: "Bearer tok-123")])
        secret.oauth2ClientID = "client"
        secret.oauth2ClientSecret = "shh-456"
        secret.env = ["API_KEY": "env-789"]
        secret.enabled = false
        var files = MCPServerConfig.stdio("files", command: "true")
        files.enabled = false
        let runtime = GatewayRuntime(config: GatewayConfig(servers: [secret, files]), environment: RuntimeEnvironment([:]))
        await runtime.manager.addServers(runtime.config.servers)
        return GatewayAPI(runtime: runtime)
    }

    static func json(_ response: APIResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
    }

    static func error(_ response: APIResponse) throws -> (code: String, message: String) {
        let error = try #require(try json(response)["error"] as? [String: Any])
        return (try #require(error["code"] as? String), try #require(error["message"] as? String))
    }

    static func post(_ path: String, _ body: String) -> APIRequest {
        APIRequest(method: "POST", path: path, body: Data(body.utf8))
    }

    /// Without keys only this machine's programs may call: a page the user visits (its `Origin`)
    /// or a name that resolves here (DNS rebinding: a `Host` that is not loopback) may not.
    @Test func withoutKeysWebPagesAndForeignHostsAreRefused() async throws {
        let api = await Self.api()
        for headers in [["Host": "127.0.0.1:8000"], ["Host": "localhost"], ["Host": "[::1]:8000"], ["Host": "127.0.0.1:8000", "Origin": "http://localhost:3000"], ["Origin": "http://[::1]:3000"], [:]] {
            #expect(await api.handle(APIRequest(method: "GET", path: "/mcp/servers", headers: headers)).status == 200, "\(headers)")
        }
        let rebound = await api.handle(APIRequest(method: "GET", path: "/mcp/servers", headers: ["Host": "evil.example:8000"]))
        #expect(rebound.status == 403)
        #expect(try Self.error(rebound).message.contains("addressed to 127.0.0.1, ::1 or localhost"))
        let page = await api.handle(APIRequest(method: "POST", path: "/mcp/tools/call", headers: ["Host": "127.0.0.1:8000", "Origin": "https://evil.example"],
                                               body: Data(#"{"server_name": "files", "tool_name": "x"}"#.utf8)))
        #expect(page.status == 403)
        #expect(try Self.error(page).message.contains("need server.api_keys"))
        let sandboxed = await api.handle(APIRequest(method: "GET", path: "/mcp/servers", headers: ["Origin": "null"]))
        #expect(sandboxed.status == 403)
    }

    @Test func unknownRoutesAndMethodsSayWhatExists() async throws {
        let api = await Self.api()
        let missing = await api.handle(APIRequest(method: "GET", path: "/mcp/tool"))
        #expect(missing.status == 404)
        #expect(try Self.error(missing).message.contains("did you mean /mcp/tools?"))
        let wrongMethod = await api.handle(APIRequest(method: "GET", path: "/mcp/tools/call"))
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["Allow"] == "POST")
        #expect(await api.handle(APIRequest(method: "GET", path: "/mcp/tools/")).status == 200, "a trailing slash is the same route")
    }

    @Test func malformedBodiesNameTheField() async throws {
        let api = await Self.api()
        let noBody = await api.handle(APIRequest(method: "POST", path: "/mcp/tools/call"))
        #expect(noBody.status == 400)
        #expect(try Self.error(noBody).code == "bad_request")
        let notJSON = await api.handle(Self.post("/mcp/tools/call", "{nope"))
        #expect(notJSON.status == 400)
        let missing = await api.handle(Self.post("/mcp/tools/call", #"{"server_name": "files"}"#))
        #expect(try Self.error(missing).message == "field 'tool_name' is required")
        let wrongType = await api.handle(Self.post("/mcp/tools/call", #"{"server_name": 5, "tool_name": "x"}"#))
        #expect(try Self.error(wrongType).message == "field 'server_name' must be a string")
        let badArguments = await api.handle(Self.post("/mcp/tools/call", #"{"server_name": "files", "tool_name": "x", "arguments": [1]}"#))
        #expect(try Self.error(badArguments).message == "field 'arguments' must be an object")
    }

    @Test func unknownAndDisabledServersAreRefusedWithTheirStatus() async throws {
        let api = await Self.api()
        let unknown = await api.handle(Self.post("/mcp/tools/call", #"{"server_name": "file", "tool_name": "read"}"#))
        #expect(unknown.status == 404)
        #expect(try Self.error(unknown).message.contains("did you mean 'files'?"))
        let query = await api.handle(APIRequest(method: "GET", path: "/mcp/tools", query: ["server_name": "nope"]))
        #expect(query.status == 404)
        let noTool = await api.handle(Self.post("/mcp/tools/call", #"{"server_name": "files", "tool_name": "read"}"#))
        #expect(noTool.status == 404, "a disabled server lists no tools")
        let read = await api.handle(Self.post("/mcp/resources/read", #"{"server_name": "files", "uri": "file:///x"}"#))
        #expect(read.status == 503)
        #expect(try Self.error(read).message.contains("disabled"))
    }

    @Test func listingsAndOperationsAnswerInTheDocumentedShapes() async throws {
        let api = await Self.api()
        #expect(try Self.json(await api.handle(APIRequest(method: "GET", path: "/healthz")))["status"] as? String == "ok")
        let ready = try Self.json(await api.handle(APIRequest(method: "GET", path: "/readyz")))
        #expect((ready["servers"] as? [String: Int])?["disabled"] == 2)
        #expect((try Self.json(await api.handle(APIRequest(method: "GET", path: "/mcp/tools")))["tools"] as? [Any])?.isEmpty == true)
        let status = try Self.json(await api.handle(APIRequest(method: "GET", path: "/mcp/servers/status")))
        #expect((status["servers"] as? [[String: Any]])?.map { $0["state"] as? String } == ["disabled", "disabled"])
        let prompts = try Self.json(await api.handle(APIRequest(method: "GET", path: "/mcp/prompts")))
        #expect(prompts["prompts"] as? [Any] != nil && prompts["errors"] as? [Any] != nil)
        let refresh = await api.handle(Self.post("/mcp/oauth/refresh", "{}"))
        #expect(refresh.status == 200)
    }

    /// The configuration list shows every setting but no credential.
    @Test func serverConfigurationsNeverShowASecret() async throws {
        let api = await Self.api()
        let response = await api.handle(APIRequest(method: "GET", path: "/mcp/servers"))
        let text = String(decoding: response.body, as: UTF8.self)
        for secret in ["tok-123", "shh-456", "env-789"] { #expect(!text.contains(secret), "\(text)") }
        let vault = try #require((try Self.json(response)["servers"] as? [[String: Any]])?.first { $0["name"] as? String == "vault" })
        #expect(vault["has_oauth2_client_secret"] as? Bool == true)
        #expect(vault["oauth2_client_id"] as? String == "client")
        #expect((vault["headers"] as? [String: String])?["Authorization"] == "<redacted>")
        #expect(vault["env"] as? [String] == ["API_KEY"])
    }

    @Test func theTypedEndpointRoutesByDecodedNamesAndRefusesBodiesThatAreNotObjects() async throws {
        let api = await Self.api()
        let unknown = await api.handle(Self.post("/tools/file/read", "{}"))
        #expect(unknown.status == 404)
        #expect(try Self.error(unknown).message.contains("did you mean 'files'?"), "\(String(decoding: unknown.body, as: UTF8.self))")
        let decoded = await api.handle(Self.post("/tools/fil%65s/re%2Fad", ""))
        #expect(decoded.status == 404)
        #expect(try Self.error(decoded).message == "server 'files' has no tool 're/ad'", "path components are percent-decoded, an empty body is {}")
        let array = await api.handle(Self.post("/tools/files/read", "[1]"))
        #expect(array.status == 400)
        #expect(try Self.error(array).message.contains("must be a JSON object"))
        #expect(await api.handle(Self.post("/tools/files/read", "{nope")).status == 400)
        let get = await api.handle(APIRequest(method: "GET", path: "/tools/files/read"))
        #expect(get.status == 405 && get.headers["Allow"] == "POST")
        #expect(await api.handle(APIRequest(method: "POST", path: "/tools/files")).status == 404)
    }

    @Test func literalRoutesWinOverParameters() async throws {
        let api = await Self.api()
        let put = await api.handle(APIRequest(method: "PUT", path: "/mcp/servers/status", body: Data("{}".utf8)))
        #expect(put.status == 405, "/mcp/servers/status is the status route, not a server")
        #expect(put.headers["Allow"] == "GET")
        let other = await api.handle(APIRequest(method: "GET", path: "/mcp/servers/vault"))
        #expect(other.status == 405 && other.headers["Allow"] == "PUT, DELETE")
        let reserved = await api.handle(Self.post("/mcp/servers", #"{"name": "status", "url": "http://127.0.0.1:1/mcp"}"#))
        #expect(reserved.status == 400)
        #expect(try Self.error(reserved).message.contains("taken by the route /mcp/servers/status"))
        let named = await api.handle(APIRequest(method: "DELETE", path: "/mcp/servers/va%75lt"))
        #expect(try Self.error(named).message == "server 'vault' is defined in the config file: change it there", "\(String(decoding: named.body, as: UTF8.self))")
    }

    @Test func theDocumentAndTheDocsPageAreServed() async throws {
        let api = await Self.api()
        let document = try Self.json(await api.handle(APIRequest(method: "GET", path: "/openapi.json")))
        #expect(document["openapi"] as? String == "3.1.0")
        #expect((document["paths"] as? [String: Any])?["/mcp/tools/call"] != nil)
        #expect(document["security"] == nil, "no keys configured: no security scheme")
        let docs = await api.handle(APIRequest(method: "GET", path: "/docs"))
        #expect(docs.status == 200 && docs.headers["Content-Type"]?.hasPrefix("text/html") == true)
        #expect(String(decoding: docs.body, as: UTF8.self).contains("/mcp/servers/status"))
    }
}
