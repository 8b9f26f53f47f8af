import Foundation
import MCPGateway
import GatewayRuntime
import Testing

@Suite("Configuration")
struct ConfigTests: ConfigParsing {
    let loader = ConfigLoader(environment: ["HOME": "/home/u", "TOKEN": "s3cret", "EMPTY": ""])

    @Test func claudeDesktopEntriesParseAsIs() throws {
        let config = try parse("""
            {"mcpServers": {
              "files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"], "env": {"DEBUG": "1"}},
              "remote": {"type": "sse", "url": "http://127.0.0.1:9/sse"},
              "web": {"url": "https://example.com/mcp", "headers": {"X-Team": "a"}}
            }}
            """)
        #expect(config.servers.map(\.name) == ["files", "remote", "web"])
        let files = try #require(config.server(named: "files"))
        #expect(files.transport == .stdio)
        #expect(files.args == ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"])
        #expect(files.env == ["DEBUG": "1"])
        #expect(config.server(named: "remote")?.transport == .sse)
        let web = try #require(config.server(named: "web"))
        #expect(web.transport == .http)
        #expect(web.fallbackToSSE)
        #expect(web.headers == [HeaderConfig(key: "X-Team", value: "a")])
    }

    @Test func seedDesignKeys() throws {
        let config = try parse("""
            {"model": {"base_url": "http://x/v1", "model": "m", "temperature": 0.2, "max_tokens": 100},
             "system_prompt": "be brief", "max_tool_iterations": 4,
             "mcpServers": {"my_server": {
               "url": "https://api.example.com/mcp", "type": "http",
               "oauth2_token_url": "https://auth.example.com/token", "oauth2_client_id": "id",
               "oauth2_client_secret": "${TOKEN}", "oauth2_scopes": ["read:tools", "execute:tools"],
               "timeout": 12.5, "tool_timeout": 60,
               "headers": [{"key": "User-Agent", "value": "Gateway/1.0"}],
               "allowed_tools": ["a", "b"], "disabled_tools": ["b"], "enabled": true}}}
            """)
        #expect(config.model.baseURL == "http://x/v1")
        #expect(config.model.name == "m")
        #expect(config.model.maxTokens == 100)
        #expect(config.systemPrompt == "be brief")
        #expect(config.maxToolIterations == 4)
        let server = try #require(config.servers.first)
        #expect(!server.fallbackToSSE)
        #expect(server.oauth2ClientSecret == "s3cret")
        #expect(server.oauth2Scopes == ["read:tools", "execute:tools"])
        #expect(server.timeout == .milliseconds(12_500))
        #expect(server.toolTimeout == .seconds(60))
        #expect(server.headers == [HeaderConfig(key: "User-Agent", value: "Gateway/1.0")])
        #expect(server.exposes(tool: "a"))
        #expect(!server.exposes(tool: "b"))
        #expect(!server.exposes(tool: "c"))
    }

