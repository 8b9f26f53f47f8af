import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LMGTesting
import MCP
import ModelClient
import Orchestrator
import PromptTemplates
import Locking
import Testing
@testable import PromptTesting

@Suite("Prompt tests: cassettes recorded and replayed, record modes, reports")
struct RunnerTests {
    static let template = """
        ---
        config: {temperature: 0}
        input:
          schema: {city: string}
        tools: ["weather__*"]
        ---
        {{role "system"}}
        You forecast.
        {{role "user"}}
        Weather in {{city}}?
        """

    static let tests = """
        prompt: weather.prompt
        tests:
          - name: paris
            vars: {city: Paris}
            expect:
              toolCalls: [{name: weather__forecast, args: {city: Paris}}]
              answer: [{contains: "sunny"}]
        """

    /// Counts calls, so a test can tell live tool runs from recorded ones.
    final class Counter: Sendable {
        let value = Locked(0)
        func bump() { value.withLock { $0 += 1 } }
        var count: Int { value.withLock { $0 } }
    }

    static func router(description: String = "Forecast for a city.", calls: Counter = Counter()) -> InProcessToolRouter {
        let tool = Tool(name: "forecast", description: description, inputSchema: .object(["type": "object", "properties": .object(["city": .object(["type": "string"])])]))
        return InProcessToolRouter([.init(server: "weather", tool: tool) { args in
            calls.bump()
            return CallTool.Result(content: [.text("sunny in \(args["city"]?.stringValue ?? "?")")])
        }])
    }

