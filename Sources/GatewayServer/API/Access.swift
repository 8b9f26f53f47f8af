import Foundation
import GatewayRuntime
import Locking

/// Who is calling, and what they may see and do: from the bearer key, or everyone (no keys
/// configured, which `lmg serve` allows on loopback only).
public struct Caller: Sendable, Equatable {
    /// The key's name for the access log; nil without keys.
    public let keyName: String?
    public let role: APIKey.Role
    let servers: Set<String>?
    let tools: [String]?

    /// No keys configured: every route, every server.
    static let anyone = Caller(keyName: nil, role: .admin, servers: nil, tools: nil)

    init(keyName: String?, role: APIKey.Role, servers: Set<String>?, tools: [String]?) {
        (self.keyName, self.role, self.servers, self.tools) = (keyName, role, servers, tools)
    }

    init(_ key: APIKey) {
        self.init(keyName: key.name, role: key.role, servers: key.servers.map(Set.init), tools: key.tools)
    }

    /// Whether this caller may see and use `server` at all.
    public func allows(server: String) -> Bool { servers?.contains(server) ?? true }

    /// Whether this caller may see and call `tool` of `server` (its globs match the tool's name
    /// or its qualified name).
    public func allows(server: String, tool: String, qualifiedName: String) -> Bool {
        guard allows(server: server) else { return false }
        guard let tools else { return true }
        return tools.contains { Glob.matches($0, tool) || Glob.matches($0, qualifiedName) }
    }
}

/// Finds the caller of a request by its bearer key, comparing keys in constant time.
struct Authenticator: Sendable {
    let keys: [APIKey]

    /// nil when the request has no known key; `.anyone` when no keys are configured.
    func caller(authorization: String?) -> Caller? {
        guard !keys.isEmpty else { return .anyone }
        guard let authorization, authorization.lowercased().hasPrefix("bearer ") else { return nil }
        let presented = Array(authorization.dropFirst(7).trimmingCharacters(in: .whitespaces).utf8)
        var found: APIKey?
        // Every key is compared, all the way: the time taken says nothing about which one matched.
        for key in keys where Self.constantTimeEquals(Array(key.key.utf8), presented) { found = key }
        return found.map(Caller.init)
    }

    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0 && a.count == b.count
    }
}

/// `*` (any run) and `?` (one character) over a whole name.
enum Glob {
    static func matches(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern), n = Array(name)
        var pi = 0, ni = 0, star = -1, mark = 0
        while ni < n.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == n[ni]) {
                pi += 1
                ni += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi
                mark = ni
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ni = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// A token bucket as a pure value: `burst` requests at once, refilled at `perSecond`.
struct TokenBucket: Sendable, Equatable {
    let limit: RateLimit
    private(set) var tokens: Double
    private(set) var updated: ContinuousClock.Instant

    init(limit: RateLimit, now: ContinuousClock.Instant) {
        self.limit = limit
        tokens = Double(limit.burst)
        updated = now
    }

    /// Takes one token: nil when the request may go, else how long until one is free.
    mutating func take(now: ContinuousClock.Instant) -> Duration? {
        let elapsed = now - updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(Double(limit.burst), tokens + seconds * limit.perSecond)
        updated = now
        guard tokens < 1 else {
            tokens -= 1
            return nil
        }
        return .seconds((1 - tokens) / limit.perSecond)
    }
}

/// One bucket per key name, under a lock.
final class RateLimiter: Sendable {
    let limit: RateLimit
    private let buckets = Locked<[String: TokenBucket]>([:])

    init(_ limit: RateLimit) { self.limit = limit }

    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        buckets.withLock { buckets in
            var bucket = buckets[key] ?? TokenBucket(limit: limit, now: now)
            defer { buckets[key] = bucket }
            return bucket.take(now: now)
        }
    }
}
