import Foundation
import GatewayRuntime
import LMGTesting
import ModelClient
import Testing

/// The `models` map: named upstream models for the gateway's OpenAI-compatible endpoint.
@Suite("Configuration: models")
struct ModelsConfigTests: ConfigParsing {
    let loader = ConfigLoader(environment: ["HOME": "/home/u", "FAST_KEY": "sk-fast-123", "MAIN_KEY": "sk-main-456"])

    @Test func entriesTakeTheModelSectionsKeysAndShareItsEndpointWhenTheyHaveNone() throws {
        let config = try parse("""
            {"model": {"base_url": "http://main/v1", "api_key": "${MAIN_KEY}", "headers": {"X-Team": "a"}},
             "models": {
               "fast": {"base_url": "http://fast/v1", "api_key": "${FAST_KEY}", "model": "llama-8b", "temperature": 0.1, "stream": false},
               "big": {"max_tokens": 900},
               "alias": {"name": "gpt-x", "timeout": 5}}}
            """)
        #expect(config.models.keys.sorted() == ["alias", "big", "fast"])
        let fast = try #require(config.models["fast"])
        #expect(fast.baseURL == "http://fast/v1" && fast.apiKey == "sk-fast-123" && fast.modelName == "llama-8b")
        #expect(fast.temperature == 0.1 && fast.stream == false && fast.headers.isEmpty, "its own endpoint gets nothing of the model section's")
        let big = try #require(config.models["big"])
        #expect(big.baseURL == "http://main/v1" && big.apiKey == "sk-main-456" && big.headers == ["X-Team": "a"])
        #expect(big.modelName == "big", "the upstream model defaults to the entry's name")
        #expect(big.maxTokens == 900)
        #expect(config.models["alias"]?.modelName == "gpt-x")
        #expect(config.models["alias"]?.timeout == .seconds(5))
    }

    @Test func badEntriesNameTheirField() {
        #expect(failure(#"{"models": []}"#).contains("models: must be an object of named models"))
        #expect(failure(#"{"models": {"x": 3}}"#).contains("models.x: must be an object"))
        #expect(failure(#"{"models": {"x": {"base_url": "http://h/v1", "temperature": "hot"}}}"#).contains("models.x.temperature"))
        #expect(failure(#"{"models": {"x": {"model": "m"}}}"#).contains("models.x.base_url: needs a base_url"))
    }

    @Test func theJudgeModelIsAnEntryByNameOrASectionOfItsOwn() throws {
        let named = try parse(#"{"model": {"base_url": "http://main/v1"}, "models": {"big": {"model": "gpt-big"}}, "judge_model": "big"}"#)
        #expect(named.judgeModel?.modelName == "gpt-big" && named.judgeModel?.baseURL == "http://main/v1")
        let own = try parse(#"{"model": {"base_url": "http://main/v1", "api_key": "${MAIN_KEY}", "model": "m"}, "judge_model": {"model": "grader", "temperature": 0}}"#)
        #expect(own.judgeModel?.modelName == "grader" && own.judgeModel?.apiKey == "sk-main-456" && own.judgeModel?.temperature == 0)
        #expect(try parse(#"{"model": {"base_url": "http://main/v1"}}"#).judgeModel == nil, "none: the test's own model grades")
        #expect(failure(#"{"models": {"big": {"base_url": "http://h/v1"}}, "judge_model": "small"}"#).contains("judge_model: names no entry of models (known: big)"))
        #expect(failure(#"{"judge_model": "small"}"#).contains("judge_model: names no entry of models (the config has no models map)"))
        #expect(failure(#"{"judge_model": 3}"#).contains("judge_model: must be the name of a models entry or a model section"))
        #expect(try parse(#"{"judge_model": {"model": "g"}}"#).judgeModel?.baseURL == nil, "the model section's default endpoint")
    }

    @Test func pricesPerMillionTokens() throws {
        let config = try parse(#"{"model": {"prices": {"input": 2.5, "output": 10}}, "models": {"x": {"base_url": "http://h/v1", "prices": {"input": 0, "output": 1, "currency": "EUR"}}}}"#)
        #expect(config.model.prices == TokenPrices(input: 2.5, output: 10))
        #expect(config.models["x"]?.prices == TokenPrices(input: 0, output: 1, currency: "EUR"))
        #expect(failure(#"{"model": {"prices": {"input": 1}}}"#).contains("model.prices: needs output"))
        #expect(failure(#"{"model": {"prices": {"input": -1, "output": 1}}}"#).contains("model.prices: needs input"))
        #expect(failure(#"{"model": {"prices": 3}}"#).contains("model.prices: must be an object"))
    }

    @Test func unknownEntryKeysAreWarned() throws {
        let config = try parse(#"{"models": {"x": {"base_url": "http://h/v1", "colour": "red"}}}"#)
        #expect(config.warnings.contains { $0.contains("models.x") && $0.contains("colour") }, "\(config.warnings)")
    }

    @Test func keysNeverPrint() throws {
        let config = try parse(#"{"models": {"fast": {"base_url": "http://fast/v1", "api_key": "${FAST_KEY}"}}}"#)
        let printed = "\(config) \(String(describing: config.models)) \(String(reflecting: config.models["fast"]!))"
        #expect(!printed.contains("sk-fast-123"), "\(printed)")
        var dumped = ""
        dump(config.models, to: &dumped)
        #expect(!dumped.contains("sk-fast-123"), "\(dumped)")
    }

    @Test func theCatalogPicksByNameOrAnswersEveryNameWithoutAMap() throws {
        let main = ScriptedChatModel(modelName: "main-model") { _, _ in ModelTurn(message: .assistant("main"), finishReason: "stop", usage: nil) }
        let single = GatewayRuntime(config: GatewayConfig(), environment: RuntimeEnvironment([:]), model: main)
        #expect(single.models.model(named: "anything")?.modelName == "main-model")
        #expect(single.models.names == ["main-model"])

        let fast = ScriptedChatModel(modelName: "fast-upstream") { _, _ in ModelTurn(message: .assistant("fast"), finishReason: "stop", usage: nil) }
        var config = GatewayConfig()
        config.models = ["big": ModelConfig(baseURL: "http://127.0.0.1:9/v1", name: "big-upstream")]
        let mapped = GatewayRuntime(config: config, environment: RuntimeEnvironment([:]), model: main, models: ["fast": fast])
        #expect(mapped.models.names == ["big", "fast"])
        #expect(mapped.models.model(named: "fast")?.modelName == "fast-upstream")
        #expect(mapped.models.model(named: "big")?.modelName == "big-upstream")
        #expect(mapped.models.model(named: "main-model") == nil, "with a map, only its names are known")
    }
}
