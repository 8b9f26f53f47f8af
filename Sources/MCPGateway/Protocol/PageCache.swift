import Foundation
import MCP

/// A 2026-07-28 server's list pages, each kept for its own `ttlMs`.
///
/// A list is only as fresh as its shortest-lived page, but when it goes stale only the pages
/// whose time ran out are asked again: a long list whose last page changes often costs one
/// request, not one per page. Pages are keyed by method and cursor, so a first page that comes
/// back with a new `nextCursor` leads to pages fetched anew. A `list_changed` drops the kind's
/// pages; an explicit refresh bypasses them.
struct PageCache: Sendable {
    private struct Key: Hashable {
        let method: String
        let cursor: String?
    }

    private struct Entry {
        let result: Value
        let expiry: ContinuousClock.Instant
    }

    private var pages: [Key: Entry] = [:]

    /// The page `cursor` of `method` (nil: the first) and the time it has left, while it lasts.
    func page(_ method: String, cursor: String?, now: ContinuousClock.Instant = .now) -> (result: Value, remaining: Duration)? {
        guard let entry = pages[Key(method: method, cursor: cursor)], now < entry.expiry else { return nil }
        return (entry.result, entry.expiry - now)
    }

    /// Keeps a page that may be served for `ttl`; a page with no time to live is not kept.
    mutating func store(_ method: String, cursor: String?, result: Value, ttl: Duration, now: ContinuousClock.Instant = .now) {
        let key = Key(method: method, cursor: cursor)
        guard ttl > .zero else {
            pages[key] = nil
            return
        }
        pages[key] = Entry(result: result, expiry: now + ttl)
    }

    /// Forgets every page of `method` (its list changed).
    mutating func drop(_ method: String) {
        pages = pages.filter { $0.key.method != method }
    }

    /// The list method of `kind`.
    static func method(of kind: MCPListKind) -> String {
        switch kind {
        case .tools: "tools/list"
        case .resources: "resources/list"
        case .prompts: "prompts/list"
        }
    }
}
