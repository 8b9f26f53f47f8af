import Foundation
import Locking

/// The `/mcp` sessions this replica holds, by `Mcp-Session-Id`: bounded in number (the oldest
/// idle one is closed to make room) and in idle time, so a loop of `initialize` cannot grow memory.
///
/// Without a sealer the ids are 128 random bits, and a session lives on the replica that opened
/// it. With one (`LMG_SESSION_KEY`), the id is the sealed state: a replica that does not hold
/// the session opens the id and resumes it, so a load balancer needs no affinity. What only a
/// process can hold (GET streams, calls in flight) stays where it began.
final class MCPSessionTable: Sendable {
    let capacity: Int
    /// A session unused for this long, with no GET stream open, is closed at the next lookup or open.
    let idleLimit: Duration
    let sealer: MCPSessionSealer?
    private struct Table {
        var sessions: [String: MCPSession] = [:]
        /// Sealed ids ended here (DELETE), newest last: not resumed again on this replica.
        var ended: [String] = []
        var stopping = false
    }

    private let sessions = Locked(Table())

    init(capacity: Int = 1024, idleLimit: Duration = .seconds(3600), sealer: MCPSessionSealer? = nil) {
        self.capacity = max(1, capacity)
        self.idleLimit = idleLimit
        self.sealer = sealer
    }

    var count: Int { sessions.withLock { $0.sessions.count } }

    /// Opens a session for `state`; nil when the table is full of sessions in use (only idle
    /// ones — no stream, no call — make room), or after ``closeAll()`` (the gateway is stopping).
    func open(_ state: MCPSessionState, now: ContinuousClock.Instant = .now) -> MCPSession? {
        insert(MCPSession(id: sealer?.seal(state) ?? Self.makeID(), state: state), now: now)
    }

    /// Adds `session`, making room as ``open(_:now:)`` says; a session already there under the
    /// same id (two requests resuming it at once) wins.
    private func insert(_ session: MCPSession, now: ContinuousClock.Instant) -> MCPSession? {
        let (added, closing): (MCPSession?, [MCPSession]) = sessions.withLock { table in
            guard !table.stopping else { return (nil, []) }
            if let existing = table.sessions[session.id] { return (existing, []) }
            var closing = table.sessions.values.filter { $0.isIdle(since: now - idleLimit) }
            for old in closing { table.sessions[old.id] = nil }
            if table.sessions.count >= capacity {
                guard let oldest = table.sessions.values.filter({ $0.isIdle(since: now) }).min(by: { $0.lastUsed < $1.lastUsed }) else {
                    return (nil, closing)
                }
                table.sessions[oldest.id] = nil
                closing.append(oldest)
            }
            table.sessions[session.id] = session
            return (session, closing)
        }
        for old in closing { old.close() }
        return added
    }

    /// The live session `id`, when it exists, was opened with `keyName`'s key and is not idle
    /// past the limit. Another key's session is "not found", as if it did not exist.
    /// A sealed id this replica does not hold is resumed here.
    func session(_ id: String, keyName: String?, now: ContinuousClock.Instant = .now, date: Date = Date()) -> MCPSession? {
        guard let session = sessions.withLock({ $0.sessions[id] }) ?? resume(id, keyName: keyName, now: now, date: date) else { return nil }
        if session.isIdle(since: now - idleLimit) {
            // Expired here; a sealed id is bounded by its lifetime instead, as on every replica.
            remove(id, ended: false)
            return sealer == nil ? nil : self.session(id, keyName: keyName, now: now, date: date)
        }
        guard session.state.keyName == keyName, session.touch(now: now) else { return nil }
        return session
    }

    /// The session a sealed `id` carries, opened here; nil for an id no key sealed, one of
    /// another API key (never added: it must not take a place), or one ended here.
    private func resume(_ id: String, keyName: String?, now: ContinuousClock.Instant, date: Date) -> MCPSession? {
        guard let state = sealer?.open(id, now: date), state.keyName == keyName,
              !sessions.withLock({ $0.ended.contains(id) })
        else { return nil }
        return insert(MCPSession(id: id, state: state), now: now)
    }

    /// Ends the session `id`; false when there was none. A sealed id is remembered (a bounded
    /// number of them), so this replica does not resume it; other replicas may, until it expires.
    @discardableResult
    func close(_ id: String) -> Bool {
        remove(id, ended: sealer != nil)
    }

    @discardableResult
    private func remove(_ id: String, ended: Bool) -> Bool {
        guard let session = sessions.withLock({ table -> MCPSession? in
            guard let session = table.sessions.removeValue(forKey: id) else { return nil }
            if ended {
                table.ended.append(id)
                if table.ended.count > capacity * 4 { table.ended.removeFirst(table.ended.count - capacity * 4) }
            }
            return session
        }) else { return false }
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
