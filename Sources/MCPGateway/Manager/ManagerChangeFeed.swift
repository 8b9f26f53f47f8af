import Foundation
import MCP
import Locking
import Synchronization

/// Something that may change what the manager aggregates: front ends that republish the
/// servers' lists (the gateway's `/mcp` endpoint sends `list_changed`) watch for these.
public enum MCPManagerChange: Sendable, Hashable {
    /// Servers were added, removed, connected, lost or failed (which, unknown): any list may differ.
    case servers
    /// This server was added, removed, connected, lost or failed: its lists may differ.
    case server(String)
    /// One server said one of its lists changed, and the manager has read it again.
    case list(server: String, MCPListKind)
}

/// A log message a server sent (`notifications/message`), as the manager passes it on.
public struct MCPServerLog: Sendable, Hashable {
    /// The server entry's name.
    public var server: String
    /// The server's params as sent: `level`, `logger`, `data`.
    public var params: Value
}

/// A server said a resource it was asked about changed (`notifications/resources/updated`).
public struct MCPResourceUpdate: Sendable, Hashable {
    public var server: String
    public var uri: String

    public init(server: String, uri: String) {
        self.server = server
        self.uri = uri
    }
}

/// Fans the manager's events out to every watcher; a watcher that stops iterating is dropped.
///
/// Buffers the newest 64 events per watcher: a slow watcher loses old ones and never blocks
/// the manager (for changes, it still learns that something changed).
final class ManagerChangeFeed<Element: Sendable>: Sendable {
    private let watchers = Locked<[UInt64: AsyncStream<Element>.Continuation]>([:])
    private let nextID = Atomic<UInt64>(0)

    func watch() -> AsyncStream<Element> {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self, bufferingPolicy: .bufferingNewest(64))
        let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        continuation.onTermination = { [weak self] _ in _ = self?.watchers.withLock { $0.removeValue(forKey: id) } }
        watchers.withLock { $0[id] = continuation }
        return stream
    }

    func publish(_ change: Element) {
        for continuation in watchers.withLock({ Array($0.values) }) { continuation.yield(change) }
    }

    /// Ends every watcher's stream (the manager shut down).
    func finish() {
        for continuation in watchers.withLock({ watchers in defer { watchers = [:] }; return Array(watchers.values) }) {
            continuation.finish()
        }
    }
}

extension MCPManager {
    /// The changes from now on, until the manager shuts down or the caller stops iterating.
    public nonisolated func changes() -> AsyncStream<MCPManagerChange> {
        table.feed.watch()
    }

    /// The log messages servers send from now on (each server's own level applies), until the
    /// manager shuts down or the caller stops iterating.
    public nonisolated func serverLogs() -> AsyncStream<MCPServerLog> {
        table.logs.watch()
    }

    /// The resources servers say changed from now on (those subscribed with
    /// ``subscribe(server:resource:)``), until the manager shuts down or the caller stops iterating.
    public nonisolated func resourceUpdates() -> AsyncStream<MCPResourceUpdate> {
        table.updates.watch()
    }
}
