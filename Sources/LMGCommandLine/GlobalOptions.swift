import ArgumentParser
import Foundation
import GatewayRuntime
import MCPGateway

/// Options every command that reads the configuration takes.
public struct GlobalOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: "Configuration file (default: $LMG_CONFIG, ./Config/lmg.json, ~/.config/lmg/lmg.json).")
    public var config: String?

    @Flag(name: .long, help: "Print JSON for scripts.")
    public var json = false

    @Flag(name: [.short, .long], help: "Log protocol details to stderr.")
    public var verbose = false

    public init() {}

    /// Sets the process up (logs, signals, polling), loads the configuration with `overrides`
    /// applied and prints its warnings: the runtime, not yet connected.
    public func runtime(
        _ overrides: ConfigOverrides = .init(), terminationSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP], answeredInputs: ServerInputs = []
    ) throws -> GatewayRuntime {
        let environment = RuntimeEnvironment()
        GatewayRuntime.prepareProcess(verbose: verbose, environment: environment, terminationSignals: terminationSignals)
        let runtime = try GatewayRuntime.load(configPath: config, overrides: overrides, environment: environment, answeredInputs: answeredInputs)
        for warning in runtime.config.warnings { Terminal.warning(warning) }
        return runtime
    }
}

/// Runs a command's body over a connected runtime, always shutting the servers down, and turns
/// errors into one line on stderr and the documented exit status.
public enum CommandSession {
    /// `only`: start just that server (it must be configured); `servers`: just these (a prompt
    /// template's `lmg.servers`). `requirement`: whether the command needs a server up
    /// (inspection commands) or can go on without (run, chat).
    /// `sampling`: how a server's sampling requests are decided (`lmg run`: by its `--approve`);
    /// nil: servers are not offered sampling.
    public static func run(
        _ options: GlobalOptions, only: String? = nil, servers: [String]? = nil, requirement: Reachability.Requirement = .anyServer,
        overrides: ConfigOverrides = .init(), sampling: (@Sendable (SamplingTranslation.Summary) async -> ModelSamplingRelay.Decision)? = nil,
        _ body: (GatewayRuntime) async throws -> Int32
    ) async throws {
        let status: Int32
        do {
            let runtime = try options.runtime(overrides, answeredInputs: sampling == nil ? .elicitation : .all)
            var selected = try runtime.servers(only: only)
            if let servers {
                selected = []
                for name in servers { selected += try runtime.servers(only: name) }
            }
            let failures = try await runtime.connect(selected, requirement: requirement)
            for failure in failures { Terminal.error(failure) }
            do {
                // No one to ask here: a server's elicitation is declined, and said on stderr; its
                // sampling goes to the model when the command allows it.
                var relays: [any ServerRequestRelay] = [DecliningInputRelay { Terminal.warning($0) }]
                if let sampling { relays.append(ModelSamplingRelay(models: runtime.models, decide: sampling)) }
                status = try await ServerRequestRelays.$current.withValue(InputRelays(relays)) { try await body(runtime) }
            } catch {
                await runtime.shutdown()
                throw error
            }
            await runtime.shutdown()
        } catch {
            throw ExitStatus.report(error)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
