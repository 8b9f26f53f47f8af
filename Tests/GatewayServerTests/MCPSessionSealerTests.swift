import Foundation
import GatewayRuntime
import MCPGateway
import Testing
@testable import GatewayServer

/// Sealed `/mcp` session ids as values: what one replica seals another with the same key opens,
/// and nothing else opens — no server, no port.
@Suite("Gateway /mcp: sealed sessions")
struct MCPSessionSealerTests {
    static let key = Data((0..<32).map { UInt8($0) })
    static let otherKey = Data((0..<32).map { UInt8(255 - $0) })

    static func state(key: String? = "root", at date: Date = Date()) -> MCPSessionState {
        MCPSessionState(protocolVersion: "2025-06-18", clientName: "t", clientVersion: "1", capabilities: [.elicitation, .roots], keyName: key, issuedAt: date)
    }

    @Test func anIdOpensOnlyWithTheKeyThatSealedItAndOnlyWhole() throws {
        let sealer = try MCPSessionSealer(key: Self.key)
        let state = Self.state(at: Date(timeIntervalSince1970: 1_800_000_000))
        let id = sealer.seal(state)
        #expect(id.hasPrefix("1.") && id.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) }, "visible ASCII: \(id)")
        #expect(sealer.seal(state) != id, "a fresh nonce every time")
        let now = state.issuedAt.addingTimeInterval(60)
        #expect(try MCPSessionSealer(key: Self.key).open(id, now: now) == state, "another replica, same key")
        #expect(try MCPSessionSealer(key: Self.otherKey).open(id, now: now) == nil)
        // Any change to the id is refused: every character position, and a cut.
        let characters = Array(id)
        for index in stride(from: 2, to: characters.count, by: 7) {
            var changed = characters
            changed[index] = changed[index] == "A" ? "B" : "A"
            #expect(sealer.open(String(changed), now: now) == nil, "changed at \(index)")
        }
        #expect(sealer.open(String(id.dropLast(4)), now: now) == nil)
        #expect(sealer.open("0123456789abcdef0123456789abcdef", now: now) == nil, "a random id of an unsealed replica")
        #expect(sealer.open("1.", now: now) == nil && sealer.open("1.!!!", now: now) == nil)
    }

    @Test func anIdLivesForTheLifetimeAndRotationKeepsTheOldKeysIds() throws {
        let issued = Date(timeIntervalSince1970: 1_800_000_000)
        let old = try MCPSessionSealer(key: Self.otherKey, lifetime: .seconds(3600))
        let id = old.seal(Self.state(at: issued))
        #expect(old.open(id, now: issued.addingTimeInterval(3599)) != nil)
        #expect(old.open(id, now: issued.addingTimeInterval(3601)) == nil, "past its lifetime")
        #expect(old.open(id, now: issued.addingTimeInterval(-3600)) == nil, "from the future, past any clock skew")
        let rotated = try MCPSessionSealer(key: Self.key, previousKey: Self.otherKey, lifetime: .seconds(3600))
        #expect(rotated.open(id, now: issued.addingTimeInterval(10)) != nil, "the previous key still opens its ids")
        let new = rotated.seal(Self.state(at: issued))
        let current = try MCPSessionSealer(key: Self.key)
        #expect(old.open(new, now: issued) == nil && current.open(new, now: issued) != nil, "new ids use the current key")
    }

    @Test func keysComeFromTheEnvironmentAndABadOneSaysWhichAndNeverShowsIt() throws {
        #expect(try MCPSessionSealer(environment: [:]) == nil)
        #expect(try MCPSessionSealer(environment: ["LMG_SESSION_KEY": ""]) == nil)
        let encoded = Self.key.base64EncodedString()
        let sealer = try #require(try MCPSessionSealer(environment: ["LMG_SESSION_KEY": encoded + "\n"]))
        for text in [String(describing: sealer), String(reflecting: sealer), "\(Mirror(reflecting: sealer).children.map { "\($0.value)" })"] {
            #expect(!text.contains(encoded) && !text.contains("000102"), "\(text)")
        }
        let short = Data(repeating: 7, count: 16).base64EncodedString()
        let cases: [([String: String], String, String)] = [
            (["LMG_SESSION_KEY": "not base64 at all!"], "LMG_SESSION_KEY", "is not base64"),
            (["LMG_SESSION_KEY": short], "LMG_SESSION_KEY", "holds 16 bytes, not 32"),
            (["LMG_SESSION_KEY": encoded, "LMG_SESSION_KEY_PREVIOUS": short], "LMG_SESSION_KEY_PREVIOUS", "holds 16 bytes"),
            (["LMG_SESSION_KEY_PREVIOUS": encoded], "LMG_SESSION_KEY_PREVIOUS", "is set without LMG_SESSION_KEY"),
        ]
        for (environment, variable, problem) in cases {
            let error = #expect(throws: MCPSessionKeyError.self) { _ = try MCPSessionSealer(environment: environment) }
            #expect(error?.variable == variable && error?.description.contains(problem) == true, "\(String(describing: error))")
            for value in environment.values { #expect(error?.description.contains(value) == false) }
        }
    }

    @Test func aReplicaResumesAnotherReplicasSessionButNotAnotherKeysNorOneEndedHere() throws {
        let a = MCPSessionTable(sealer: try MCPSessionSealer(key: Self.key))
        let b = MCPSessionTable(sealer: try MCPSessionSealer(key: Self.key))
        let opened = try #require(a.open(Self.state()))
        #expect(b.session(opened.id, keyName: "other") == nil && b.count == 0, "another API key's id takes no place")
        let resumed = try #require(b.session(opened.id, keyName: "root"))
        #expect(resumed.state == opened.state && resumed.id == opened.id && b.count == 1)
        #expect(b.session(opened.id, keyName: "root") === resumed, "resumed once, then held")
        #expect(b.close(opened.id))
        #expect(b.session(opened.id, keyName: "root") == nil, "ended here: not resumed here again")
        #expect(a.session(opened.id, keyName: "root") === opened, "the replica that holds it is not told")
        let unsealed = MCPSessionTable()
        #expect(unsealed.session(opened.id, keyName: "root") == nil, "a replica without the key")
        #expect(MCPSessionTable(sealer: try MCPSessionSealer(key: Self.otherKey)).session(opened.id, keyName: "root") == nil)
    }

    @Test func theLifetimeComesFromTheServerSection() throws {
        let loader = ConfigLoader(environment: [:])
        #expect(try loader.parse(Data(#"{"server": {"session_lifetime": 7200}}"#.utf8), file: "s.json").server.sessionLifetime == .seconds(7200))
        #expect(try loader.parse(Data(#"{}"#.utf8), file: "s.json").server.sessionLifetime == .seconds(86_400))
        let error = #expect(throws: ConfigError.self) { try loader.parse(Data(#"{"server": {"session_lifetime": 30}}"#.utf8), file: "s.json") }
        #expect("\(String(describing: error))".contains("server.session_lifetime"), "\(String(describing: error))")
    }
}
