import Foundation
import Locking

/// The live HTTP sessions by `Mcp-Session-Id`, bounded so a loop of initializes cannot grow memory.
final class HTTPSessionStore: Sendable {
    private struct Entry {
        let session: BuiltinMCPServer
        /// Creation order, for evicting the oldest session when full.
        let serial: UInt64
    }

    private struct State {
        var sessions: [String: Entry] = [:]
        var nextSerial: UInt64 = 0
    }

    private let state = Locked(State())
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { state.withLock { $0.sessions.count } }

    /// Stores `session` under a fresh id; evicts (and cancels) the oldest when full.
    func add(_ session: BuiltinMCPServer) -> String {
        let id = SessionID.make()
        let evicted: BuiltinMCPServer? = state.withLock { state in
            var evicted: BuiltinMCPServer?
            if state.sessions.count >= capacity, let oldest = state.sessions.min(by: { $0.value.serial < $1.value.serial }) {
                evicted = state.sessions.removeValue(forKey: oldest.key)?.session
            }
            state.nextSerial += 1
            state.sessions[id] = Entry(session: session, serial: state.nextSerial)
            return evicted
        }
        evicted?.cancelAll()
        return id
    }

    func session(_ id: String) -> BuiltinMCPServer? {
        state.withLock { $0.sessions[id]?.session }
    }

    /// Ends a session: forgets it and cancels what it still runs. False when it was unknown.
    func remove(_ id: String) -> Bool {
        guard let session = state.withLock({ $0.sessions.removeValue(forKey: id)?.session }) else { return false }
        session.cancelAll()
        return true
    }
}

/// Session ids: 128 bits from the system's CSPRNG, as 32 lowercase hex digits (visible ASCII).
enum SessionID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
