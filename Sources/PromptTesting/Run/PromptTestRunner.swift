import Foundation
import MCP
import MCPGateway
import ModelClient
import Orchestrator
import PromptTemplates

/// Runs prompt tests: renders each test's template, runs the exchange through the orchestrator
/// with the model behind a cassette (and the tools live, or recorded too), checks what the turn
/// did, and writes the recordings the record mode allows. Nothing here touches a terminal.
public struct PromptTestRunner: Sendable {
    public struct Options: Sendable {
        public var record: RecordMode = .none
        /// Only tests whose `FILE-BASE/TEST` or test name matches.
        public var filter: Glob?
        /// Runs of every test, instead of each test's `repeat`.
        public var repeatOverride: Int?
        public var concurrency: Int = 4
        /// Record tool results for every test, as `toolResults: recorded` does.
        public var recordTools = false
        public init() {}

        /// Whether `test` of `suite` is selected by the filter.
        public func selects(_ test: PromptTestCase, of suite: PromptTestSuite) -> Bool {
            guard let filter else { return true }
            return filter.matches(test.name) || filter.matches("\(suite.file.baseName)/\(test.name)")
        }
    }

    /// The live tools: the runtime's manager; nil when no server was started.
    public var router: (any ToolRouter)?
    /// The live model for recording; nil: replay only.
    public var liveModel: (any ChatModel)?
    /// The model name a request without one goes to (part of the cassette key).
    public var modelName: String
    public var baseOptions: OrchestratorOptions
    public var options: Options
    /// Renders a server's prompt for suites that use one (`prompt: mcp:SERVER/PROMPT`): the
    /// runtime's manager, through ``MCPPromptReference/render(_:through:)``; nil: none can run.
    public var mcpPrompts: (@Sendable (MCPPromptReference, [String: Value]) async throws -> RenderedPrompt)?
    /// The model that grades `judge` checks (`judge_model`, else the test's model): its name keys
    /// the judge's recordings; `live` answers when recording.
    public var judge: JudgeModel?

    /// The grading model of `judge` checks.
    public struct JudgeModel: Sendable {
        public var name: String
        /// nil: replay only.
        public var live: (any ChatModel)?
        public init(name: String, live: (any ChatModel)?) {
            (self.name, self.live) = (name, live)
        }
    }

    public init(
        router: (any ToolRouter)?, liveModel: (any ChatModel)?, modelName: String, baseOptions: OrchestratorOptions = .init(),
        options: Options = .init(), judge: JudgeModel? = nil
    ) {
        self.router = router
        self.liveModel = liveModel
        self.modelName = modelName
        self.baseOptions = baseOptions
        self.options = options
        self.judge = judge
    }

    /// Runs every selected test, at most `concurrency` at a time; `onResult` sees each test as it
    /// finishes. Results come back in file and test order.
    public func run(_ suites: [PromptTestSuite], onResult: @escaping @Sendable (PromptTestResult) -> Void = { _ in }) async -> [PromptTestResult] {
        let jobs = suites.flatMap { suite in suite.file.tests.filter { options.selects($0, of: suite) }.map { (suite, $0) } }
        return await withTaskGroup(of: (Int, PromptTestResult).self) { group in
            var results = [PromptTestResult?](repeating: nil, count: jobs.count)
            var next = 0
            func start(_ index: Int) {
                let (suite, test) = jobs[index]
                group.addTask {
                    let result = await self.runTest(test, of: suite)
                    onResult(result)
                    return (index, result)
                }
            }
            while next < min(jobs.count, max(1, options.concurrency)) {
                start(next)
                next += 1
            }
            for await (index, result) in group {
                results[index] = result
                if next < jobs.count {
                    start(next)
                    next += 1
                }
            }
            return results.compactMap { $0 }
        }
    }

    func runTest(_ test: PromptTestCase, of suite: PromptTestSuite) async -> PromptTestResult {
        let count = options.repeatOverride ?? test.repeatCount
        var runs: [RunResult] = []
        for index in 0..<count {
            runs.append(await runOnce(test, of: suite, repeatIndex: index))
        }
        let passed = Double(runs.filter(\.passed).count) / Double(max(1, runs.count))
        let status: PromptTestResult.Status = runs.contains { $0.error != nil } ? .error : passed + 1e-9 >= test.minPassRate ? .passed : .failed
        return PromptTestResult(
            file: suite.file.file, group: suite.file.baseName, prompt: suite.template.file, test: test.name, line: test.line, status: status, runs: runs,
            minPassRate: test.minPassRate, durationMs: runs.map(\.durationMs).reduce(0, +))
    }

    /// `cassettes/FILE-BASE/TEST.json`, and `TEST.rN.json` for the Nth repeat after the first.
    public static func cassettePath(_ suite: PromptTestSuite, test: String, repeatIndex: Int) -> String {
        let safe = PromptTestCase.fileName(test)
        let name = repeatIndex == 0 ? "\(safe).json" : "\(safe).r\(repeatIndex + 1).json"
        return "\(suite.file.directory)/cassettes/\(suite.file.baseName)/\(name)"
    }
}
