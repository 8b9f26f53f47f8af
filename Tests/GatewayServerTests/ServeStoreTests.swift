import CurlHTTP
import Foundation
import TestSupport
import Testing

/// `lmg serve` restarted on the same store: servers added over HTTP come back, callable, and
/// once removed stay gone; no secret of a stored entry shows in any answer or on stderr.
@Suite("lmg serve: servers kept across restarts")
struct ServeStoreTests {
    static let secrets = ["env-s3cret-77", "shh-secret-88", "tok-99"]

    /// A fresh directory for one test, removed by `body`'s end.
    static func withDirectory(_ body: (String) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "lmg-serve-store-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await body(directory)
    }

    /// One run of `lmg serve` on `config`, stopped after `body`: exits 0 on SIGTERM and never
    /// shows a secret on stderr.
    static func serving(_ config: String, _ body: (ServeProcess) async throws -> Void) async throws {
        let serve = try await ServeProcess.start(config: config)
        try await withPeer(serve, stop: { await $0.stop() }) { serve in
            try await body(serve)
            #expect(await serve.terminate() == 0, "\(serve.stderrText)")
            #expect(!secrets.contains { serve.stderrText.contains($0) }, "\(serve.stderrText)")
        }
    }

    /// A request whose answer must not show a secret.
    static func send(_ serve: ServeProcess, _ method: String, _ path: String, body: String? = nil) async throws -> (status: Int, body: String) {
        let answer = try await serve.send(method, path, body: body)
        #expect(!secrets.contains { answer.body.contains($0) }, "\(method) \(path): \(answer.body)")
        return (answer.status, answer.body)
    }

    static let calculate = #"{"server_name": "kept", "tool_name": "calculate", "arguments": {"expression": "(17+25)*3"}}"#

