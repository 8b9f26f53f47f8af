import ArgumentParser
import Foundation
import GatewayRuntime
import GatewayServer
import LMGCommandLine
import Logging

/// `lmg serve`: the REST API gateway over every configured server.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the REST API over every configured MCP server.",
        discussion: """
            Prints "lmg serve: listening on http://HOST:PORT" on stderr once it accepts; starts even \
            when some servers are down (GET /mcp/servers/status says why). SIGTERM or SIGINT: stops \
            accepting, lets requests in flight finish (server.grace_period, 10 s), shuts every server \
            down and exits 0. Without server.api_keys only loopback addresses may be bound. Servers \
            added over HTTP are kept in server.store ($XDG_STATE_HOME/lmg/servers.sqlite; "memory" \
            keeps nothing) and added back at start.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Address to listen on (default: server.host, 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port (default: server.port, 8000; 0 picks a free one).")
    var port: Int?

    func validate() throws {
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
    }

    func run() async throws {
        let runtime: GatewayRuntime
        do {
            // SIGTERM and SIGINT end the server gracefully (below); SIGHUP still reaps the children.
            // /mcp relays servers' elicitation and sampling to its clients.
            runtime = try global.runtime(terminationSignals: [SIGHUP], answeredInputs: .all)
        } catch {
            throw ExitStatus.report(error)
        }
        let settings = runtime.config.server
        let host = host ?? settings.host
        guard ServeSettings.isLoopback(host) || !settings.apiKeys.isEmpty else {
            throw ExitStatus.report(RuntimeFailure.usage(
                "--host \(host) is not a loopback address: without API keys (server.api_keys) lmg serve binds only 127.0.0.1, ::1 or localhost"))
        }
        // The store first: one that cannot be opened stops here, before any server starts.
        let store: any ServerStore
        do {
            store = try await settings.openStore(in: runtime.environment)
        } catch {
            throw ExitStatus.report(RuntimeFailure.usage("\(error)"))
        }
        let sealer: MCPSessionSealer?
        do {
            sealer = try MCPSessionSealer(environment: runtime.environment.variables, lifetime: settings.sessionLifetime)
        } catch {
            await store.close()
            throw ExitStatus.report(RuntimeFailure.usage("\(error)"))
        }
        for failure in (try? await runtime.connect(requirement: .none)) ?? [] { Terminal.error(failure) }
        let api = GatewayAPI(runtime: runtime, store: store, sessionSealer: sealer)
        do {
            for warning in try await api.restoreStoredServers() { Terminal.warning(warning) }
        } catch {
            await runtime.shutdown()
            await store.close()
            throw ExitStatus.report(RuntimeFailure.usage("\(error)"))
        }
        // Config-file edits apply while serving, around the servers added over HTTP.
        let reloader = runtime.makeReloader(
            alongside: { file in
                let (servers, shadowed) = await api.serversAlongside(file: file)
                for name in shadowed {
                    Terminal.warning("the config file now defines server '\(name)', which was added over HTTP: the file's runs (the stored one returns if the file drops it)")
                }
                return servers
            },
            onEvent: { _ in })
        await reloader?.start()
        // A shared store (PostgreSQL): what other replicas change applies here too.
        let follower = Task { await api.followStore { Terminal.warning($0) } }
        // The access log: one line a request (notice), protocol details with --verbose.
        var logger = Logger(label: "lmg.serve")
        logger.logLevel = global.verbose ? .debug : .notice
        let server = GatewayHTTPServer(
            api: api, host: host, port: port ?? settings.port,
            maxBodyBytes: settings.maxBodyBytes, grace: settings.gracePeriod, idleTimeout: settings.idleTimeout, bodyTimeout: settings.bodyTimeout,
            logger: logger)
        do {
            try await server.run { port in
                Terminal.trace("lmg serve: listening on http://\(host.contains(":") ? "[\(host)]" : host):\(port)")
            }
        } catch {
            follower.cancel()
            await reloader?.stop()
            await runtime.shutdown()
            await store.close()
            throw ExitStatus.report(RuntimeFailure.unreachable("serve: \(error)"))
        }
        follower.cancel()
        await reloader?.stop()
        await runtime.shutdown()
        await store.close()
    }
}
