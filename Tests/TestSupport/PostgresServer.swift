import Foundation

/// A PostgreSQL server of its own for a test: a new cluster in a temporary directory (Debian's
/// `postgresql` package, installed by `scripts/setup.sh --test`), listening on 127.0.0.1 on a
/// free port, password authentication on. Stopped and removed by ``remove()``; ``stop()`` and
/// ``start()`` take it away and bring it back on the same port, for outage tests.
public final class PostgresServer: Sendable {
    public let port: Int
    public let user = "lmg"
    public let password = "pg-test-\(UUID().uuidString.prefix(8))"
    public let database = "lmg"
    private let directory: String
    private let bin: String

    /// `postgres://lmg:PASSWORD@127.0.0.1:PORT/lmg?sslmode=disable`.
    public var url: String { "postgres://\(user):\(password)@127.0.0.1:\(port)/\(database)?sslmode=disable" }
    /// The same without the password (taken from `PGPASSWORD`).
    public var urlWithoutPassword: String { "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable" }

    private init(port: Int, directory: String, bin: String) {
        (self.port, self.directory, self.bin) = (port, directory, bin)
    }

    /// A new cluster, running, with the database `lmg` owned by the user `lmg`.
    public static func start() async throws -> PostgresServer {
        guard let bin = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.sorted().last
            .map({ "/usr/lib/postgresql/\($0)/bin" })
        else { throw FixtureError("no PostgreSQL under /usr/lib/postgresql: run scripts/setup.sh --test") }
        let directory = NSTemporaryDirectory() + "lmg-pg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let server = PostgresServer(port: try freeLoopbackPort(), directory: directory, bin: bin)
        do {
            try await server.initialize()
        } catch {
            await server.remove()
            throw error
        }
        return server
    }

    private func initialize() async throws {
        try password.write(toFile: directory + "/pw", atomically: true, encoding: .utf8)
        if getuid() == 0 { _ = try await runProcess("/bin/chown", ["-R", "postgres:postgres", directory]) }
        try await asOwner("initdb", ["-D", directory + "/data", "-U", user, "--pwfile", directory + "/pw", "-A", "scram-sha-256", "-E", "UTF8", "--no-sync"])
        try await start()
        try await asOwner("createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", user, database], environment: ["PGPASSWORD": password])
    }

    /// Starts the cluster (again), on the same port.
    public func start() async throws {
        // Through bash, which first closes every descriptor past stderr: the server outlives
        // pg_ctl, and one it inherited (Foundation watches a descriptor to see its child end)
        // would keep the test waiting until the server stops.
        let command = #"for fd in /proc/self/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-" 2>/dev/null; done; "#
            + "exec '\(bin)/pg_ctl' -D '\(directory)/data' -l '\(directory)/log' -w "
            + "-o '-c listen_addresses=127.0.0.1 -p \(port) -k \(directory) -c fsync=off' start >>'\(directory)/ctl.log' 2>&1 </dev/null"
        let result = getuid() == 0
            ? try await runProcess("/usr/sbin/runuser", ["-u", "postgres", "--", "/bin/bash", "-c", command])
            : try await runProcess("/bin/bash", ["-c", command])
        guard result.status == 0 else {
            throw FixtureError("pg_ctl start failed (\(result.status)): \((try? String(contentsOfFile: directory + "/ctl.log", encoding: .utf8)) ?? "")")
        }
    }

    /// Stops it at once (connections are cut).
    public func stop() async throws {
        try await asOwner("pg_ctl", ["-D", directory + "/data", "-w", "-m", "immediate", "stop"])
    }

    /// Stops it if running and deletes the cluster.
    public func remove() async {
        _ = try? await asOwner("pg_ctl", ["-D", directory + "/data", "-w", "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `tool` from the server's binaries, as the `postgres` user when the test runs as root
    /// (PostgreSQL refuses to run as root).
    @discardableResult
    private func asOwner(_ tool: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> CommandResult {
        let result: CommandResult
        if getuid() == 0 {
            let assignments = environment.map { "\($0.key)=\($0.value)" }
            result = try await runProcess("/usr/sbin/runuser", ["-u", "postgres", "--", "/usr/bin/env"] + assignments + [bin + "/" + tool] + arguments)
        } else {
            result = try await runProcess(bin + "/" + tool, arguments, environment: environment)
        }
        guard result.status == 0 else {
            throw FixtureError("\(tool) failed (\(result.status)): \(result.stderr)\(result.stdout)")
        }
        return result
    }
}
