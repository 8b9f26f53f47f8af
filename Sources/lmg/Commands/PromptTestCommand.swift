import ArgumentParser
import Foundation
import GatewayRuntime
import LMGCommandLine
import MCPGateway
import ModelClient
import Orchestrator
import PromptTemplates
import PromptTesting

/// `lmg prompt test`: runs the templates' test files against recorded model answers (or the
/// live model while recording) and the MCP servers, and reports each test.
struct PromptTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Run prompt tests (NAME.tests.yaml) against recorded model answers.",
        discussion: """
            Cassettes live in cassettes/ beside the test files. --record none (the default) replays only; \
            once records tests that have no cassette; new records the requests a cassette lacks; rewrite \
            records everything again. MCP tools run live unless a test says toolResults: recorded.

            Exit status: 0 every test passed; 100 a test failed; 1 an error (a bad file, the model \
            unreachable while recording); 2 usage.
            """)

    @Argument(help: "Test files or folders (default: the prompts folder).")
    var paths: [String] = []

    @Option(name: .long, help: "Configuration file (default: $LMG_CONFIG, ./Config/lmg.json, ~/.config/lmg/lmg.json).")
    var config: String?

    @OptionGroup var location: PromptLocation

    @Option(name: .long, help: "none, once, new or rewrite.")
    var record: RecordChoice = .none

    @Option(name: .long, help: "Only tests whose name (or FILE/NAME) matches this glob.")
    var filter: String?

    @Option(name: .customLong("repeat"), help: "Runs of every test, instead of each test's repeat.")
    var repeatCount: Int?

    @Option(name: .long, help: "Tests run at the same time.")
    var concurrency = 4

    @Flag(name: .customLong("record-tools"), help: "Record (and replay) tool results for every test.")
    var recordTools = false

    @Option(name: .long, help: "Write a JUnit XML report here.")
    var junit: String?

    @Option(name: .customLong("json"), help: "Write a JSON report here.")
    var jsonReport: String?

    @Flag(name: [.short, .long], help: "Log protocol details to stderr.")
    var verbose = false

    enum RecordChoice: String, ExpressibleByArgument, CaseIterable {
        case none, once, new, rewrite
    }

    func validate() throws {
        if let repeatCount, repeatCount < 1 { throw ValidationError("--repeat must be at least 1") }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
    }

    func run() async throws {
        var global = GlobalOptions()
        global.config = config
        global.verbose = verbose
        let runtime = try PromptFailure.guarding { try global.runtime() }
        let library = location.library(runtime.config)
        let suites = try PromptFailure.guarding { () throws -> [PromptTestSuite] in
            let files = try PromptTestSuite.discover(paths.isEmpty ? [library.directory] : paths)
            guard !files.isEmpty else { throw RuntimeFailure.usage("no test files (*.tests.yaml) in \((paths.isEmpty ? [library.directory] : paths).joined(separator: ", "))") }
            return try files.map { file throws(PromptFileError) in try PromptTestSuite.load(file, library: library) }
        }
        for warning in suites.flatMap(\.warnings) { Terminal.warning(warning) }
        var options = PromptTestRunner.Options()
        options.record = RecordMode(rawValue: record.rawValue) ?? .none
        options.filter = filter.map(Glob.init)
        options.repeatOverride = repeatCount
        options.concurrency = concurrency
        options.recordTools = recordTools
        let selected = suites.filter { suite in suite.file.tests.contains { options.selects($0, of: suite) } }
        guard !selected.isEmpty else { throw ExitStatus.report(RuntimeFailure.usage("--filter \(filter ?? ""): no test matches")) }

        // Servers start only when a selected test calls tools live, or records them.
        let needsServers = selected.contains { suite in
            suite.mcpPrompt != nil
                || suite.file.tests.contains { options.selects($0, of: suite) && ($0.toolResults == .live && !recordTools || options.record != .none) }
        }
        var servers: [MCPServerConfig] = []
        if needsServers {
            let named = selected.map(\.template.servers)
            servers = named.contains { $0 == nil } ? runtime.config.servers : try PromptFailure.guarding {
                try Set(named.compactMap { $0 }.flatMap { $0 }).sorted().flatMap { try runtime.servers(only: $0) }
            }
        }
        let started = ContinuousClock.now
        let results: [PromptTestResult]
        do {
            let failures = try await runtime.connect(servers, requirement: .none)
            for failure in failures { Terminal.error(failure) }
            var base = OrchestratorOptions(maxToolIterations: runtime.config.maxToolIterations)
            base.modelResources = runtime.config.modelResources
            let records = options.record != .none
            let grader: any ChatModel = runtime.config.judgeModel.map { OpenAIChatClient(config: $0) } ?? runtime.model
            var runner = PromptTestRunner(
                router: needsServers ? runtime.manager : nil, liveModel: records ? runtime.model : nil,
                modelName: runtime.model.modelName, baseOptions: base, options: options,
                judge: .init(name: grader.modelName, live: records ? grader : nil))
            let manager = runtime.manager
            runner.mcpPrompts = { reference, variables in try await reference.render(variables, through: manager) }
            results = await runner.run(selected) { Terminal.out(PromptTestLines.line(for: $0)) }
            await runtime.shutdown()
        } catch {
            await runtime.shutdown()
            throw ExitStatus.report(error)
        }
        let elapsed = (ContinuousClock.now - started).milliseconds
        Terminal.out(PromptTestLines.summary(results, durationMs: elapsed))
        try writeReports(results, durationMs: elapsed)
        if results.contains(where: { $0.status == .error }) { throw ExitCode(1) }
        if results.contains(where: { $0.status == .failed }) { throw ExitCode(100) }
    }

    private func writeReports(_ results: [PromptTestResult], durationMs: Double) throws {
        do {
            if let junit { try Data(JUnitReport.xml(results).utf8).write(to: URL(fileURLWithPath: junit), options: .atomic) }
            if let jsonReport { try JSONReport(results, durationMs: durationMs).data().write(to: URL(fileURLWithPath: jsonReport), options: .atomic) }
        } catch {
            throw ExitStatus.report(RuntimeFailure("cannot write the report: \(error.localizedDescription)", category: .modelFailure))
        }
    }
}

