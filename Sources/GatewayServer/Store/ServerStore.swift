import CurlHTTP
import Foundation

/// Where servers added over HTTP are kept, so they survive a restart.
///
/// One entry a server name: the entry JSON as the gateway accepted it (the config file's keys and
/// `name`), secrets included — which is why a store keeps them private (a file of mode 0600) and
/// nothing prints them. The gateway writes through before it changes the manager, and reads every
/// entry back at start through the same checks as a request body. SQLite here; a shared store for
/// several replicas (PostgreSQL) implements the same protocol.
public protocol ServerStore: Sendable {
    /// Where it is, for messages: a path, `memory`, a database name (never a password).
    var location: String { get }
    /// Every stored entry, sorted by name.
    func load() async throws(ServerStoreError) -> [StoredServer]
    /// Inserts or replaces the entry of `server.name`; durable when it returns.
    func save(_ server: StoredServer) async throws(ServerStoreError)
    /// Forgets `name` (nothing happens when it is not stored); durable when it returns.
    func delete(name: String) async throws(ServerStoreError)
    /// Releases the store (its file lock); nothing may be called after.
    func close() async
    /// Whether the store answers now (`/readyz` tells): a shared database may be down.
    var availability: ServerStoreAvailability { get }
    /// For a store other processes change too: one value each time the stored servers may have
    /// changed elsewhere (the gateway then reloads them); nil for a store only this process writes.
    func changes() -> AsyncStream<Void>?
}

extension ServerStore {
    public var availability: ServerStoreAvailability { .available }
    public func changes() -> AsyncStream<Void>? { nil }
}

/// Whether a store answers.
public enum ServerStoreAvailability: Sendable, Hashable {
    case available
    /// Why not (one line, never a password).
    case unavailable(String)
}

/// One stored server: its name and its entry, exactly as accepted.
///
/// Never printable: the entry holds credentials (`oauth2_client_secret`, header values, `env`).
public struct StoredServer: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var name: String
    /// The entry's JSON object, UTF-8.
    public var json: Data

    public init(name: String, json: Data) {
        self.name = name
        self.json = json
    }

    public var description: String { "StoredServer(name: \(name), entry: \(Redaction.placeholder))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "json": Redaction.placeholder], displayStyle: .struct)
    }
}

/// A store that could not be opened, read or written: one line naming where and why.
public struct ServerStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The store's location (``ServerStore/location``).
    public var location: String
    /// What went wrong, in words an operator can act on; never an entry's content.
    public var reason: String

    public init(location: String, reason: String) {
        self.location = location
        self.reason = reason
    }

    public var description: String { "server store \(location): \(reason)" }
}
