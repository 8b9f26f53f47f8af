import Foundation
import LMGTesting
import MCP
import ModelClient
import PromptTemplates
import Testing
@testable import PromptTesting

/// `judge` answer checks (a rubric graded by a judge model, recorded like every model answer) and
/// `maxLatencyMs` against the latency a recording kept.
@Suite("Prompt tests: judge checks and recorded latency")
struct JudgeTests {
    static let template = "{{role \"user\"}}\nName a colour of the sky."

    static func tests(_ answer: String, extra: String = "") -> String {
        """
        prompt: sky.prompt
        tests:
          - name: sky
            expect:
              answer:
                - \(answer)
        \(extra)
        """
    }

    /// A judge that passes answers mentioning blue, and says why.
    static func judge(asked: RunnerTests.Counter = .init()) -> ScriptedChatModel {
        ScriptedChatModel(modelName: "grader") { request, _ in
            asked.bump()
            let prompt = request.messages.last?.text ?? ""
            let answer = prompt.components(separatedBy: "The assistant answered:\n").last ?? ""
            let pass = answer.lowercased().contains("blue")
            let verdict = #"Sure. ```json {"pass": \#(pass), "score": \#(pass ? 0.9 : 0.2), "reason": "\#(pass ? "names blue" : "no colour named")"} ```"#
            return ModelTurn(message: .assistant(verdict), finishReason: "stop", usage: nil)
        }
    }

    static func model(_ text: String) -> ScriptedChatModel {
        ScriptedChatModel { _, _ in ModelTurn(message: .assistant(text), finishReason: "stop", usage: nil) }
    }

    func run(_ folder: PromptFolder, _ mode: RecordMode, model: (any ChatModel)?, judge: ScriptedChatModel?) async throws -> PromptTestResult {
        var options = PromptTestRunner.Options()
        options.record = mode
        let suite = try PromptTestSuite.load(folder.file("sky.tests.yaml"), library: PromptLibrary(directory: folder.path))
        let runner = PromptTestRunner(
            router: InProcessToolRouter([]), liveModel: model, modelName: "scripted", options: options,
            judge: .init(name: "grader", live: judge))
        return await runner.run([suite])[0]
    }

    @Test func verdictsAreReadFromWhatJudgesWrite() {
        #expect(JudgeCheck.verdict(#"{"pass": true, "score": 0.8, "reason": "ok"}"#) == .init(pass: true, score: 0.8, reason: "ok"))
        #expect(JudgeCheck.verdict("```json\n{\"pass\": false}\n```")?.pass == false)
        #expect(JudgeCheck.verdict(#"Here you are: {"pass": "yes"} — hope it helps"#)?.pass == true)
        #expect(JudgeCheck.verdict(#"{"score": 0.4}"#) == .init(pass: false, score: 0.4, reason: nil))
        #expect(JudgeCheck.verdict("It passes.") == nil)
        #expect(JudgeCheck.verdict(#"{"pass": "maybe"}"#) == nil)

        #expect(JudgeCheck.failure(rubric: "r", threshold: nil, judgeAnswer: #"{"pass": true}"#) == nil)
        #expect(JudgeCheck.failure(rubric: "r", threshold: 0.7, judgeAnswer: #"{"pass": true, "score": 0.6, "reason": "thin"}"#)
            == "the judge scored 0.6 on \"r\", below the threshold 0.7: thin")
        #expect(JudgeCheck.failure(rubric: "r", threshold: 0.7, judgeAnswer: #"{"pass": true}"#)?.contains("no score") == true)
        #expect(JudgeCheck.failure(rubric: "r", threshold: nil, judgeAnswer: "fine")?.hasPrefix("the judge gave no verdict for \"r\"") == true)
    }

    @Test func theJudgeIsRecordedOnceThenReplayedWithNoModel() async throws {
        let folder = try PromptFolder(["sky.prompt": Self.template, "sky.tests.yaml": Self.tests("judge: {rubric: \"names a colour the sky has\", threshold: 0.5}")])
        let asked = RunnerTests.Counter()
        let recorded = try await run(folder, .once, model: Self.model("Blue, mostly."), judge: Self.judge(asked: asked))
        #expect(recorded.status == .passed && recorded.runs[0].recorded == 2 && asked.count == 1, "\(recorded.runs)")
        let cassette = try #require(try Cassette.load(folder.file("cassettes/sky/sky.json")))
        let models = cassette.interactions.map { interaction -> String? in
            guard case .object(let request) = interaction.request, case .string(let model)? = request["model"] else { return nil }
            return model
        }
        #expect(models == ["scripted", "grader"])
        #expect(cassette.interactions[1].request.compactText.contains("names a colour the sky has"))

        let replayed = try await run(folder, .none, model: nil, judge: nil)
        #expect(replayed.status == .passed && replayed.runs[0].unplayed == 0 && asked.count == 1, "\(replayed.runs)")

        // Another rubric is another request: a miss, not a stale verdict.
        try Self.tests("judge: \"names the colour blue\"").write(toFile: folder.file("sky.tests.yaml"), atomically: true, encoding: .utf8)
        let changed = try await run(folder, .none, model: nil, judge: nil)
        #expect(changed.status == .failed && changed.runs[0].failures.first?.contains("request not in") == true, "\(changed.runs[0].failures)")
    }

    @Test func aFailedVerdictFailsTheTestWithTheJudgesReason() async throws {
        let folder = try PromptFolder(["sky.prompt": Self.template, "sky.tests.yaml": Self.tests("judge: \"names a colour\"")])
        let result = try await run(folder, .once, model: Self.model("The sky is the sky."), judge: Self.judge())
        #expect(result.status == .failed)
        #expect(result.runs[0].failures == ["the judge failed the answer on \"names a colour\": no colour named"])
    }

    /// A model that takes its time, so the recording has a latency to keep.
    struct SlowModel: ChatModel {
        let modelName = "scripted"
        func complete(_ request: ChatRequest, onTextDelta: @escaping @Sendable (String) -> Void) async throws -> ModelTurn {
            try await Task.sleep(for: .milliseconds(300))
            return ModelTurn(message: .assistant("Blue."), finishReason: "stop", usage: nil)
        }
    }

    @Test func maxLatencyIsCheckedAgainstTheRecordedLatency() async throws {
        let folder = try PromptFolder(["sky.prompt": Self.template, "sky.tests.yaml": Self.tests("contains: Blue", extra: "      maxLatencyMs: 250")])
        let recorded = try await run(folder, .once, model: SlowModel(), judge: nil)
        #expect(recorded.status == .failed && recorded.runs[0].failures.first?.hasSuffix("more than maxLatencyMs 250") == true)
        let kept = try #require(try Cassette.load(folder.file("cassettes/sky/sky.json"))?.interactions.first?.response.latencyMs)
        #expect(kept >= 300)
        // Replayed in no time, the turn still counts the model's recorded 300 ms.
        let replayed = try await run(folder, .none, model: nil, judge: nil)
        #expect(replayed.status == .failed && replayed.runs[0].turns[0].latencyMs >= 300, "\(replayed.runs)")
        try Self.tests("contains: Blue", extra: "      maxLatencyMs: 60000").write(toFile: folder.file("sky.tests.yaml"), atomically: true, encoding: .utf8)
        #expect(try await run(folder, .none, model: nil, judge: nil).status == .passed)
    }
}