    @Test func modelResourcesGloballyAndPerServer() throws {
        let defaults = try parse(#"{"mcpServers": {"a": {"command": "x"}}}"#)
        #expect(defaults.modelResources && defaults.servers[0].modelResources)
        let off = try parse(#"{"model_resources": false, "mcpServers": {"a": {"command": "x", "resources": false}}}"#)
        #expect(!off.modelResources && !off.servers[0].modelResources)
        #expect(off.warnings.isEmpty, "\(off.warnings)")
        let message = failure(#"{"mcpServers": {"a": {"command": "x", "resources": "never"}}}"#)
        #expect(message.contains("test.json") && message.contains("'a'") && message.contains("resources"), "\(message)")
        #expect(failure(#"{"model_resources": 1}"#).contains("model_resources"))
    }

    @Test func traceArgumentsIsOffUnlessSaid() throws {
        #expect(try !parse(#"{"mcpServers": {}}"#).traceArguments)
        let on = try parse(#"{"trace_arguments": true, "mcpServers": {}}"#)
        #expect(on.traceArguments && on.warnings.isEmpty, "\(on.warnings)")
        let message = failure(#"{"trace_arguments": 1}"#)
        #expect(message.contains("test.json") && message.contains("trace_arguments"), "\(message)")
    }

    @Test func environmentExpansion() throws {
        #expect(try EnvironmentExpansion.expand("a${TOKEN}b", environment: ["TOKEN": "x"]) == "axb")
        #expect(try EnvironmentExpansion.expand("${NOPE:-fallback}", environment: [:]) == "fallback")
        #expect(try EnvironmentExpansion.expand("${EMPTY:-d}", environment: ["EMPTY": ""]) == "d")
        #expect(try EnvironmentExpansion.expand("${EMPTY}", environment: ["EMPTY": ""]) == "")
        #expect(try EnvironmentExpansion.expand("$HOME and ${A}${B}", environment: ["A": "1", "B": "2"]) == "$HOME and 12")
        #expect(throws: EnvironmentExpansion.Failure.undefined("NOPE")) {
            try EnvironmentExpansion.expand("${NOPE}", environment: [:])
        }
        #expect(throws: EnvironmentExpansion.Failure.malformed("${OPEN")) {
            try EnvironmentExpansion.expand("${OPEN", environment: [:])
        }
    }

    @Test func undefinedVariableNamesVariableServerAndField() {
        let message = failure(#"{"mcpServers": {"api": {"url": "http://x/mcp", "headers": {"Authorization": "Bearer ${API_TOKEN}"}}}}"#)
        #expect(message.contains("test.json"))
        #expect(message.contains("server 'api'"))
        #expect(message.contains("headers.Authorization"))
        #expect(message.contains("API_TOKEN"))
        #expect(!message.contains("\n"))
    }

    @Test func malformedJSONNamesLineAndColumn() {
        let message = failure("{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"x\",,}\n  }\n}")
        #expect(message.hasPrefix("test.json: malformed JSON at line 3, column"), "\(message)")
    }

    @Test func fieldErrorsAreOneLineAndNamed() {
        #expect(failure(#"{"mcpServers": {"s": {"command": 5}}}"#) == "test.json: server 's', field 'command': expected a string")
        #expect(failure(#"{"mcpServers": {"s": {}}}"#).contains("needs either \"command\" (stdio) or \"url\" (HTTP)"))
        #expect(failure(#"{"mcpServers": {"s": {"url": "ftp://x"}}}"#).contains("is not an http(s) URL"))
        #expect(failure(#"{"mcpServers": {"s": {"url": "http://x", "type": "grpc"}}}"#).contains("unknown transport \"grpc\" (expected stdio, http, sse or ws)"))
        #expect(failure(#"{"mcpServers": {"s": {"url": "http://x", "type": "ws"}}}"#).contains("field 'url': \"http://x\" is not a ws(s) URL"))
        #expect(failure(#"{"mcpServers": {"s": {"type": "websocket"}}}"#).contains("a WebSocket server needs \"url\""))
        #expect(failure(#"{"mcpServers": {"s": {"url": "ws://x/ws", "forward_headers": ["X-User"]}}}"#).contains("a WebSocket is shared by every caller"))
        // What the WebSocket client would read differently from this check is refused.
        let userInfo = failure(#"{"mcpServers": {"s": {"url": "ws://169.254.169.254:80@good.example/ws"}}}"#)
        #expect(userInfo.contains("cannot carry user info"), "\(userInfo)")
        let password = failure(#"{"mcpServers": {"s": {"url": "wss://u:hunter2@h.example/ws"}}}"#)
        #expect(password.contains("cannot carry user info") && !password.contains("hunter2"), "\(password)")
        #expect(failure(#"{"mcpServers": {"s": {"url": "ws://[::1]:8000/ws"}}}"#).contains("IPv6 literal hosts are not supported"))
        #expect(!failure(#"{"mcpServers": {"s": {"url": "http://u:hunter2@h/ x"}}}"#).contains("hunter2"))
        #expect(failure(#"{"mcpServers": {"s": {"command": "x", "timeout": -1}}}"#).contains("field 'timeout': must be a positive"))
        #expect(failure(#"{"mcpServers": {"s": {"command": "x", "enabled": "maybe"}}}"#).contains("field 'enabled'"))
        #expect(failure(#"{"max_tool_iterations": 0}"#).contains("max_tool_iterations: must be at least 1"))
        #expect(failure("[1]").contains("top level must be a JSON object"))
    }

    @Test func aWebSocketURLMeansTheWebSocketTransport() throws {
        let config = try parse(#"{"mcpServers": {"a": {"url": "ws://127.0.0.1:1/ws"}, "b": {"url": "WSS://h.example/mcp"}, "c": {"type": "websocket", "url": "wss://h/ws"}}}"#)
        for name in ["a", "b", "c"] {
            #expect(config.server(named: name)?.transport == .ws && config.server(named: name)?.fallbackToSSE == false, "\(name)")
        }
        // The client's TLS choice reads the scheme case-sensitively: it is kept lowercase.
        #expect(config.server(named: "b")?.url == "wss://h.example/mcp")
    }

    @Test func protocolVersionPinsOneRevision() throws {
        let config = try parse("""
            {"mcpServers": {"a": {"command": "x", "protocol_version": "2025-06-18"}, "b": {"command": "x", "protocol_version": "auto"},
                            "c": {"url": "http://127.0.0.1:1/mcp", "protocol_version": "2026-07-28"}, "d": {"command": "x"}}}
            """)
        #expect(config.server(named: "a")?.protocolPreference == .only("2025-06-18"))
        #expect(config.server(named: "b")?.protocolPreference == .auto)
        #expect(config.server(named: "c")?.protocolPreference == .only("2026-07-28"))
        #expect(config.server(named: "d")?.protocolPreference == .auto)
        let level = failure(#"{"mcpServers": {"a": {"command": "x", "log_level": "loud"}}}"#)
        #expect(level.contains("field 'log_level'") && level.contains("warning"), "\(level)")
        #expect(try parse(#"{"mcpServers": {"a": {"command": "x", "log_level": "error"}}}"#).server(named: "a")?.logLevel == "error")
        let bad = failure(#"{"mcpServers": {"a": {"command": "x", "protocol_version": "2099-01-01"}}}"#)
        #expect(bad.contains("server 'a', field 'protocol_version'") && bad.contains("2099-01-01") && bad.contains("2026-07-28"), "\(bad)")
    }

    @Test func rootsAreFoldersForEveryServerOrOne() throws {
        let config = try loader.parse(Data("""
            {"roots": ["/srv/data", "~/notes", "projects/web"],
             "mcpServers": {"a": {"command": "x"}, "b": {"command": "x", "roots": ["file:///tmp/only"]}}}
            """.utf8), file: "/etc/lmg/lmg.json")
        #expect(config.server(named: "a")?.roots?.map(\.uri) == ["file:///srv/data/", "file:///home/u/notes/", "file:///etc/lmg/projects/web/"])
        #expect(config.server(named: "a")?.roots?.map(\.name) == ["data", "notes", "web"])
        #expect(config.server(named: "b")?.roots?.map(\.uri) == ["file:///tmp/only"])
        #expect(try parse(#"{"mcpServers": {"a": {"command": "x"}}}"#).server(named: "a")?.roots == nil)
        let remote = failure(#"{"roots": ["https://example.com/x"], "mcpServers": {}}"#)
        #expect(remote.contains("roots[0]") && remote.contains("local folders"), "\(remote)")
    }

    @Test func unknownKeysAreWarnedNotIgnored() throws {
        let config = try parse(#"{"mcpServer": {}, "mcpServers": {"s": {"command": "x", "comand": "y"}}}"#)
        #expect(config.warnings.contains("test.json: unknown key 'mcpServer' (ignored)"))
        #expect(config.warnings.contains("test.json: server 's': unknown key 'comand' (ignored)"))
    }

    @Test func missingFileIsNamed() {
        #expect(throws: ConfigError(file: "/nonexistent/lmg.json", message: "no such file")) {
            try ConfigLoader().load(path: "/nonexistent/lmg.json")
        }
    }

    @Test func locateOrder() {
        let explicit = ConfigLoader(environment: ["LMG_CONFIG": "/env.json"])
        #expect(explicit.locate(explicit: "/cli.json") == "/cli.json")
        #expect(explicit.locate(explicit: nil) == "/env.json")
    }

    @Test func embeddedDefaultRunsTheBuiltinServer() throws {
        let config = try ConfigLoader(environment: [:]).parse(Data(ConfigLoader.embeddedDefault.utf8), file: "<embedded>")
        #expect(config.servers.map(\.name) == ["builtin"])
        #expect(config.servers[0].command == "lmg")
        #expect(config.servers[0].args == ["mcp-server"])
    }

    @Test func shippedConfigFilesParse() throws {
        for file in ["Config/lmg.json", "Config/examples/servers.json"] {
            let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(file).path
            let config = try ConfigLoader(environment: ["SECURED_CLIENT_ID": "i", "SECURED_CLIENT_SECRET": "s"]).load(path: path)
            #expect(!config.servers.isEmpty)
            #expect(config.warnings.isEmpty, "\(config.warnings)")
        }
    }

    @Test func connectionTimeoutsOfTheServerSection() throws {
        let defaults = try parse(#"{"server": {}}"#).server
        #expect(defaults.idleTimeout == .seconds(60) && defaults.bodyTimeout == .seconds(30) && defaults.gracePeriod == .seconds(10))
        let set = try parse(#"{"server": {"idle_timeout": 5, "body_timeout": 0.5, "grace_period": 2}}"#).server
        #expect(set.idleTimeout == .seconds(5) && set.bodyTimeout == .milliseconds(500) && set.gracePeriod == .seconds(2))
        #expect(failure(#"{"server": {"idle_timeout": 0}}"#).contains("server.idle_timeout: must be a positive number of seconds"))
        #expect(failure(#"{"server": {"body_timeout": "soon"}}"#).contains("server.body_timeout"))
    }

    @Test func serverStoreIsAPathOrMemoryAndDefaultsToTheStateDirectory() throws {
        #expect(try parse("{}").server.store == .standard)
        #expect(try parse(#"{"server": {}}"#).server.store == .standard)
        #expect(try parse(#"{"server": {"store": "memory"}}"#).server.store == .memory)
        #expect(try parse(#"{"server": {"store": "${HOME}/lmg/servers.db"}}"#).server.store == .file("/home/u/lmg/servers.db"))
        #expect(failure(#"{"server": {"store": ""}}"#).hasPrefix("test.json: server.store: must be a file path, a postgres:// URL or \"memory\""))
        #expect(failure(#"{"server": {"store": 1}}"#) == "test.json: server.store: expected a string")
        #expect(try parse(#"{"server": {"store": "memory"}}"#).warnings.isEmpty, "store is a known key")

        let environment = RuntimeEnvironment(["XDG_STATE_HOME": "/var/state", "HOME": "/home/u"])
        #expect(ServeSettings().storePath(in: environment) == "/var/state/lmg/servers.sqlite")
        #expect(ServeSettings().storePath(in: RuntimeEnvironment(["HOME": "/home/u"])) == "/home/u/.local/state/lmg/servers.sqlite")
        #expect(ServeSettings().storePath(in: RuntimeEnvironment(["HOME": "/home/u", "XDG_STATE_HOME": ""])) == "/home/u/.local/state/lmg/servers.sqlite")
        #expect(try parse(#"{"server": {"store": "/srv/s.sqlite"}}"#).server.storePath(in: environment) == "/srv/s.sqlite")
        #expect(try parse(#"{"server": {"store": "memory"}}"#).server.storePath(in: environment) == nil)
    }

    @Test func aPostgresStoreIsAURLThatNeverPrintsItsPassword() throws {
        guard case .postgres(let url) = try parse(#"{"server": {"store": "postgres://lmg:s%40cret-77@db.internal:6543/gateway?sslmode=require"}}"#).server.store else {
            Issue.record("not read as a PostgreSQL store")
            return
        }
        #expect(url.user == "lmg" && url.password == "s@cret-77" && url.host == "db.internal" && url.port == 6543)
        #expect(url.database == "gateway" && url.sslMode == .require)
        for text in [url.description, String(reflecting: url), "\(Mirror(reflecting: url).children.map { "\($0.value)" })", "\(try parse(#"{"server": {"store": "postgres://lmg:s%40cret-77@db.internal:6543/gateway"}}"#).server)"] {
            #expect(!text.contains("cret-77"), "\(text)")
        }
        let plain = try PostgresStoreURL(parsing: "postgresql://u@[::1]/d")
        #expect(plain.host == "::1" && plain.port == 5432 && plain.password == nil && plain.sslMode == .prefer)
        #expect(plain.description == "postgres://u@[::1]:5432/d?sslmode=prefer")
        #expect(failure(#"{"server": {"store": "postgres://u@h/d?sslmode=sometimes"}}"#).contains("server.store: the PostgreSQL URL has sslmode 'sometimes'; expected disable, prefer, require, verify-full"))
        #expect(failure(#"{"server": {"store": "postgres://u:pw-9@h:99999/d"}}"#) == "test.json: server.store: the PostgreSQL URL has port '99999', not 1 to 65535")
        #expect(failure(#"{"server": {"store": "postgres://h/d"}}"#).contains("names no user"))
        #expect(failure(#"{"server": {"store": "postgres://u@h"}}"#).contains("names no database"))
        #expect(!failure(#"{"server": {"store": "postgres://u:pw-9@h:99999/d"}}"#).contains("pw-9"))
    }
}
