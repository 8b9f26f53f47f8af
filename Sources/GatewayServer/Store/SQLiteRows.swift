import Locking
import SQLiteNIO

extension SQLiteConnection {
    /// The rows of one statement. SQLiteNIO's own `query(_:_:) async -> [SQLiteRow]` appends to an
    /// unguarded array on its thread pool and reads it on the caller's: ThreadSanitizer reports that
    /// (scripts/sanitize.sh). Here each row goes through a lock, so the hand-over is visible.
    package func rows(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        let collected = Collected()
        try await query(sql, binds) { row in collected.rows.withLock { $0.append(row) } }
        return collected.rows.withLock { $0 }
    }
}

private final class Collected: Sendable {
    let rows = Locked<[SQLiteRow]>([])
}
