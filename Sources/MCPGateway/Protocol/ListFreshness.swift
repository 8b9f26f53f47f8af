import MCP

/// How long a cached list may be served without asking the server again.
///
/// Older revisions announce every change on the session's GET stream, so a list stays good until
/// its `list_changed`. A 2026-07-28 server says per result (`ttlMs`; absent means 0) and announces
/// changes only on a `subscriptions/listen` stream it acknowledged: a list is fresh while that
/// stream covers it, or until its time to live runs out. A dropped stream drops that promise,
/// since changes may have been missed meanwhile.
struct ListFreshness: Sendable {
    private var expiry: [MCPListKind: ContinuousClock.Instant] = [:]
    private var fetchedAt: [MCPListKind: ContinuousClock.Instant] = [:]
    /// The lists the open `subscriptions/listen` stream was acknowledged for.
    private(set) var announced: Set<MCPListKind> = []
    /// When that stream was acknowledged: only lists fetched since then are covered by it, since
    /// changes before it (a gap while the stream was down) were never announced.
    private var acknowledgedAt: ContinuousClock.Instant?

    /// A list was fetched now; `ttl` the smallest of its pages' `ttlMs`.
    mutating func fetched(_ kind: MCPListKind, ttl: Duration, now: ContinuousClock.Instant = .now) {
        expiry[kind] = now + max(ttl, .zero)
        fetchedAt[kind] = now
    }

    /// The server acknowledged a subscription stream for `kinds`.
    mutating func acknowledged(_ kinds: Set<MCPListKind>, now: ContinuousClock.Instant = .now) {
        announced = kinds
        acknowledgedAt = now
    }

    /// The subscription stream ended: nothing is announced until it is open again.
    mutating func streamEnded() {
        announced = []
        acknowledgedAt = nil
    }

    /// Whether a cached `kind` list of a 2026-07-28 server may be served.
    func isFresh(_ kind: MCPListKind, now: ContinuousClock.Instant = .now) -> Bool {
        if announced.contains(kind), let since = acknowledgedAt, let fetched = fetchedAt[kind], fetched >= since { return true }
        guard let until = expiry[kind] else { return false }
        return now < until
    }

    /// `ttlMs` of a result; 0 when absent or negative, as the spec says.
    static func ttl(of result: Value?) -> Duration {
        guard case .object(let object)? = result else { return .zero }
        switch object["ttlMs"] {
        case .int(let ms)?: return .milliseconds(max(0, ms))
        case .double(let ms)?: return ms > 0 && ms.isFinite ? .milliseconds(Int64(min(ms, 1e15))) : .zero
        default: return .zero
        }
    }

    /// The lists an acknowledgement's `notifications` filter names.
    static func kinds(in filter: Value?) -> Set<MCPListKind> {
        guard case .object(let object)? = filter else { return [] }
        var kinds: Set<MCPListKind> = []
        if object["toolsListChanged"] == .bool(true) { kinds.insert(.tools) }
        if object["promptsListChanged"] == .bool(true) { kinds.insert(.prompts) }
        if object["resourcesListChanged"] == .bool(true) { kinds.insert(.resources) }
        return kinds
    }
}
