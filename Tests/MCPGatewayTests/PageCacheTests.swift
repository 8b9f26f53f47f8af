import Foundation
import MCP
@testable import MCPGateway
import Testing

/// 2026-07-28 list pages without a server: each kept for its own `ttlMs`.
@Suite("Page cache")
struct PageCacheTests {
    @Test func pagesLiveForTheirOwnTimeAndAListChangeDropsTheKind() {
        var cache = PageCache()
        let now = ContinuousClock.now
        cache.store("tools/list", cursor: nil, result: ["tools": []], ttl: .seconds(60), now: now)
        cache.store("tools/list", cursor: "p2", result: ["tools": []], ttl: .milliseconds(300), now: now)
        cache.store("prompts/list", cursor: nil, result: ["prompts": []], ttl: .seconds(60), now: now)
        cache.store("resources/list", cursor: nil, result: ["resources": []], ttl: .zero, now: now)
        #expect(cache.page("tools/list", cursor: "p2", now: now + .milliseconds(100))?.remaining == .milliseconds(200))
        #expect(cache.page("tools/list", cursor: "p2", now: now + .milliseconds(300)) == nil)
        #expect(cache.page("tools/list", cursor: nil, now: now + .seconds(1)) != nil)
        #expect(cache.page("resources/list", cursor: nil, now: now) == nil, "a ttl of 0 is not kept")
        cache.drop(PageCache.method(of: .tools))
        #expect(cache.page("tools/list", cursor: nil, now: now) == nil)
        #expect(cache.page("prompts/list", cursor: nil, now: now) != nil)
    }
}
