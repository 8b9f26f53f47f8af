import Foundation
import TestSupport
import Testing

/// `lmg login`, `lmg logout`, `lmg auth` and signed-in calls, end to end: the real Authlib
/// authorization server (oauth_server.py: code grant with PKCE, registration, rotation,
/// revocation), the SDK's protected MCP server, and a scripted browser (user_agent.py) that
/// follows the URL lmg prints on stderr, as a person would.
@Suite("Sign-in: lmg login against a real authorization server", .serialized)
struct SignInTests {
    /// The authorization server, the protected server, a config naming it `fx`, a state folder.
    struct Peers {
        let auth: FixtureProcess
        let mcp: FixtureProcess
        let config: String
        let state: String

        static func start(_ authFlags: [String] = [], entry: String = "", mcpFlags: [String] = []) async throws -> Peers {
            let (auth, mcp) = try await FixtureProcess.oauthPeers(auth: authFlags, mcp: mcpFlags)
            let config = try writeConfig(#"{"mcpServers": {"fx": {"url": "\#(mcp.url("/mcp"))"\#(entry)}}}"#)
            let state = NSTemporaryDirectory() + "lmg-signin-state-\(UUID().uuidString)"
            return Peers(auth: auth, mcp: mcp, config: config, state: state)
        }

        func stop() {
            mcp.stop()
            auth.stop()
            try? FileManager.default.removeItem(atPath: state)
        }

        var tokenFile: String { state + "/lmg/oauth.json" }

        /// lmg with this test's state folder (so its token file) and config.
        func lmg(_ arguments: [String]) async throws -> CommandResult {
            try await runLMG(arguments + ["--config", config], environment: ["XDG_STATE_HOME": state])
        }

        /// `lmg login fx`, its stderr watched by the scripted browser; both results.
        func login(_ extra: [String] = [], agent: [String] = []) async throws -> (login: CommandResult, agent: [String: Any]?) {
            let log = state + "-login.err"
            try? FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: log, contents: nil)
            defer { try? FileManager.default.removeItem(atPath: log) }
            async let login = runProcess(
                "/bin/sh", ["-c", #"exec "$0" "$@" 2>"$LMG_LOGIN_LOG""#, Repo.lmgBinary, "login", "fx", "--no-browser", "--timeout", "20",
                            "--config", config] + extra,
                environment: ["XDG_STATE_HOME": state, "LMG_LOGIN_LOG": log], timeout: 40)
            async let browser = runProcess("/usr/bin/env", [Repo.python, Repo.fixture("user_agent.py"), "--watch", log, "--timeout", "20"] + agent, timeout: 40)
            let (result, agentResult) = try await (login, browser)
            let stderr = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            let answer = try? JSONSerialization.jsonObject(with: Data(agentResult.stdout.utf8)) as? [String: Any]
            return (CommandResult(status: result.status, stdout: result.stdout, stderr: stderr), answer)
        }

        func json(_ path: String, method: String = "GET") async throws -> [String: Any] {
            let result = try await runProcess("/usr/bin/env", ["curl", "-s", "-X", method, auth.url(path)])
            return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result)")
        }

