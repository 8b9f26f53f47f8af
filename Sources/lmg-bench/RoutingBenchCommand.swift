import ArgumentParser
import GatewayRuntime
import LMGCommandLine
import Foundation
import MCP
import MCPGateway

/// `lmg-bench routing SERVER TOOL`: what the manager adds to a call over the client alone.
///
/// The same server and tool are called three ways in interleaved rounds, so drift on a noisy
/// machine hits every way alike: directly on the `MCPClient`, through `MCPManager.callTool(server:tool:)`
/// (health gate, retry wrapper, outcome bookkeeping), and by qualified name (plus the namespace lookup).
struct RoutingBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "routing", abstract: "Measure the manager's routing overhead over a direct client call.")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var target: ToolCallArguments

    @Option(name: .short, help: "Calls per way.")
    var n = 20_000

    @Option(name: .long, help: "Calls per way in one round.")
    var round = 500

    @Flag(inversion: .prefixedNo, help: "Run the calls on the thread that reads the server's answers, as `lmg-bench call` does.")
    var onEventLoop = true

    struct Report: Encodable {
        let calls_per_way: Int
        let direct_p50_ms: Double
        let manager_p50_ms: Double
        let qualified_p50_ms: Double
        let manager_overhead_percent: Double
        let qualified_overhead_percent: Double
    }

    func run() async throws {
        let (serverName, tool) = (target.serverName, target.tool)
        try await CommandSession.run(global, only: serverName) { runtime in
            let manager = runtime.manager
            let resolved = try await target.resolve(on: runtime)
            let (client, arguments, qualified) = (resolved.client, resolved.arguments, resolved.qualifiedName)
            let executor = onEventLoop ? client.preferredExecutor : nil
            let ways: [@Sendable () async throws -> Void] = [
                { _ = try await client.callTool(tool, arguments: arguments) },
                { _ = try await manager.callTool(server: serverName, tool: tool, arguments: arguments) },
                { _ = try await manager.callTool(qualifiedName: qualified, arguments: arguments) },
            ]
            let rounds = try await withTaskExecutorPreference(executor) {
                try await Self.measure(ways, calls: n, round: round)
            }
            // Each round compares the ways under the same conditions; the median round is the figure,
            // so a burst of noise during one round cannot decide it.
            func overhead(_ way: Int) -> Double {
                let ratios = rounds.map { $0[way].percentileMilliseconds(0.5) / $0[0].percentileMilliseconds(0.5) - 1 }
                return ratios.sorted()[ratios.count / 2] * 100
            }
            func p50(_ way: Int) -> Double { rounds.flatMap { $0[way] }.percentileMilliseconds(0.5) }
            let report = Report(
                calls_per_way: rounds.count * round, direct_p50_ms: p50(0), manager_p50_ms: p50(1), qualified_p50_ms: p50(2),
                manager_overhead_percent: overhead(1), qualified_overhead_percent: overhead(2))
            if global.json {
                try Terminal.json(report)
            } else {
                Terminal.out(String(
                    format: "%d calls each: direct p50 %.4f ms · manager p50 %.4f ms (%+.1f %% in the median round) · by qualified name p50 %.4f ms (%+.1f %%)",
                    report.calls_per_way, report.direct_p50_ms, report.manager_p50_ms, report.manager_overhead_percent,
                    report.qualified_p50_ms, report.qualified_overhead_percent))
            }
            return 0
        }
    }

    /// Warm-up, then rounds of `round` calls per way, the ways' order rotating from round to round;
    /// each round's latencies per way.
    static func measure(_ ways: [@Sendable () async throws -> Void], calls: Int, round: Int) async throws -> [[[Duration]]] {
        let clock = ContinuousClock()
        for _ in 0..<200 { for way in ways { try await way() } }
        var rounds: [[[Duration]]] = []
        for index in 0..<max(1, (calls + round - 1) / round) {
            var samples = Array(repeating: [Duration](), count: ways.count)
            for offset in 0..<ways.count {
                let way = (index + offset) % ways.count
                for _ in 0..<round {
                    let start = clock.now
                    try await ways[way]()
                    samples[way].append(clock.now - start)
                }
            }
            rounds.append(samples)
        }
        return rounds
    }
}
