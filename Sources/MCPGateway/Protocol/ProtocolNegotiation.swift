/// Choosing a server's protocol revision, as a value that returns what to do next: the
/// 2026-07-28 fallback rules without any I/O, so every branch is testable.
///
/// A modern server (2026-07-28 and later) has no handshake: every request carries its version,
/// and `server/discover` says what the server speaks. A legacy server (2024-11-05 … 2025-11-25)
/// wants `initialize`. The client probes with `server/discover`; a recognised modern error
/// (-32022) means "modern, but another version"; any other error, a legacy HTTP status or no
/// answer means legacy.
public struct ProtocolNegotiation: Sendable, Equatable {
    /// Revisions without sessions, newest first.
    public static let modernVersions = ["2026-07-28"]
    /// Revisions negotiated by `initialize`, newest first.
    public static let legacyVersions = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"]

    /// What the config asks for (`protocol_version`).
    public enum Preference: Sendable, Hashable {
        /// Probe, and fall back to `initialize` (the default).
        case auto
        /// One revision only; a server without it is an error.
        case only(String)
    }

    /// The next step.
    public enum Action: Sendable, Equatable {
        /// Send `server/discover` declaring this version.
        case discover(String)
        /// Send `initialize` offering this version.
        case initialize(String)
        /// Done: every request declares this version in its `_meta`.
        case modern(String)
        /// The server and lmg share no revision (or the configured one): the reason, for the user.
        case fail(String)
    }

    /// What a probe came back with.
    public enum Outcome: Sendable, Equatable {
        /// A `server/discover` result listing these versions.
        case discovered([String])
        /// -32022: the server is modern and speaks these versions.
        case unsupportedVersion([String])
        /// Anything else: another error, a legacy HTTP status, no answer in time.
        case notModern(String)
    }

    public let preference: Preference
    private var asked: [String] = []
    /// True once `initialize` was sent: a -32022 to it means a probe that timed out here
    /// reached a slow-starting server after all and made it modern; one re-probe follows.
    private var initialized = false
    private var reprobed = false

    public init(preference: Preference = .auto) {
        self.preference = preference
    }

    /// The first step.
    public mutating func start() -> Action {
        switch preference {
        case .auto:
            return ask(Self.modernVersions[0])
        case .only(let version):
            if Self.legacyVersions.contains(version) {
                initialized = true
                return .initialize(version)
            }
            return ask(version)
        }
    }

    /// The step after a probe's `outcome`.
    public mutating func next(after outcome: Outcome) -> Action {
        switch outcome {
        case .discovered(let supported):
            if let last = asked.last, supported.contains(last) || supported.isEmpty { return .modern(last) }
            return choose(from: supported, retryingDiscover: false)
        case .unsupportedVersion(let supported) where initialized:
            guard !reprobed, let version = wanted.first(where: supported.contains) else {
                return .fail("the server refused initialize and speaks MCP \(supported.joined(separator: ", "))")
            }
            reprobed = true
            asked.append(version)
            return .discover(version)
        case .unsupportedVersion(let supported):
            return choose(from: supported, retryingDiscover: true)
        case .notModern(let why):
            switch preference {
            case .auto: return legacy()
            case .only(let version): return .fail("the server does not speak MCP \(version) (\(why))")
            }
        }
    }

    private mutating func ask(_ version: String) -> Action {
        asked.append(version)
        return .discover(version)
    }

    /// The modern versions the client would accept.
    private var wanted: [String] {
        switch preference {
        case .auto: return Self.modernVersions
        case .only(let version): return [version]
        }
    }

    private mutating func legacy() -> Action {
        initialized = true
        return .initialize(Self.legacyVersions[0])
    }

    private mutating func choose(from supported: [String], retryingDiscover: Bool) -> Action {
        if let version = wanted.first(where: { supported.contains($0) && !asked.contains($0) }) {
            if retryingDiscover { return ask(version) }
            asked.append(version)
            return .modern(version)
        }
        if preference == .auto, supported.contains(where: Self.legacyVersions.contains) {
            return legacy()
        }
        let theirs = supported.isEmpty ? "no version it names" : supported.joined(separator: ", ")
        let ours = preference == .auto ? (Self.modernVersions + Self.legacyVersions).joined(separator: ", ") : wanted.joined(separator: ", ")
        return .fail("the server speaks MCP \(theirs); lmg speaks \(ours)")
    }
}