        /// Every token, code and registered secret the authorization server ever issued.
        func secrets() async throws -> [String] {
            let issued = try await json("/admin/tokens")
            return ["access_tokens", "refresh_tokens", "codes", "registrations"].flatMap { issued[$0] as? [String] ?? [] }
        }
    }

    static func expectNoSecret(_ outputs: [CommandResult], _ secrets: [String], _ extra: [String] = []) {
        let text = outputs.map { $0.stdout + $0.stderr }.joined() + extra.joined()
        for secret in secrets where !secret.isEmpty {
            #expect(!text.contains(secret), "a token, code or secret was printed")
        }
    }

    @Test func signInRegistersThenASecondProcessUsesTheTokenUntilLogout() async throws {
        let peers = try await Peers.start()
        defer { peers.stop() }
        let before = try await peers.lmg(["call", "fx", "whoami"])
        #expect(before.status == 3 && before.stderr.contains("run `lmg login fx`"), "\(before)")

        let (login, agent) = try await peers.login()
        #expect(login.status == 0, "\(login)")
        #expect(login.stdout.hasPrefix("signed in to 'fx'"), "\(login)")
        // The URL is on a line of its own; the browser was told it may close the tab.
        #expect(login.stderr.split(separator: "\n").contains { $0.hasPrefix("http://127.0.0.1:") && $0.contains("/authorize?") })
        #expect(agent?["callback_status"] as? Int == 200 && (agent?["callback_body"] as? String)?.contains("You can close this tab") == true)

        let stats = try await peers.json("/stats")
        #expect(stats["registrations"] as? Int == 1 && stats["approvals"] as? Int == 1 && stats["pkce_failures"] as? Int == 0)
        #expect((stats["by_grant"] as? [String: Int])?["authorization_code"] == 1)
        let mode = try FileManager.default.attributesOfItem(atPath: peers.tokenFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // Another process: the stored token, no new sign-in, no token request.
        let call = try await peers.lmg(["call", "fx", "whoami"])
        #expect(call.status == 0 && call.stdout.contains("scopes="), "\(call)")
        let auth = try await peers.lmg(["auth"])
        #expect(auth.status == 0 && auth.stdout.contains("sign-in") && auth.stdout.contains("yes"), "\(auth)")
        #expect(try await peers.json("/stats")["token_requests"] as? Int == 1)

        let logout = try await peers.lmg(["logout", "fx"])
        #expect(logout.status == 0 && logout.stdout.contains("tokens revoked"), "\(logout)")
        #expect(try await peers.json("/stats")["revocations"] as? Int == 2)
        let after = try await peers.lmg(["call", "fx", "whoami"])
        #expect(after.status == 3 && after.stderr.contains("run `lmg login fx`"), "\(after)")
        let file = (try? String(contentsOfFile: peers.tokenFile, encoding: .utf8)) ?? ""
        Self.expectNoSecret([before, login, call, auth, logout, after], try await peers.secrets())
        #expect(!file.contains("access_token\""), "signed out: no token kept")
    }

    @Test func expiryRefreshesAndADeadRefreshTokenAsksForSignInOnce() async throws {
        // A configured public client: no registration. Tokens live 2 s, so every run refreshes.
        let peers = try await Peers.start(["--public-client", "pub", "--lifetime", "2"], entry: #", "oauth2_client_id": "pub""#)
        defer { peers.stop() }
        let (login, _) = try await peers.login()
        #expect(login.status == 0, "\(login)")
        #expect(try await peers.json("/stats")["registrations"] as? Int == 0)
        let first = try String(contentsOfFile: peers.tokenFile, encoding: .utf8)

        try await Task.sleep(for: .milliseconds(2500))
        let call = try await peers.lmg(["call", "fx", "whoami"])
        #expect(call.status == 0 && call.stdout.hasPrefix("pub "), "\(call)")
        #expect((try await peers.json("/stats")["by_grant"] as? [String: Int])?["refresh_token"] == 1)
        #expect(try String(contentsOfFile: peers.tokenFile, encoding: .utf8) != first, "the rotated refresh token was saved")

        _ = try await peers.json("/admin/revoke_refresh?client_id=pub", method: "POST")
        try await Task.sleep(for: .milliseconds(2500))
        let refused = try await peers.lmg(["call", "fx", "whoami"])
        #expect(refused.status == 3 && refused.stderr.contains("run `lmg login fx`"), "\(refused)")
        let requests = try await peers.json("/stats")["token_requests"] as? Int ?? 0
        let again = try await peers.lmg(["call", "fx", "whoami"])
        #expect(again.status == 3 && again.stderr.contains("run `lmg login fx`"))
        #expect(try await peers.json("/stats")["token_requests"] as? Int == requests, "a dead refresh token is not tried again")
        Self.expectNoSecret([login, call, refused, again], try await peers.secrets())
    }

    @Test func forgedRedirectsAndServersWithoutPKCEAreRefused() async throws {
        let tampered = try await Peers.start()
        defer { tampered.stop() }
        let (login, agent) = try await tampered.login(agent: ["--tamper-state"])
        #expect(login.status == 3 && login.stderr.contains("state differs"), "\(login)")
        #expect(agent?["callback_status"] as? Int == 400)
        #expect((try await tampered.json("/stats")["by_grant"] as? [String: Int])?["authorization_code"] == nil, "the code was never used")

        let wrongIssuer = try await Peers.start(["--bad-iss"])
        defer { wrongIssuer.stop() }
        let (issLogin, _) = try await wrongIssuer.login()
        #expect(issLogin.status == 3 && issLogin.stderr.contains("https://wrong-issuer.invalid") && issLogin.stderr.contains("RFC 9207"), "\(issLogin)")

        let noPKCE = try await Peers.start(["--no-pkce-metadata"])
        defer { noPKCE.stop() }
        let refused = try await noPKCE.lmg(["login", "fx", "--no-browser", "--timeout", "5"])
        #expect(refused.status == 3 && refused.stderr.contains("code_challenge_methods_supported"), "\(refused)")
        #expect(!refused.stderr.contains("/authorize?"), "no URL is offered for a server without PKCE")
    }

    @Test func aServerAskingForMoreScopeGetsItAtTheNextSignIn() async throws {
        let peers = try await Peers.start(entry: #", "oauth2_scopes": ["mcp:read"]"#, mcpFlags: ["--required-scope", "mcp:write"])
        defer { peers.stop() }
        let (first, _) = try await peers.login()
        #expect(first.status == 0 && first.stdout.contains("scopes mcp:read)") || first.stdout.contains("scopes mcp:read;"), "\(first)")
        let short = try await peers.lmg(["call", "fx", "whoami"])
        #expect(short.status == 3 && short.stderr.contains("needs more access") && short.stderr.contains("mcp:write")
            && short.stderr.contains("run `lmg login fx`"), "\(short)")
        let (second, _) = try await peers.login()
        #expect(second.status == 0 && second.stdout.contains("mcp:read mcp:write"), "\(second)")
        let call = try await peers.lmg(["call", "fx", "whoami", "--verbose"])
        #expect(call.status == 0 && call.stdout.contains("mcp:write"), "\(call)")
        Self.expectNoSecret([first, short, second, call], try await peers.secrets())
    }

    @Test func chatSignsInItselfAndTheServerJoins() async throws {
        let peers = try await Peers.start()
        defer { peers.stop() }
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let chat = try await TmuxSession.start(
            [Repo.lmgBinary, "chat", "--config", peers.config],
            environment: ["XDG_STATE_HOME": peers.state, "OPENAI_BASE_URL": model.baseURL], width: 400)
        defer { chat.stop() }
        let screen = try await chat.waitFor("needs you to sign in", timeout: .seconds(30))
        let url = try #require(screen.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix("http://127.0.0.1:") && $0.contains("/authorize?") }, "\(screen)")
        let agent = try await runProcess("/usr/bin/env", [Repo.python, Repo.fixture("user_agent.py"), url], timeout: 30)
        #expect(agent.status == 0, "\(agent)")
        try await chat.waitFor("signed in to 'fx': its tools are ready", timeout: .seconds(20))
        try await chat.enter("/call fx__whoami")
        try await chat.waitFor("scopes=", timeout: .seconds(20))
        Self.expectNoSecret([], try await peers.secrets(), [try await chat.screen()])
    }

    @Test func deviceSignInWithACodeEnteredElsewhere() async throws {
        let peers = try await Peers.start(["--device-interval", "1"])
        defer { peers.stop() }
        let (login, agent) = try await peers.login(["--device"], agent: ["--device"])
        #expect(login.status == 0 && login.stdout.hasPrefix("signed in to 'fx'"), "\(login)")
        #expect(login.stderr.contains("enter the code ") && login.stderr.contains("/device"), "\(login)")
        #expect(agent?["decision_status"] as? Int == 200, "\(String(describing: agent))")
        let stats = try await peers.json("/stats")
        #expect(stats["device_approvals"] as? Int == 1 && stats["registrations"] as? Int == 1)
        #expect((stats["by_grant"] as? [String: Int])?["urn:ietf:params:oauth:grant-type:device_code"] ?? 0 >= 1)
        let call = try await peers.lmg(["call", "fx", "whoami"])
        #expect(call.status == 0 && call.stdout.contains("scopes="), "\(call)")

        let (denied, _) = try await peers.login(["--device"], agent: ["--device", "--deny"])
        #expect(denied.status == 3 && denied.stderr.contains("denied"), "\(denied)")
        var secrets = try await peers.secrets()
        secrets += (try await peers.json("/admin/tokens")["device_codes"] as? [String]) ?? []
        Self.expectNoSecret([login, call, denied], secrets)
    }

    @Test func aTokenFileOthersCanReadIsRefused() async throws {
        let peers = try await Peers.start()
        defer { peers.stop() }
        try FileManager.default.createDirectory(atPath: peers.state + "/lmg", withIntermediateDirectories: true)
        try #"{"version": 1, "sign_ins": [], "registrations": []}"#.write(toFile: peers.tokenFile, atomically: false, encoding: .utf8)
        chmod(peers.tokenFile, 0o644)
        let auth = try await peers.lmg(["auth"])
        #expect(auth.status == 2 && auth.stderr.contains("mode 644") && auth.stderr.contains(peers.tokenFile), "\(auth)")
        #expect(auth.stderrLines.count == 1)
    }
}
