import ArgumentParser
import Foundation
import MCP
import MCPGateway

/// `lmg bench-routing SERVER TOOL`: what the manager adds to a call over the client alone.
///
/// The same server and tool are called three ways in interleaved rounds, so drift on a noisy
/// machine hits every way alike: directly on the `MCPClient`, through `MCPManager.callTool(server:tool:)`
/// (health gate, retry wrapper, outcome bookkeeping), and by qualified name (plus the namespace lookup).
struct RoutingBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-routing", abstract: "Measure the manager's routing overhead over a direct client call.",
        shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The server's name.")
    var serverName: String

    @Argument(help: "The tool's name.")
    var tool: String

    @Option(name: .long, help: "Arguments as a JSON object.")
    var args = "{}"

    @Option(name: .short, help: "Calls per way.")
    var n = 20_000

    @Option(name: .long, help: "Calls per way in one round.")
    var round = 500

    struct Report: Encodable {
        let calls_per_way: Int
        let direct_p50_ms: Double
        let manager_p50_ms: Double
        let qualified_p50_ms: Double
        let manager_overhead_percent: Double
        let qualified_overhead_percent: Double
    }

    func run() async throws {
        try await Session.run(global, only: serverName) { session in
            let manager = session.manager
            let client = try await manager.client(named: serverName)
            let arguments = try ToolArguments.build(json: args, pairs: [], schema: nil)
            guard let qualified = await manager.tools().first(where: { $0.server == serverName && $0.tool.name == tool })?.qualifiedName else {
                throw CommandFailure.usage("server '\(serverName)' has no tool '\(tool)'")
            }
            let clock = ContinuousClock()
            var direct: [Duration] = [], routed: [Duration] = [], byName: [Duration] = []
            for _ in 0..<200 {
                _ = try await client.callTool(tool, arguments: arguments)
                _ = try await manager.callTool(server: serverName, tool: tool, arguments: arguments)
                _ = try await manager.callTool(qualifiedName: qualified, arguments: arguments)
            }
            while direct.count < n {
                for _ in 0..<round {
                    let start = clock.now
                    _ = try await client.callTool(tool, arguments: arguments)
                    direct.append(clock.now - start)
                }
                for _ in 0..<round {
                    let start = clock.now
                    _ = try await manager.callTool(server: serverName, tool: tool, arguments: arguments)
                    routed.append(clock.now - start)
                }
                for _ in 0..<round {
                    let start = clock.now
                    _ = try await manager.callTool(qualifiedName: qualified, arguments: arguments)
                    byName.append(clock.now - start)
                }
            }
            let base = direct.percentileMilliseconds(0.5)
            let report = Report(
                calls_per_way: direct.count, direct_p50_ms: base,
                manager_p50_ms: routed.percentileMilliseconds(0.5), qualified_p50_ms: byName.percentileMilliseconds(0.5),
                manager_overhead_percent: (routed.percentileMilliseconds(0.5) / base - 1) * 100,
                qualified_overhead_percent: (byName.percentileMilliseconds(0.5) / base - 1) * 100)
            if global.json {
                try Terminal.json(report)
            } else {
                Terminal.out(String(
                    format: "%d calls each: direct p50 %.4f ms · manager p50 %.4f ms (%+.1f %%) · by qualified name p50 %.4f ms (%+.1f %%)",
                    report.calls_per_way, report.direct_p50_ms, report.manager_p50_ms, report.manager_overhead_percent,
                    report.qualified_p50_ms, report.qualified_overhead_percent))
            }
            return 0
        }
    }
}
