import Foundation
import GatewayRuntime
import SQLiteNIO
import TestSupport
import Testing
@testable import GatewayServer

/// The stores of servers added over HTTP, on their own: in memory, and SQLite on a temporary
/// file (round trip, replace, delete, reopen, schema version, file mode, files it refuses).
@Suite("Server store")
struct ServerStoreTests {
    /// A fresh directory for one test, removed by `body`'s end.
    static func withDirectory(_ body: (String) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "lmg-store-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await body(directory)
    }

    static func entry(_ name: String, _ json: String) -> StoredServer {
        StoredServer(name: name, json: Data(json.utf8))
    }

    static func mode(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_mode & 0o777) : -1
    }

    /// Runs `statements` on the file at `path` with a connection of the test's own; the last one's rows.
    static func sql(_ path: String, _ statements: String...) async throws -> [SQLiteRow] {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        var rows: [SQLiteRow] = []
        do {
            for statement in statements { rows = try await connection.rows(statement) }
        } catch {
            try await connection.close()
            throw error
        }
        try await connection.close()
        return rows
    }

    /// What every store does, whatever keeps it.
    static func roundTrip(_ store: any ServerStore) async throws {
        #expect(try await store.load().isEmpty)
        try await store.save(entry("b", #"{"name":"b","url":"http://127.0.0.1:9/mcp"}"#))
        try await store.save(entry("a", #"{"name":"a","command":"true","env":{"K":"v"}}"#))
        #expect(try await store.load().map(\.name) == ["a", "b"], "sorted by name")
        try await store.save(entry("b", #"{"name":"b","url":"http://127.0.0.1:10/mcp"}"#))
        #expect(try await store.load().last?.json == Data(#"{"name":"b","url":"http://127.0.0.1:10/mcp"}"#.utf8), "a save replaces")
        try await store.delete(name: "a")
        try await store.delete(name: "never-stored")
        #expect(try await store.load().map(\.name) == ["b"])
    }

    @Test func memoryStoreRoundTripsAndCanBeMadeToFail() async throws {
        let store = MemoryServerStore()
        try await Self.roundTrip(store)
        await store.failWrites("disk on fire")
        await #expect(throws: ServerStoreError(location: "memory", reason: "disk on fire")) { try await store.save(Self.entry("c", "{}")) }
        #expect(try await store.load().map(\.name) == ["b"])
    }

    @Test func sqliteStoreRoundTripsAndKeepsEntriesAcrossReopening() async throws {
        try await Self.withDirectory { directory in
            let path = directory + "/state/lmg/servers.sqlite"
            let store = try await SQLiteServerStore.open(path: path)
            try await Self.roundTrip(store)
            let secret = Self.entry("s", #"{"name":"s","url":"http://127.0.0.1:9/mcp","oauth2_client_secret":"shh-1"}"#)
            try await store.save(secret)
            await store.close()

            let again = try await SQLiteServerStore.open(path: path)
            #expect(try await again.load() == [Self.entry("b", #"{"name":"b","url":"http://127.0.0.1:10/mcp"}"#), secret])
            await again.close()
            #expect(Self.mode(path) == 0o600)
            #expect(Self.mode(directory + "/state/lmg") == 0o700 && Self.mode(directory + "/state") == 0o700)
            #expect(secretLeaks(of: secret, secrets: ["shh-1"]).isEmpty, "a stored entry never prints")
        }
    }

    @Test func theSchemaIsVersionedAndANewerOneIsRefused() async throws {
        try await Self.withDirectory { directory in
            let path = directory + "/servers.sqlite"
            try await SQLiteServerStore.open(path: path).close()
            let versions = try await Self.sql(path, "SELECT version FROM lmg_schema")
            #expect(versions.map { $0.column("version")?.integer } == [SQLiteServerStore.Schema.current])
            #expect(try await Self.sql(path, "PRAGMA journal_mode").first?.column("journal_mode")?.string == "wal")
            _ = try await Self.sql(path, "UPDATE lmg_schema SET version = 99")
            await #expect(throws: ServerStoreError(location: path, reason: "was written by a newer lmg (schema version 99; this one knows up to 1)")) {
                try await SQLiteServerStore.open(path: path)
            }
        }
    }

    @Test func aFileOthersCanReadIsRefusedNamingIt() async throws {
        try await Self.withDirectory { directory in
            let path = directory + "/servers.sqlite"
            try await SQLiteServerStore.open(path: path).close()
            chmod(path, 0o644)
            let error = await #expect(throws: ServerStoreError.self) { try await SQLiteServerStore.open(path: path) }
            #expect(error?.description.hasPrefix("server store \(path): others may read or write it (mode 644)") == true, "\(String(describing: error))")
            #expect(error?.description.contains("\n") == false)
        }
    }

    @Test func whatIsNotAStoreIsRefusedNamingThePath() async throws {
        try await Self.withDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let garbage = directory + "/garbage.sqlite"
            _ = FileManager.default.createFile(atPath: garbage, contents: Data(String(repeating: "not a database ", count: 100).utf8), attributes: [.posixPermissions: 0o600])
            await #expect(throws: ServerStoreError(location: garbage, reason: "is not a SQLite database")) { try await SQLiteServerStore.open(path: garbage) }

            let other = directory + "/other.sqlite"
            _ = try await Self.sql(other, "CREATE TABLE t (x)")
            chmod(other, 0o600)
            await #expect(throws: ServerStoreError(location: other, reason: "is a SQLite database of something else (no lmg_schema table)")) {
                try await SQLiteServerStore.open(path: other)
            }

            let file = directory + "/file"
            _ = FileManager.default.createFile(atPath: file, contents: Data())
            let under = await #expect(throws: ServerStoreError.self) { try await SQLiteServerStore.open(path: file + "/servers.sqlite") }
            #expect(under?.description == "server store \(file)/servers.sqlite: \(file) is not a directory")
            await #expect(throws: ServerStoreError.self) { try await SQLiteServerStore.open(path: directory) }
        }
    }

    @Test func aStoreInUseByAnotherGatewayIsLocked() async throws {
        try await Self.withDirectory { directory in
            let path = directory + "/servers.sqlite"
            let first = try await SQLiteServerStore.open(path: path)
            await #expect(throws: ServerStoreError(location: path, reason: "is locked by another process (another lmg serve on the same store?)")) {
                try await SQLiteServerStore.open(path: path)
            }
            try await first.save(Self.entry("a", "{}"))
            await first.close()
            try await SQLiteServerStore.open(path: path).close()
        }
    }

    @Test func theSettingPicksTheStore() async throws {
        var settings = ServeSettings()
        #expect(settings.storePath(in: RuntimeEnvironment(["XDG_STATE_HOME": "/st"])) == "/st/lmg/servers.sqlite")
        #expect(settings.storePath(in: RuntimeEnvironment(["HOME": "/home/u"])) == "/home/u/.local/state/lmg/servers.sqlite")
        settings.store = .memory
        #expect(try await settings.openStore(in: RuntimeEnvironment([:])).location == "memory")
    }
}