    @Test func addedServersSurviveARestartAndRemovedOnesStayGone() async throws {
        try await Self.withDirectory { directory in
            let store = directory + "/state/servers.sqlite"
            let config = #"{"mcpServers": {}, "server": {"allow_stdio_servers": true, "store": "\#(store)"}}"#
            let closed = try freeLoopbackPort()  // bound, then closed: nothing listens
            let builtin = #"{"name": "kept", "command": "\#(Repo.lmgBinary)", "args": ["mcp-server"], "env": {"LMG_TEST_TOKEN": "env-s3cret-77"}}"#
            let vault = #"""
                {"name": "vault", "url": "http://127.0.0.1:\#(closed)/mcp", "timeout": 1, "headers": {"Authorization": "Bearer tok-99"},
                 "oauth2_token_url": "http://127.0.0.1:\#(closed)/token", "oauth2_client_id": "c", "oauth2_client_secret": "shh-secret-88"}
                """#

            try await Self.serving(config) { serve in
                #expect(try await Self.send(serve, "POST", "/mcp/servers", body: builtin).status == 201)
                let added = try await Self.send(serve, "POST", "/mcp/servers", body: vault)
                #expect(added.status == 201 && added.body.contains(#""state":"failed""#), "\(added.body)")
                #expect(try await Self.send(serve, "POST", "/mcp/tools/call", body: Self.calculate).body.contains(#""text":"126""#))
            }
            var info = stat()
            #expect(stat(store, &info) == 0 && info.st_mode & 0o777 == 0o600, "the store is the owner's alone")

            try await Self.serving(config) { serve in
                let listed = try await Self.send(serve, "GET", "/mcp/servers")
                #expect(listed.body.contains(#""name":"kept""#) && listed.body.contains(#""name":"vault""#), "\(listed.body)")
                let call = try await Self.send(serve, "POST", "/mcp/tools/call", body: Self.calculate)
                #expect(call.status == 200 && call.body.contains(#""text":"126""#), "\(call.body)")
                _ = try await Self.send(serve, "GET", "/mcp/servers/status")
                #expect(try await Self.send(serve, "DELETE", "/mcp/servers/kept").status == 204)
                #expect(try await Self.send(serve, "DELETE", "/mcp/servers/vault").status == 204)
            }

            try await Self.serving(config) { serve in
                let listed = try await Self.send(serve, "GET", "/mcp/servers")
                #expect(listed.status == 200 && !listed.body.contains("kept") && !listed.body.contains("vault"), "\(listed.body)")
                #expect(try await Self.send(serve, "POST", "/mcp/tools/call", body: Self.calculate).status == 404)
            }
        }
    }

    /// An edit of the config file applies while serving, around the servers added over HTTP:
    /// they keep running; a name the file takes is the file's until the file lets it go.
    @Test func configEditsApplyAroundServersAddedOverHTTP() async throws {
        let builtin = #"{"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}"#
        func config(_ servers: String) -> String {
            #"{"mcpServers": {\#(servers)}, "server": {"allow_stdio_servers": true, "store": "memory"}}"#
        }
        let serve = try await ServeProcess.start(config: config(#""file": \#(builtin)"#))
        try await withPeer(serve, stop: { await $0.stop() }) { serve in
            let added = try await serve.send("POST", "/mcp/servers", body: #"{"name": "kept", "command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}"#)
            #expect(added.status == 201, "\(added)")

            func names() async throws -> [String] {
                let status = try await serve.send("GET", "/mcp/servers/status")
                let object = try JSONSerialization.jsonObject(with: Data(status.body.utf8)) as? [String: Any]
                let servers = object?["servers"] as? [[String: Any]] ?? []
                return servers.compactMap { $0["name"] as? String }.sorted()
            }
            func waitFor(_ expected: [String]) async throws {
                let deadline = ContinuousClock.now + .seconds(20)
                while try await names() != expected, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
                #expect(try await names() == expected, "\(serve.stderrText)")
            }

            try config(#""file": \#(builtin), "second": \#(builtin)"#).write(toFile: serve.configPath, atomically: true, encoding: .utf8)
            try await waitFor(["file", "kept", "second"])
            let listed = try await serve.send("GET", "/mcp/servers")
            #expect(listed.body.contains(#""name":"second""#) && listed.body.contains(#""name":"kept""#), "the listing follows the file: \(listed.body)")
            let call = try await serve.send("POST", "/mcp/tools/call", body: Self.calculate)
            #expect(call.status == 200 && call.body.contains(#""text":"126""#), "the server added over HTTP still answers: \(call.body)")

            // The file takes the name: its server runs, and the name no longer changes over HTTP.
            try config(#""file": \#(builtin), "kept": \#(builtin)"#).write(toFile: serve.configPath, atomically: true, encoding: .utf8)
            try await waitFor(["file", "kept"])
            let put = try await serve.send("PUT", "/mcp/servers/kept", body: #"{"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}"#)
            #expect(put.status == 409 && put.body.contains("defined in the config file"), "\(put)")
            #expect(serve.stderrText.contains("the config file now defines server 'kept'"), "\(serve.stderrText)")
        }
    }

    @Test func aStoreThatCannotBeOpenedStopsTheGatewayNamingIt() async throws {
        try await Self.withDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let garbage = directory + "/servers.sqlite"
            _ = FileManager.default.createFile(atPath: garbage, contents: Data(String(repeating: "not sqlite ", count: 64).utf8), attributes: [.posixPermissions: 0o600])
            let path = try writeConfig(#"{"mcpServers": {}, "server": {"store": "\#(garbage)"}}"#)
            let result = try await runLMG(["serve", "--config", path, "--port", "0"])
            #expect(result.status == 2, "\(result)")
            #expect(result.stderrLines == ["lmg: server store \(garbage): is not a SQLite database"], "\(result)")

            chmod(garbage, 0o644)
            let open = try await runLMG(["serve", "--config", path, "--port", "0"])
            #expect(open.status == 2 && open.stderrLines.count == 1 && open.stderr.contains("\(garbage): others may read or write it"), "\(open)")
        }
    }
}
