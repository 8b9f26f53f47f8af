import Foundation
import JSONRPC
import MCP
import MCPGateway
import Locking

/// The open 2026-07-28 `subscriptions/listen` streams, which take the place of the older
/// revisions' GET stream: what each asked to hear (list kinds, resource URIs), and for which key.
/// Every message a stream carries names the listen request (`_meta` subscriptionId).
final class MCPListeners: Sendable {
    static let subscriptionKey = "io.modelcontextprotocol/subscriptionId"

    struct Listener: Sendable {
        let id: JSONRPCID
        let keyName: String?
        let kinds: Set<MCPListKind>
        let uris: Set<String>
        fileprivate let events: AsyncStream<Data>.Continuation

        /// `_meta` naming this stream.
        var meta: Value { .object([MCPListeners.subscriptionKey: id.value]) }

        /// One notification as an SSE event on this stream, tagged with its subscription id.
        func send(_ method: String, _ params: [String: Value] = [:]) {
            var params = params
            params["_meta"] = meta
            // A stream too far behind ends: its client listens again and lists again.
            if case .dropped = events.yield(GatewayAPI.event(MCPMethods.notification(method, params: .object(params)))) { events.finish() }
        }
    }

    let capacity: Int
    /// How many one API key may hold open: the rest stay for the others.
    let perKey: Int
    private struct Table {
        var open: [UInt64: Listener] = [:]
        var serial: UInt64 = 0
        var stopping = false
    }

    private let table = Locked(Table())

    init(capacity: Int = 1024) {
        self.capacity = max(1, capacity)
        perKey = max(1, self.capacity / 4)
    }

    /// Whether `keyName` may open one more stream now.
    func hasRoom(for keyName: String?) -> Bool {
        table.withLock { table in Self.room(in: table, for: keyName, capacity: capacity, perKey: perKey) }
    }

    private static func room(in table: Table, for keyName: String?, capacity: Int, perKey: Int) -> Bool {
        !table.stopping && table.open.count < capacity && table.open.values.lazy.filter { $0.keyName == keyName }.count < perKey
    }

    var count: Int { table.withLock { $0.open.count } }
    var all: [Listener] { table.withLock { Array($0.open.values) } }

    /// A new stream's events (they end when the gateway stops) and the call that removes it;
    /// nil when `capacity` streams are open or the gateway is stopping.
    func open(id: JSONRPCID, keyName: String?, kinds: Set<MCPListKind>, uris: Set<String>) -> (events: AsyncStream<Data>, close: @Sendable () -> Void)? {
        let (events, continuation) = AsyncStream.makeStream(of: Data.self, bufferingPolicy: .bufferingNewest(256))
        let serial: UInt64? = table.withLock { table in
            guard Self.room(in: table, for: keyName, capacity: capacity, perKey: perKey) else { return nil }
            table.serial += 1
            table.open[table.serial] = Listener(id: id, keyName: keyName, kinds: kinds, uris: uris, events: continuation)
            return table.serial
        }
        guard let serial else { return nil }
        let close: @Sendable () -> Void = { [weak self] in
            _ = self?.table.withLock { $0.open.removeValue(forKey: serial) }
            continuation.finish()
        }
        return (events, close)
    }

    /// Shutdown: every stream ends gracefully (its listen request gets its result).
    func closeAll() {
        let listeners = table.withLock { table in
            table.stopping = true
            defer { table.open = [:] }
            return Array(table.open.values)
        }
        for listener in listeners { listener.events.finish() }
    }
}

extension JSONRPCID {
    /// The id as a JSON value, for `_meta` members that name a request.
    var value: Value {
        switch self {
        case .int(let number): .int(number)
        case .string(let text): .string(text)
        }
    }
}
