import Foundation
import TestSupport
import Testing

/// The real `lmg` binary against an OAuth-protected MCP server: commands work, and neither the
/// client secret nor any token issued ever shows up in stdout, stderr (with `--verbose`) or logs.
@Suite("lmg: OAuth2 secrets stay secret", .serialized)
struct OAuthSecretsTests {
    static let secret = "cli-Secret-9f3e-do-not-print"

    static func fetch(_ url: String) async throws -> [String: Any] {
        let script = "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())"
        let result = try await runProcess("/usr/bin/env", [Repo.python, "-c", script, url])
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result)")
    }

    @Test func commandsWorkAndNoSecretOrTokenAppearsAnywhere() async throws {
        let auth = try await FixtureProcess.python("oauth_server.py", ["--port", "0", "--client", "files:\(Self.secret)"])
        defer { auth.stop() }
        let mcp = try await FixtureProcess.python("protected_mcp.py", ["--port", "0", "--auth-server", auth.url()])
        defer { mcp.stop() }
        let state = NSTemporaryDirectory() + "lmg-oauth-state-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: state) }
        // `files` names its token endpoint, `disco` finds it from the 401; both take the secret
        // from the environment convention (FILES_CLIENT_SECRET, DISCO_CLIENT_SECRET).
        let path = try writeConfig(#"""
            {"mcpServers": {
              "files": {"url": "\#(mcp.url("/mcp"))", "oauth2_token_url": "\#(auth.url("/token"))", "oauth2_client_id": "files"},
              "disco": {"url": "\#(mcp.url("/mcp"))", "oauth2_client_id": "files", "oauth2_auth_method": "client_secret_post"}}}
            """#)
        let env = ["FILES_CLIENT_SECRET": Self.secret, "DISCO_CLIENT_SECRET": Self.secret, "XDG_STATE_HOME": state]

        var outputs: [(String, CommandResult)] = []
        let servers = try await runLMG(["servers", "--json", "--verbose", "--config", path], environment: env)
        #expect(servers.status == 0, "\(servers)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(servers.stdout.utf8)) as? [[String: Any]], "\(servers)")
        #expect(Set(rows.compactMap { $0["state"] as? String }) == ["ready"], "\(rows)")
        // --verbose logs the token traffic, so the grep below has something to search.
        #expect(servers.stderr.contains("OAuth2 token obtained"), "\(servers)")
        #expect(servers.stderr.contains("OAuth2 token endpoint discovered"), "\(servers)")
        outputs.append(("servers", servers))

        let tools = try await runLMG(["tools", "--json", "--verbose", "--config", path], environment: env)
        #expect(tools.status == 0, "\(tools)")
        #expect(tools.stdout.contains("whoami"))
        outputs.append(("tools", tools))

        for server in ["files", "disco"] {
            let call = try await runLMG(["call", server, "whoami", "--json", "--verbose", "--config", path], environment: env)
            #expect(call.status == 0, "\(call)")
            #expect(call.stdout.contains("files scopes="), "\(call)")
            outputs.append(("call \(server)", call))
        }

        let wrong = try await runLMG(
            ["call", "files", "whoami", "--json", "--verbose", "--config", path],
            environment: env.merging(["FILES_CLIENT_SECRET": "wrong-" + Self.secret]) { $1 })
        #expect(wrong.status != 0, "\(wrong)")
        #expect((wrong.stdout + wrong.stderr).contains("invalid_client"), "\(wrong)")
        outputs.append(("wrong secret", wrong))

        let issued = try await Self.fetch(auth.url("/admin/tokens"))
        let tokens = (issued["access_tokens"] as? [String] ?? []) + (issued["refresh_tokens"] as? [String] ?? [])
        #expect(tokens.count >= 4, "\(issued)")
        let basic = Data("files:\(Self.secret)".utf8).base64EncodedString()
        let needles = [Self.secret, basic] + tokens

        var haystacks = outputs.flatMap { [("\($0.0) stdout", $0.1.stdout), ("\($0.0) stderr", $0.1.stderr)] }
        if let files = FileManager.default.enumerator(atPath: state) {
            for case let file as String in files {
                if let text = try? String(contentsOfFile: state + "/" + file, encoding: .utf8) { haystacks.append((file, text)) }
            }
        }
        for (name, text) in haystacks {
            for needle in needles {
                #expect(!text.contains(needle), "\(name) leaks a secret or token")
            }
        }
    }
}
