import Foundation
import GatewayRuntime
import Logging
import PostgresNIO
import Locking

/// Servers added over HTTP, in a PostgreSQL database every replica shares (`server.store:
/// "postgres://…"`).
///
/// A save or delete commits with a `NOTIFY lmg_servers` in the same transaction, so every
/// replica listening hears of it once it is durable (``changes()``); the gateway then reloads
/// the table and applies the difference. The database being down does not stop a replica: it
/// keeps what it has, reports the store unavailable (`/readyz`), and the listener reconnects
/// with backoff. Each call gives up after `timeout` rather than wait for a pool that cannot connect.
public final class PostgresServerStore: ServerStore {
    public let location: String
    /// The channel of change notifications (the payload: the server's name).
    public static let channel = "lmg_servers"
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let timeout: Duration
    /// Why the last attempt to reach the database failed; nil while it answers.
    private let lastFailure = Locked<String?>(nil)
    /// Whether the schema is known to be in place (a database down at start gets it later).
    private let migrated = Locked(false)

    private init(location: String, client: PostgresClient, timeout: Duration) {
        self.location = location
        self.client = client
        self.timeout = timeout
        runner = Task { await client.run() }
    }

    /// Opens the store at `url` (the password from the URL, else `PGPASSWORD`) and migrates its
    /// schema. A database that cannot be reached now is no error: the store opens unavailable and
    /// the first change notification or reconcile after it comes up creates the schema. One that
    /// refuses (a wrong password, no such database, a newer schema) is: the gateway cannot start.
    public static func open(
        _ url: PostgresStoreURL, environment: [String: String], timeout: Duration = .seconds(5)
    ) async throws(ServerStoreError) -> PostgresServerStore {
        let location = url.description
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user,
            password: url.password ?? environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 },
            database: url.database, tls: tls(url.sslMode))
        configuration.options.connectTimeout = timeout
        configuration.options.maximumConnections = 8
        let store = PostgresServerStore(location: location, client: PostgresClient(configuration: configuration), timeout: timeout)
        // The pool retries a connect that fails, whatever the cause; one direct connection
        // tells a refusal (fatal at start) from an absence (not).
        if let refusal = await probe(configuration, sslMode: url.sslMode, timeout: timeout), !refusal.hasPrefix("cannot reach") {
            await store.close()
            throw ServerStoreError(location: location, reason: refusal)
        }
        do {
            try await store.migrate()
        } catch let error where error.reason.hasPrefix("cannot reach") {
            // Down at start: serve the file's servers; /readyz says the store is not ready.
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// Why one connection with `configuration` fails; nil when it succeeds.
    private static func probe(_ configuration: PostgresClient.Configuration, sslMode: PostgresStoreURL.SSLMode, timeout: Duration) async -> String? {
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        if sslMode != .verifyFull { tlsConfiguration.certificateVerification = .none }
        let tls: PostgresConnection.Configuration.TLS
        do {
            switch sslMode {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: tlsConfiguration))
            case .require, .verifyFull: tls = .require(try NIOSSLContext(configuration: tlsConfiguration))
            }
        } catch {
            return "the TLS set-up failed: \(error)"
        }
        var direct = PostgresConnection.Configuration(
            host: configuration.host ?? "localhost", port: configuration.port ?? 5432, username: configuration.username,
            password: configuration.password, database: configuration.database, tls: tls)
        direct.options.connectTimeout = .milliseconds(Int64(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
        do {
            let connection = try await PostgresConnection.connect(configuration: direct, id: 0, logger: quiet)
            try? await connection.close()
            return nil
        } catch {
            return reason(error)
        }
    }

    private static func tls(_ mode: PostgresStoreURL.SSLMode) -> PostgresClient.Configuration.TLS {
        var unchecked = TLSConfiguration.makeClientConfiguration()
        unchecked.certificateVerification = .none
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(unchecked)
        case .require: return .require(unchecked)
        case .verifyFull: return .require(.makeClientConfiguration())
        }
    }

    /// Creates the tables on first use; refuses a schema newer than this lmg knows.
    func migrate() async throws(ServerStoreError) {
        try await run { client in
            try await client.withTransaction(logger: Self.quiet) { connection in
                // Replicas starting at once: one creates, the others wait for its lock.
                try await connection.query("SELECT pg_advisory_xact_lock(7405320)", logger: Self.quiet)
                try await connection.query("CREATE TABLE IF NOT EXISTS lmg_schema (version INTEGER NOT NULL)", logger: Self.quiet)
                var version: Int?
                for try await (found,) in try await connection.query("SELECT version FROM lmg_schema", logger: Self.quiet).decode(Int.self) {
                    version = found
                }
                if let version, version > Self.schemaVersion {
                    throw ServerStoreError(location: self.location, reason: "its schema is version \(version), newer than this lmg knows (\(Self.schemaVersion)); upgrade lmg")
                }
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS lmg_servers (name TEXT PRIMARY KEY, entry TEXT NOT NULL, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                    logger: Self.quiet)
                if version == nil { try await connection.query("INSERT INTO lmg_schema (version) VALUES (\(Self.schemaVersion))", logger: Self.quiet) }
            }
        }
        migrated.withLock { $0 = true }
    }

    static let schemaVersion = 1

    public func load() async throws(ServerStoreError) -> [StoredServer] {
        try await run { client in
            var servers: [StoredServer] = []
            let rows = try await client.query("SELECT name, entry FROM lmg_servers ORDER BY name", logger: Self.quiet)
            for try await (name, entry) in rows.decode((String, String).self) {
                servers.append(StoredServer(name: name, json: Data(entry.utf8)))
            }
            return servers
        }
    }

    public func save(_ server: StoredServer) async throws(ServerStoreError) {
        let entry = String(decoding: server.json, as: UTF8.self)
        try await run { client in
            try await client.withTransaction(logger: Self.quiet) { connection in
                try await connection.query("""
                    INSERT INTO lmg_servers (name, entry) VALUES (\(server.name), \(entry))
                    ON CONFLICT (name) DO UPDATE SET entry = EXCLUDED.entry, updated_at = now()
                    """, logger: Self.quiet)
                try await connection.query("SELECT pg_notify(\(Self.channel), \(server.name))", logger: Self.quiet)
            }
        }
    }

    public func delete(name: String) async throws(ServerStoreError) {
        try await run { client in
            try await client.withTransaction(logger: Self.quiet) { connection in
                try await connection.query("DELETE FROM lmg_servers WHERE name = \(name)", logger: Self.quiet)
                try await connection.query("SELECT pg_notify(\(Self.channel), \(name))", logger: Self.quiet)
            }
        }
    }

    public var availability: ServerStoreAvailability {
        lastFailure.withLock { $0 }.map { .unavailable($0) } ?? .available
    }

    /// One value each time the table may have changed elsewhere, and each time the listener
    /// (re)connects (changes may have been missed meanwhile); ends with ``close()``.
    public func changes() -> AsyncStream<Void>? {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let task = Task { [client] in
            var backoff = Duration.milliseconds(250)
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: Self.channel) { notifications in
                            if !self.migrated.withLock({ $0 }) { try await self.migrate() }
                            self.lastFailure.withLock { $0 = nil }
                            backoff = .milliseconds(250)
                            continuation.yield()
                            for try await _ in notifications { continuation.yield() }
                        }
                    }
                } catch {
                    if Task.isCancelled { break }
                    self.lastFailure.withLock { $0 = Self.reason(error) }
                }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(10))
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    public func close() async {
        runner.cancel()
        _ = await runner.value
    }

    /// Runs `body` against the database within the timeout; any failure is one line naming
    /// the store (never a password, never an entry).
    private func run<T: Sendable>(_ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws(ServerStoreError) -> T {
        let client = client
        let limit = timeout
        do {
            let value = try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { try await body(client) }
                group.addTask {
                    try await Task.sleep(for: limit)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let value = first else {
                    throw ServerStoreError(location: self.location, reason: "cannot reach the database: no answer within \(limit)")
                }
                return value
            }
            lastFailure.withLock { $0 = nil }
            return value
        } catch let error as ServerStoreError {
            if error.reason.hasPrefix("cannot reach") { lastFailure.withLock { $0 = error.reason } }
            throw error
        } catch let error as PostgresTransactionError {
            // The first error of the transaction is the one that says why.
            if let inner = error.beginError ?? error.closureError ?? error.commitError {
                if let refusal = inner as? ServerStoreError { throw refusal }
                let reason = Self.reason(inner)
                if reason.hasPrefix("cannot reach") { lastFailure.withLock { $0 = reason } }
                throw ServerStoreError(location: location, reason: reason)
            }
            throw ServerStoreError(location: location, reason: "the transaction failed")
        } catch {
            let reason = Self.reason(error)
            if reason.hasPrefix("cannot reach") { lastFailure.withLock { $0 = reason } }
            throw ServerStoreError(location: location, reason: reason)
        }
    }

    /// What the driver's error means, in a line: the server's own message when it answered.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "cannot reach the database: \(error)" }
        if let message = error.serverInfo?[.message] {
            let code = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return "the database refused: \(message)\(code)"
        }
        return "cannot reach the database: \(error.code)"
    }

    private static let quiet: Logger = {
        var logger = Logger(label: "lmg.store.postgres")
        logger.logLevel = .critical
        return logger
    }()
}
