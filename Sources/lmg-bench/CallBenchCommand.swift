import ArgumentParser
import GatewayRuntime
import LMGCommandLine
import Foundation
import MCP
import MCPGateway

/// `lmg-bench call SERVER TOOL -n N`: calls per second and latency percentiles of one tool.
struct CallBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call", abstract: "Measure calls/s and latency of one tool (connection time excluded).")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var target: ToolCallArguments

    @Option(name: .short, help: "How many calls.")
    var n = 1000

    @Option(name: .long, help: "Calls in flight at once.")
    var concurrency = 1

    @Option(name: .long, help: "Untimed calls first, to warm caches and connections.")
    var warmup = 50

    @Flag(inversion: .prefixedNo, help: "Run the calls on the thread that reads the server's answers, as latency-critical callers should.")
    var onEventLoop = true

    func validate() throws {
        guard n > 0 else { throw ValidationError("-n must be at least 1") }
        guard concurrency > 0 else { throw ValidationError("--concurrency must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative") }
    }

    struct Report: Encodable {
        let server: String
        let tool: String
        let transport: String
        let calls: Int
        let concurrency: Int
        let seconds: Double
        let calls_per_second: Double
        let p50_ms: Double
        let p99_ms: Double
        let errors: Int
    }

    func run() async throws {
        let (serverName, tool) = (target.serverName, target.tool)
        try await CommandSession.run(global, only: serverName) { runtime in
            let resolved = try await target.resolve(on: runtime)
            let (client, arguments) = (resolved.client, resolved.arguments)
            for _ in 0..<warmup { _ = try? await client.callTool(tool, arguments: arguments) }

            let executor = onEventLoop ? client.preferredExecutor : nil
            let clock = ContinuousClock()
            let start = clock.now
            let (latencies, errors) = await withTaskGroup(of: ([Duration], Int).self) { group in
                let perWorker = n / concurrency
                for worker in 0..<concurrency {
                    let count = perWorker + (worker < n % concurrency ? 1 : 0)
                    group.addTask(executorPreference: executor) {
                        var samples: [Duration] = []
                        samples.reserveCapacity(count)
                        var errors = 0
                        for _ in 0..<count {
                            let begin = clock.now
                            do {
                                let result = try await client.callTool(tool, arguments: arguments)
                                if result.isError == true { errors += 1 }
                            } catch {
                                errors += 1
                            }
                            samples.append(clock.now - begin)
                        }
                        return (samples, errors)
                    }
                }
                var all: [Duration] = []
                var failed = 0
                for await (samples, errors) in group {
                    all += samples
                    failed += errors
                }
                return (all, failed)
            }
            let elapsed = clock.now - start
            let seconds = elapsed.milliseconds / 1000
            let report = Report(
                server: serverName, tool: tool, transport: client.transportName, calls: n, concurrency: concurrency,
                seconds: seconds, calls_per_second: Double(n) / seconds, p50_ms: latencies.percentileMilliseconds(0.5), p99_ms: latencies.percentileMilliseconds(0.99),
                errors: errors)
            if global.json {
                try Terminal.json(report)
            } else {
                Terminal.out(String(
                    format: "%@ %@ over %@: %d calls in %.3f s, %.0f calls/s, p50 %.3f ms, p99 %.3f ms, %d errors",
                    serverName, tool, report.transport, n, seconds, report.calls_per_second, report.p50_ms, report.p99_ms, errors))
            }
            return errors > 0 ? ExitStatus.toolError : 0
        }
    }
}