    static func model(_ requests: Counter = Counter()) -> ScriptedChatModel {
        ScriptedChatModel { request, _ in
            requests.bump()
            if request.messages.last?.role == .tool {
                return ModelTurn(message: .assistant("It is \(request.messages.last!.text)."), finishReason: "stop", usage: TokenUsage(promptTokens: 9, completionTokens: 3, totalTokens: 12))
            }
            return ModelTurn(message: ChatMessage(role: .assistant, content: nil, toolCalls: [ToolCall(id: "c1", name: "weather__forecast", arguments: #"{"city":"Paris"}"#)]), finishReason: "tool_calls", usage: nil)
        }
    }

    func suite(_ folder: PromptFolder) throws -> PromptTestSuite {
        try PromptTestSuite.load(folder.file("weather.tests.yaml"), library: PromptLibrary(directory: folder.path))
    }

    func runner(_ mode: RecordMode, model: (any ChatModel)?, router: (any ToolRouter)? = RunnerTests.router(), recordTools: Bool = false) -> PromptTestRunner {
        var options = PromptTestRunner.Options()
        options.record = mode
        options.recordTools = recordTools
        return PromptTestRunner(router: router, liveModel: model, modelName: "scripted", options: options)
    }

    @Test func recordOnceThenReplayWithNoModel() async throws {
        let folder = try PromptFolder(["weather.prompt": Self.template, "weather.tests.yaml": Self.tests])
        let requests = Counter()
        let recorded = await runner(.once, model: Self.model(requests)).run([try suite(folder)])
        #expect(recorded.map(\.status) == [.passed] && recorded[0].runs[0].recorded == 2 && requests.count == 2)
        let path = folder.file("cassettes/weather/paris.json")
        let cassette = try #require(try Cassette.load(path))
        #expect(cassette.interactions.count == 2 && cassette.test == "paris" && cassette.tools == nil)

        let replayed = await runner(.none, model: nil).run([try suite(folder)])
        #expect(replayed.map(\.status) == [.passed] && replayed[0].runs[0].recorded == 0 && replayed[0].runs[0].unplayed == 0)
        #expect(replayed[0].runs[0].turns[0].toolCalls == [ObservedCall(name: "weather__forecast", arguments: #"{"city":"Paris"}"#)])
        // `once` with a cassette present replays too: the model is not asked again.
        _ = await runner(.once, model: Self.model(requests)).run([try suite(folder)])
        #expect(requests.count == 2)
    }

    @Test func aChangedTemplateIsAMissThatSaysWhatChanged() async throws {
        let folder = try PromptFolder(["weather.prompt": Self.template, "weather.tests.yaml": Self.tests])
        _ = await runner(.once, model: Self.model()).run([try suite(folder)])
        try Self.template.replacingOccurrences(of: "temperature: 0", with: "temperature: 0.7")
            .write(toFile: folder.file("weather.prompt"), atomically: true, encoding: .utf8)
        let result = await runner(.none, model: nil).run([try suite(folder)])[0]
        #expect(result.status == .failed)
        let failure = try #require(result.runs[0].failures.first)
        #expect(failure.contains("temperature: recorded 0, now 0.7"), "\(failure)")
        #expect(result.runs[0].unplayed == 2)

        try Self.template.write(toFile: folder.file("weather.prompt"), atomically: true, encoding: .utf8)
        let schema = await runner(.none, model: nil, router: Self.router(description: "Forecasts.")).run([try suite(folder)])[0]
        #expect(schema.runs[0].failures.first?.contains("tools: weather__forecast changed (description)") == true, "\(schema.runs[0].failures)")

        try Self.template.replacingOccurrences(of: "You forecast.", with: "You forecast weather.")
            .write(toFile: folder.file("weather.prompt"), atomically: true, encoding: .utf8)
        let system = await runner(.none, model: nil).run([try suite(folder)])[0]
        #expect(system.runs[0].failures.first?.contains("messages[0] (system) changed: recorded \"You forecast.\", now \"You forecast weather.\"") == true, "\(system.runs[0].failures)")
    }

    @Test func noCassetteInReplayFailsTheTest() async throws {
        let folder = try PromptFolder(["weather.prompt": Self.template, "weather.tests.yaml": Self.tests])
        let result = await runner(.none, model: nil).run([try suite(folder)])[0]
        #expect(result.status == .failed && result.runs[0].failures.first?.contains("--record once") == true)
        let noModel = await runner(.once, model: nil).run([try suite(folder)])[0]
        #expect(noModel.status == .error && noModel.runs[0].error?.contains("no model to record with") == true)
    }

    @Test func newAddsWhatIsMissingAndRewriteReplacesEverything() async throws {
        let folder = try PromptFolder(["weather.prompt": Self.template, "weather.tests.yaml": Self.tests])
        _ = await runner(.once, model: Self.model()).run([try suite(folder)])
        let path = folder.file("cassettes/weather/paris.json")
        try Self.template.replacingOccurrences(of: "You forecast.", with: "Forecast!")
            .write(toFile: folder.file("weather.prompt"), atomically: true, encoding: .utf8)
        let requests = Counter()
        let added = await runner(.new, model: Self.model(requests)).run([try suite(folder)])[0]
        #expect(added.status == .passed && added.runs[0].recorded == 2 && requests.count == 2)
        #expect(try Cassette.load(path)?.interactions.count == 4, "new keeps the old recordings")
        let rewritten = await runner(.rewrite, model: Self.model(requests)).run([try suite(folder)])[0]
        #expect(rewritten.status == .passed && requests.count == 4)
        #expect(try Cassette.load(path)?.interactions.count == 2, "rewrite starts the cassette again")
    }

    @Test func recordedToolResultsReplayWithoutAnyServer() async throws {
        let folder = try PromptFolder([
            "weather.prompt": Self.template,
            "weather.tests.yaml": Self.tests.replacingOccurrences(of: "tests:\n", with: "toolResults: recorded\ntests:\n"),
        ])
        let calls = Counter()
        let recorded = await runner(.once, model: Self.model(), router: Self.router(calls: calls)).run([try suite(folder)])[0]
        #expect(recorded.status == .passed && calls.count == 1)
        let cassette = try #require(try Cassette.load(folder.file("cassettes/weather/paris.json")))
        #expect(cassette.tools?.tools.map(\.tool.name) == ["forecast"] && cassette.tools?.calls.count == 1)
        let replayed = await runner(.none, model: nil, router: nil).run([try suite(folder)])[0]
        #expect(replayed.status == .passed, "\(replayed.runs[0].failures) \(replayed.runs[0].error ?? "")")
        #expect(calls.count == 1, "the tool ran once, while recording")
        #expect(replayed.runs[0].turns[0].answer == "It is sunny in Paris.")
        // `new` replays what is recorded, tools included: neither the tool nor the model is asked again.
        let requests = Counter()
        let again = await runner(.new, model: Self.model(requests), router: Self.router(calls: calls)).run([try suite(folder)])[0]
        #expect(again.status == .passed && calls.count == 1 && requests.count == 0 && again.runs[0].unplayed == 0)
    }

    @Test func repeatsHaveTheirOwnCassettesAndAPassRate() async throws {
        let tests = Self.tests.replacingOccurrences(of: "    vars: {city: Paris}\n", with: "    vars: {city: Paris}\n    repeat: 4\n    minPassRate: 0.5\n")
        let folder = try PromptFolder(["weather.prompt": Self.template, "weather.tests.yaml": tests])
        let model = ScriptedChatModel { request, _ in
            if request.messages.last?.role == .tool { return ModelTurn(message: .assistant("sunny"), finishReason: "stop", usage: nil) }
            return ModelTurn(message: ChatMessage(role: .assistant, content: nil, toolCalls: [ToolCall(id: "c", name: "weather__forecast", arguments: #"{"city":"Paris"}"#)]), finishReason: "tool_calls", usage: nil)
        }
        let result = await runner(.once, model: model).run([try suite(folder)])[0]
        #expect(result.runs.count == 4 && result.status == .passed)
        for index in 1..<4 { #expect(FileManager.default.fileExists(atPath: folder.file("cassettes/weather/paris.r\(index + 1).json"))) }
        // Two runs' recordings made to fail: 2 of 4 pass, which meets 0.5.
        for index in [3, 4] {
            let path = folder.file("cassettes/weather/paris.r\(index).json")
            try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "sunny", with: "rainy").write(toFile: path, atomically: true, encoding: .utf8)
        }
        let replayed = await runner(.none, model: nil).run([try suite(folder)])[0]
        #expect(replayed.passRate == 0.5 && replayed.status == .passed)
        var stricter = runner(.none, model: nil)
        stricter.options.repeatOverride = 4
        try tests.replacingOccurrences(of: "minPassRate: 0.5", with: "minPassRate: 0.75").write(toFile: folder.file("weather.tests.yaml"), atomically: true, encoding: .utf8)
        #expect(await stricter.run([try suite(folder)])[0].status == .failed)
    }

    @Test func junitReportIsValidXMLWithFailuresAndErrors() async throws {
        let folder = try PromptFolder(["weather.prompt": Self.template, "weather.tests.yaml": Self.tests])
        _ = await runner(.once, model: Self.model()).run([try suite(folder)])
        let passed = await runner(.none, model: nil).run([try suite(folder)])
        var failed = passed
        failed[0].status = .failed
        failed[0].runs[0].failures = ["answer does not contain \"<snow> & ice\""]
        var errored = passed[0]
        errored.test = "broken \u{1}"
        errored.status = .error
        errored.runs[0].error = "model unreachable"
        let xml = JUnitReport.xml(failed + [errored])
        let parser = XMLParser(data: Data(xml.utf8))
        final class Collector: NSObject, XMLParserDelegate {
            var elements: [String: Int] = [:]
            var attributes: [[String: String]] = []
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
                elements[name, default: 0] += 1
                self.attributes.append(attributes)
            }
        }
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")\n\(xml)")
        #expect(collector.elements["testsuites"] == 1 && collector.elements["testcase"] == 2)
        #expect(collector.elements["failure"] == 1 && collector.elements["error"] == 1 && collector.elements["system-out"] == 2)
        #expect(collector.attributes.contains { $0["message"] == "answer does not contain \"<snow> & ice\"" })
        #expect(xml.contains("→ weather__forecast {&quot;city&quot;:&quot;Paris&quot;}"), "tool calls go to system-out")
    }
}
