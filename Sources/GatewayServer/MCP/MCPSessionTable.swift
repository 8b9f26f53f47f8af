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
    private let sessions = Mutex<[String: MCPSession]>([:])

    init(capacity: Int = 1024, idleLimit: Duration = .seconds(3600)) {
        self.capacity = max(1, capacity)
        self.idleLimit = idleLimit
    }

    var count: Int { sessions.withLock { $0.count } }

    /// Opens a session for `state`; returns it with its fresh id.
    func open(_ state: MCPSessionState, now: ContinuousClock.Instant = .now) -> MCPSession {
        let session = MCPSession(id: Self.makeID(), state: state)
        let closing: [MCPSession] = sessions.withLock { sessions in
            var closing = sessions.values.filter { $0.isIdle(since: now - idleLimit) }
            for old in closing { sessions[old.id] = nil }
            if sessions.count >= capacity, let oldest = sessions.values.min(by: { $0.lastUsed < $1.lastUsed }) {
                sessions[oldest.id] = nil
                closing.append(oldest)
            }
            sessions[session.id] = session
            return closing
        }
        for old in closing { old.close() }
        return session
    }

    /// The live session `id`, when it exists, was opened with `keyName`'s key and is not idle
    /// past the limit. Another key's session is "not found", as if it did not exist.
    func session(_ id: String, keyName: String?, now: ContinuousClock.Instant = .now) -> MCPSession? {
        guard let session = sessions.withLock({ $0[id] }) else { return nil }
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
        guard let session = sessions.withLock({ $0.removeValue(forKey: id) }) else { return false }
        session.close()
        return true
    }

    /// Every open session, for broadcasting `list_changed`.
    var all: [MCPSession] { sessions.withLock { Array($0.values) } }

    /// Closes every session (the gateway stops).
    func closeAll() {
        for session in sessions.withLock({ sessions in defer { sessions = [:] }; return Array(sessions.values) }) { session.close() }
    }

    /// 128 bits from the system's CSPRNG as 32 hex digits: visible ASCII, as the spec requires.
    static func makeID() -> String {
        var generator = SystemRandomNumberGenerator()
        return [generator.next() as UInt64, generator.next() as UInt64]
            .map { let digits = String($0, radix: 16); return String(repeating: "0", count: 16 - digits.count) + digits }
            .joined()
    }
}
