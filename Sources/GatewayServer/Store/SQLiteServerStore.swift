import Foundation
import Logging
import SQLiteNIO

/// Servers added over HTTP, in a SQLite file (`server.store`, by default
/// `$XDG_STATE_HOME/lmg/servers.sqlite`).
///
/// WAL journal with `synchronous = FULL`: a save or delete is on disk when it returns, so the
/// gateway answers only once a change would survive a crash. The file is locked for this process
/// alone (`locking_mode = EXCLUSIVE`): a second gateway on the same file fails to open it rather
/// than keep a view of its own (several replicas share a PostgreSQL store instead).
public actor SQLiteServerStore: ServerStore {
    public nonisolated let location: String
    private let connection: SQLiteConnection
    private var closed = false

    private init(location: String, connection: SQLiteConnection) {
        self.location = location
        self.connection = connection
    }

    /// Opens (creating when missing) the store at `path`, migrated to the current schema.
    /// Fails with one line naming the path: a file others may read, not a database, a newer
    /// schema, locked by another process.
    public static func open(path given: String) async throws(ServerStoreError) -> SQLiteServerStore {
        let path = StoreFile.absolute(given)
        try StoreFile.prepare(path)
        // The library logs nothing but connects and custom functions; keep even those out.
        var quiet = Logger(label: "lmg.store.sqlite")
        quiet.logLevel = .critical
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: quiet)
        } catch {
            throw Self.failure(error, at: path)
        }
        do {
            // A busy file fails after a moment instead of waiting forever (the library's default).
            _ = try await connection.rows("PRAGMA busy_timeout = 500")
            _ = try await connection.rows("PRAGMA locking_mode = EXCLUSIVE")
            let mode = try await connection.rows("PRAGMA journal_mode = WAL").first?.column("journal_mode")?.string
            guard mode == "wal" else {
                throw ServerStoreError(location: path, reason: "cannot use a write-ahead log (journal mode \(mode ?? "unknown"))")
            }
            _ = try await connection.rows("PRAGMA synchronous = FULL")
            try await Schema.migrate(connection, location: path)
        } catch {
            try? await connection.close()
            throw Self.failure(error, at: path)
        }
        return SQLiteServerStore(location: path, connection: connection)
    }

    public func load() async throws(ServerStoreError) -> [StoredServer] {
        try await run { connection in
            try await connection.rows("SELECT name, entry FROM servers ORDER BY name").compactMap { row in
                guard let name = row.column("name")?.string, let entry = row.column("entry")?.string else { return nil }
                return StoredServer(name: name, json: Data(entry.utf8))
            }
        }
    }

    public func save(_ server: StoredServer) async throws(ServerStoreError) {
        let binds: [SQLiteData] = [
            .text(server.name), .text(String(decoding: server.json, as: UTF8.self)), .text(Date().ISO8601Format()),
        ]
        try await run { connection in
            _ = try await connection.rows("INSERT OR REPLACE INTO servers (name, entry, updated_at) VALUES (?1, ?2, ?3)", binds)
        }
    }

    public func delete(name: String) async throws(ServerStoreError) {
        try await run { connection in
            _ = try await connection.rows("DELETE FROM servers WHERE name = ?1", [.text(name)])
        }
    }

    public func close() async {
        guard !closed else { return }
        closed = true
        try? await connection.close()
    }

    /// One statement on the open connection; a failure as a `ServerStoreError`.
    private func run<T: Sendable>(_ body: @Sendable (SQLiteConnection) async throws -> T) async throws(ServerStoreError) -> T {
        guard !closed else { throw ServerStoreError(location: location, reason: "is closed") }
        do {
            return try await body(connection)
        } catch {
            throw Self.failure(error, at: location)
        }
    }

    /// `error` in words that name what to do, never a bound value.
    static func failure(_ error: any Error, at path: String) -> ServerStoreError {
        if let error = error as? ServerStoreError { return error }
        guard let error = error as? SQLiteError else { return ServerStoreError(location: path, reason: "\(error)") }
        let reason: String
        switch error.reason {
        case .busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked:
            reason = "is locked by another process (another lmg serve on the same store?)"
        case .notADatabase:
            reason = "is not a SQLite database"
        case .corrupt, .corruptIndex, .corruptSequenceSchema, .corruptVirtualTable:
            reason = "the database is corrupt"
        case .cantOpen, .cantOpenDirectory, .cantOpenInvalidPath, .cantOpenUnfollowedSymlink:
            reason = "cannot be opened (check the path and its permissions)"
        case .readOnly, .readonlyDirectory, .readonlyCantLock:
            reason = "is read-only"
        case .full:
            reason = "the disk is full"
        default:
            reason = error.message
        }
        return ServerStoreError(location: path, reason: reason)
    }
}
