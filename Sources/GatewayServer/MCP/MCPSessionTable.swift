import Foundation
import Synchronization

/// The `/mcp` sessions this replica holds, by `Mcp-Session-Id`: bounded in number (the oldest
/// idle one is closed to make room) and in idle time, so a loop of `initialize` cannot grow memory.
///
/// The ids are 128 random bits today. The table is the one place that maps an id to its state,
/// so sealing the state into the id (README, "Sessions of `/mcp`") changes this type alone.
final class MCPSessionTable: Sendable {
    let capacity: Int
    /// A session unused for this long, with no GET stream open, is closed at the next lookup or open.
    let idleLimit: Duration
    private struct Table {
        var sessions: [String: MCPSession] = [:]
        var stopping = false
    }

    private let sessions = Mutex(Table())

    init(capacity: Int = 1024, idleLimit: Duration = .seconds(3600)) {
        self.capacity = max(1, capacity)
        self.idleLimit = idleLimit
    }

    var count: Int { sessions.withLock { $0.sessions.count } }

    /// Opens a session for `state`; nil when the table is full of sessions in use (only idle
    /// ones — no stream, no call — make room), or after ``closeAll()`` (the gateway is stopping).
    func open(_ state: MCPSessionState, now: ContinuousClock.Instant = .now) -> MCPSession? {
        let session = MCPSession(id: Self.makeID(), state: state)
        let (opened, closing): (Bool, [MCPSession]) = sessions.withLock { table in
            guard !table.stopping else { return (false, []) }
            var closing = table.sessions.values.filter { $0.isIdle(since: now - idleLimit) }
            for old in closing { table.sessions[old.id] = nil }
            if table.sessions.count >= capacity {
                guard let oldest = table.sessions.values.filter({ $0.isIdle(since: now) }).min(by: { $0.lastUsed < $1.lastUsed }) else {
                    return (false, closing)
                }
                table.sessions[oldest.id] = nil
                closing.append(oldest)
            }
            table.sessions[session.id] = session
            return (true, closing)
        }
        for old in closing { old.close() }
        return opened ? session : nil
    }

    /// The live session `id`, when it exists, was opened with `keyName`'s key and is not idle
    /// past the limit. Another key's session is "not found", as if it did not exist.
    func session(_ id: String, keyName: String?, now: ContinuousClock.Instant = .now) -> MCPSession? {
        guard let session = sessions.withLock({ $0.sessions[id] }) else { return nil }
        if session.isIdle(since: now - idleLimit) {
            close(id)
            return nil
        }
        guard session.state.keyName == keyName, session.touch(now: now) else { return nil }
        return session
    }

    /// Ends the session `id`; false when there was none.
    @discardableResult
    func close(_ id: String) -> Bool {
        guard let session = sessions.withLock({ $0.sessions.removeValue(forKey: id) }) else { return false }
        session.close()
        return true
    }

    /// Every open session, for broadcasting `list_changed`.
    var all: [MCPSession] { sessions.withLock { Array($0.sessions.values) } }

    /// Closes every session and opens no more (the gateway stops).
    func closeAll() {
        let all = sessions.withLock { table in
            table.stopping = true
            defer { table.sessions = [:] }
            return Array(table.sessions.values)
        }
        for session in all { session.close() }
    }

    /// 128 bits from the system's CSPRNG as 32 hex digits: visible ASCII, as the spec requires.
    static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        return [generator.next() as UInt64, generator.next() as UInt64]
            .map { let digits = String($0, radix: 16); return String(repeating: "0", count: 16 - digits.count) + digits }
            .joined()
    }
}
