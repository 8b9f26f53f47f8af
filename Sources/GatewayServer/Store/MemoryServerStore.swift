import Foundation

/// A store that keeps entries until the process ends: `server.store: "memory"`, and tests.
public actor MemoryServerStore: ServerStore {
    private var entries: [String: StoredServer]
    /// When set, every save and delete fails with this reason (tests of a store that is down).
    private var failure: String?

    public nonisolated let location = "memory"

    public init(_ entries: [StoredServer] = []) {
        self.entries = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
    }

    public func load() throws(ServerStoreError) -> [StoredServer] {
        entries.keys.sorted().map { entries[$0]! }
    }

    public func save(_ server: StoredServer) throws(ServerStoreError) {
        if let failure { throw ServerStoreError(location: location, reason: failure) }
        entries[server.name] = server
    }

    public func delete(name: String) throws(ServerStoreError) {
        if let failure { throw ServerStoreError(location: location, reason: failure) }
        entries[name] = nil
    }

    public func close() {}

    /// Makes every later save and delete fail with `reason` (nil: work again).
    public func failWrites(_ reason: String?) {
        failure = reason
    }
}