/// The console lines of `lmg prompt test`: one per test, and a summary.
enum PromptTestLines {
    static func line(for result: PromptTestResult) -> String {
        let name = "\(result.group)/\(result.test)"
        let runs = result.runs.count > 1 ? " \(result.runs.filter(\.passed).count)/\(result.runs.count) runs" : ""
        let ms = String(format: "%.0f ms", result.durationMs)
        var lines: [String]
        switch result.status {
        case .passed:
            lines = ["✓ \(name)\(runs) (\(ms))"]
        case .failed:
            lines = ["✗ \(name)\(runs) (\(ms))"]
        case .error:
            lines = ["! \(name)\(runs): error"]
        }
        for run in result.runs where !run.passed {
            let prefix = result.runs.count > 1 ? "run \(run.repeatIndex + 1): " : ""
            lines += run.failures.map { "    \(prefix)\($0)" }
            if let error = run.error { lines.append("    \(prefix)\(error)") }
        }
        for warning in Set(result.runs.flatMap(\.warnings)).sorted() { lines.append("    warning: \(warning)") }
        let unplayed = result.runs.map(\.unplayed).reduce(0, +)
        if unplayed > 0 { lines.append("    note: \(unplayed) recorded request(s) never played (\(result.runs[0].cassette)); the template or tools may have changed") }
        let recorded = result.runs.map(\.recorded).reduce(0, +)
        if recorded > 0 { lines.append("    recorded \(recorded) model answer(s) in \(result.runs.map(\.cassette).joined(separator: ", "))") }
        return lines.joined(separator: "\n")
    }

    static func summary(_ results: [PromptTestResult], durationMs: Double) -> String {
        let count = { (status: PromptTestResult.Status) in results.filter { $0.status == status }.count }
        return "\(results.count) test\(results.count == 1 ? "" : "s"): \(count(.passed)) passed, \(count(.failed)) failed, \(count(.error)) error\(count(.error) == 1 ? "" : "s") (\(String(format: "%.2f", durationMs / 1000)) s)"
    }
}
