import ArgumentParser
import Foundation
import Logging
import MCPGateway

/// Options every inspection command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $LMG_CONFIG, ./Config/lmg.json, ~/.config/lmg/lmg.json).")
    var config: String?

    @Flag(name: .long, help: "Print JSON for scripts.")
    var json = false

    @Flag(name: [.short, .long], help: "Log protocol details to stderr.")
    var verbose = false

    /// Loads the configuration and prints its warnings; installs signal handling and logging.
    func load() throws -> GatewayConfig {
        LogSetup.bootstrapOnce(verbose: verbose)
        TerminationSignals.install()
        let config = try ConfigLoader().load(explicit: self.config)
        for warning in config.warnings { Terminal.warning(warning) }
        return config
    }

    /// The servers to start: all enabled ones, or just `only` (which must exist).
    func select(_ config: GatewayConfig, only: String?) throws -> [MCPServerConfig] {
        guard let only else { return config.servers }
        guard let server = config.server(named: only) else {
            let known = config.servers.map(\.name).joined(separator: ", ")
            throw CommandFailure.usage("no server named '\(only)' in \(config.path ?? "the configuration") (configured: \(known.isEmpty ? "none" : known))")
        }
        return [server]
    }
}

enum LogSetup {
    nonisolated(unsafe) private static var done = false

    /// Logs go to stderr: stdout belongs to results (and, for `mcp-server`, to the protocol).
    static func bootstrapOnce(verbose: Bool) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .debug : .warning
            return handler
        }
    }
}
