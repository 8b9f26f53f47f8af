import Foundation
import GatewayRuntime
import LMGTesting
import MCPGateway
import ModelClient
import Orchestrator
import TestSupport
import Testing

/// The composition root: one precedence rule, one meaning of each setting, for every front end.
@Suite("Runtime: precedence and wiring")
struct RuntimeTests {
    /// A config file on disk naming a model, with no servers.
    func configFile(model: String = "from-file") throws -> String {
        let path = NSTemporaryDirectory() + "lmg-runtime-\(UUID().uuidString).json"
        try Data(#"{"model": {"base_url": "http://127.0.0.1:9/v1", "model": "\#(model)"}, "system_prompt": "file prompt", "mcpServers": {}}"#.utf8)
            .write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func flagBeatsEnvironmentBeatsFile() throws {
        let path = try configFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let env = RuntimeEnvironment(["LMG_MODEL": "from-env"])
        let fileOnly = try GatewayRuntime.load(configPath: path, environment: RuntimeEnvironment([:]))
        #expect(fileOnly.config.model.name == "from-file")
        let withEnv = try GatewayRuntime.load(configPath: path, environment: env)
        #expect(withEnv.config.model.name == "from-env")
        let withFlag = try GatewayRuntime.load(configPath: path, overrides: ConfigOverrides(model: "from-flag"), environment: env)
        #expect(withFlag.config.model.name == "from-flag")
        #expect(withFlag.model.modelName == "from-flag", "the model client sends what the flag says")
    }

    @Test func environmentOverridesTheConfig() {
        let config = ModelConfig(baseURL: "http://a/v1", apiKey: "k1", name: "m1")
        let applied = RuntimeEnvironment(["OPENAI_BASE_URL": "http://b/v1", "OPENAI_API_KEY": "k2", "LMG_MODEL": "m2"]).applyModelOverrides(to: config)
        #expect(applied.baseURL == "http://b/v1" && applied.apiKey == "k2" && applied.name == "m2")
        #expect(RuntimeEnvironment([:]).applyModelOverrides(to: config) == config)
        #expect(RuntimeEnvironment(["OPENAI_API_KEY": ""]).applyModelOverrides(to: config) == config, "an empty variable is unset")
    }

    @Test func theFallbackModelNameIsWrittenOnce() throws {
        let config = try ConfigLoader(environment: [:]).parse(Data(ConfigLoader.embeddedDefault.utf8), file: "<embedded>")
        #expect(config.model.name == nil)
        #expect(config.model.modelName == ModelConfig.defaultModelName)
        #expect(OpenAIChatClient(config: config.model).modelName == ModelConfig.defaultModelName)
    }

    /// `--model`, `--system` and `--max-iterations` reach the loop the same way for `run` and `chat`.
    @Test func overridesReachEveryOrchestrator() async throws {
        let path = try configFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = ScriptedChatModel(turns: [ModelTurn(message: .assistant("hi"), finishReason: "stop", usage: nil)])
        let runtime = try GatewayRuntime.load(
            configPath: path, overrides: ConfigOverrides(systemPrompt: "flag prompt", maxToolIterations: 3),
            environment: RuntimeEnvironment([:]), model: model)
        let orchestrator = runtime.makeOrchestrator()
        #expect(await orchestrator.options.systemPrompt == "flag prompt")
        #expect(await orchestrator.options.maxToolIterations == 3)
        let summary = try await orchestrator.run("hello")
        #expect(summary.answer == "hi")
        #expect(model.requests.first?.messages.first?.text == "flag prompt")
        await runtime.shutdown()
    }

    /// An API key and an `Authorization` header: the key is sent, and loading says the header is not.
    @Test func theAPIKeyWinsOverAnAuthorizationHeader() throws {
        let model = ModelConfig(baseURL: "http://x/v1", apiKey: "sk-key", headers: ["Authorization": "Basic abc", "X-Team": "a"])
        let headers = model.requestHeaders(streaming: true)
        #expect(headers["Authorization"] == "Bearer sk-key")
        #expect(headers.values(for: "Authorization").count == 1)
        #expect(headers["X-Team"] == "a")
        let config = try ConfigLoader(environment: [:]).parse(Data(#"""
            {"model": {"api_key": "k", "headers": {"Authorization": "Basic abc"}}}
            """#.utf8), file: "m.json")
        #expect(config.warnings.count == 1)
        #expect(config.warnings.first?.contains("model.headers: the Authorization header is not sent") == true, "\(config.warnings)")
        #expect(config.warnings.first?.contains("abc") == false)
        let headerOnly = ModelConfig(baseURL: "http://x/v1", headers: ["Authorization": "Basic abc"])
        #expect(headerOnly.requestHeaders(streaming: false)["Authorization"] == "Basic abc", "without a key the header is sent")
    }

    @Test func oneDurationConversion() {
        #expect(Duration.seconds(rounding: 0.1) == .milliseconds(100))
        #expect(Duration.seconds(rounding: 2.5) == .milliseconds(2500))
        #expect(Duration.seconds(rounding: 0.0004) == .microseconds(400), "no truncation to whole milliseconds")
    }

    @Test func theWholeConfigNeverPrintsASecret() throws {
        let config = try ConfigLoader(environment: ["KEY": "sk-from-env", "SECRET": "client-secret-1"]).parse(Data(#"""
            {"model": {"api_key": "${KEY}"},
             "mcpServers": {"api": {"url": "https://example.com/mcp", "oauth2_client_id": "c", "oauth2_client_secret": "${SECRET}",
                                    "headers": {"Authorization": "Bearer hdr-token-9"}}}}
            """#.utf8), file: "c.json")
        #expect(secretLeaks(of: config, secrets: ["sk-from-env", "client-secret-1", "hdr-token-9"]).isEmpty)
    }
}
