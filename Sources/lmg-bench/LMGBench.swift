import ArgumentParser
import Foundation
import GatewayRuntime
import LMGCommandLine

/// `lmg-bench`: the measurements behind the README's figures, kept out of `lmg` itself.
@main
struct LMGBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lmg-bench",
        abstract: "Benchmarks of lmg: a tool's calls/s and latency, the loop's and the manager's own cost.",
        discussion: "Each takes the servers from lmg's configuration (--config FILE). Benchmarks/*.py run them side by side with their peers.",
        version: LMGVersion.current,
        subcommands: [CallBenchCommand.self, LoopBenchCommand.self, RoutingBenchCommand.self]
    )
}
