import SQLiteNIO

extension SQLiteServerStore {
    /// The store's tables, versioned in `lmg_schema` so that a later lmg can change them.
    enum Schema {
        /// Step `i` brings a version-`i` file to version `i + 1`, in one transaction with the new
        /// version number. Append steps; never edit one that shipped.
        static let migrations: [[String]] = [
            [
                // `entry`: the server entry JSON as accepted over HTTP (secrets included).
                "CREATE TABLE servers (name TEXT PRIMARY KEY NOT NULL, entry TEXT NOT NULL, updated_at TEXT NOT NULL)",
            ],
        ]

        /// The version this build writes.
        static var current: Int { migrations.count }

        /// Brings the file to ``current``: creates it on an empty file, refuses a newer one and a
        /// SQLite file of something else.
        static func migrate(_ connection: SQLiteConnection, location: String) async throws {
            _ = try await connection.rows("BEGIN IMMEDIATE")
            do {
                let version = try await Self.version(connection, location: location)
                guard version <= current else {
                    throw ServerStoreError(
                        location: location, reason: "was written by a newer lmg (schema version \(version); this one knows up to \(current))")
                }
                if version < current {
                    for statement in migrations[version...].joined() { _ = try await connection.rows(statement) }
                    _ = try await connection.rows("DELETE FROM lmg_schema")
                    _ = try await connection.rows("INSERT INTO lmg_schema (version) VALUES (?1)", [.integer(current)])
                }
                _ = try await connection.rows("COMMIT")
            } catch {
                _ = try? await connection.rows("ROLLBACK")
                throw error
            }
        }

        /// The file's schema version: 0 for an empty file (the version table is then created).
        static func version(_ connection: SQLiteConnection, location: String) async throws -> Int {
            let tables = try await connection.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                .compactMap { $0.column("name")?.string }
            guard tables.contains("lmg_schema") else {
                guard tables.isEmpty else {
                    throw ServerStoreError(location: location, reason: "is a SQLite database of something else (no lmg_schema table)")
                }
                _ = try await connection.rows("CREATE TABLE lmg_schema (version INTEGER NOT NULL)")
                return 0
            }
            let rows = try await connection.rows("SELECT version FROM lmg_schema")
            guard rows.count == 1, let version = rows[0].column("version")?.integer else {
                throw ServerStoreError(location: location, reason: "its lmg_schema table does not hold one version number")
            }
            return Int(version)
        }
    }
}