@Suite("Prompt templates: a server's MCP prompt as a template")
struct MCPPromptReferenceTests {
    @Test func onlyTheMCPFormNamesAServersPrompt() {
        #expect(MCPPromptReference.parse("mcp:fx/review_code") == MCPPromptReference(server: "fx", prompt: "review_code"))
        #expect(MCPPromptReference.parse("mcp:fx/a/b")?.prompt == "a/b")
        for text in ["calculator", "Prompts/calculator.prompt", "mcp:fx", "mcp:/p", "mcp:fx/", "fx/review_code"] {
            #expect(MCPPromptReference.parse(text) == nil, "\(text)")
        }
    }

    @Test func variablesBecomeStringArgumentsCheckedAgainstTheListing() throws {
        let reference = MCPPromptReference(server: "fx", prompt: "review")
        let declared: [Prompt.Argument] = [.init(name: "code", required: true), .init(name: "depth")]
        let (arguments, warnings) = try reference.arguments(["code": "x", "depth": 2, "flags": ["a"]], declared: declared)
        #expect(arguments == ["code": "x", "depth": "2"])
        #expect(warnings == ["mcp:fx/review: 'flags' is not an argument of this prompt, ignored (it has: code, depth)"])
        #expect(try reference.arguments(["code": ["a", 1]], declared: declared).arguments == ["code": #"["a",1]"#], "JSON text for other values")
        #expect(throws: PromptFileError(file: "mcp:fx/review", message: "argument 'code' is required (give code=VALUE)", isAboutVariables: true)) {
            try reference.arguments(["depth": 1], declared: declared)
        }
        #expect(try reference.arguments(["any": "x"], declared: nil).warnings.isEmpty, "an unlisted prompt is the server's to check")
    }

    @Test func theServersMessagesBecomeTheRenderedPrompt() throws {
        let reference = MCPPromptReference(server: "fx", prompt: "review")
        let result = GetPrompt.Result(description: nil, messages: [.user(.text(text: "Review x")), .assistant(.text(text: "Sure."))])
        let rendered = try reference.rendered(result, variables: ["code": "x"])
        #expect(rendered.messages.map(\.role) == [.user, .assistant] && rendered.messages[0].text == "Review x")
        #expect(rendered.file == "mcp:fx/review" && rendered.tools == nil && rendered.servers == nil && rendered.model == nil)
        #expect(throws: PromptFileError.self) { try reference.rendered(GetPrompt.Result(description: nil, messages: []), variables: [:]) }
    }
}
