import Crypto
import Foundation

/// Seals a `/mcp` session's state into its `Mcp-Session-Id`, so any replica that shares the key
/// can resume the session without a shared session table.
///
/// The id is `1.` and the base64url of AES-256-GCM over the state's JSON (nonce, ciphertext and
/// tag), so it is visible ASCII as the spec requires, and a replica can neither read nor forge
/// another key's ids. The AES key is derived (HKDF-SHA256) from the configured secret, keeping
/// the secret itself for nothing else. Rotation: seal with the current key, open with it or the
/// previous one. A sealed id cannot be revoked everywhere, so it lives at most `lifetime`.
public struct MCPSessionSealer: Sendable, CustomStringConvertible, CustomReflectable {
    /// Where the keys come from.
    public static let keyVariable = "LMG_SESSION_KEY"
    /// The key being rotated out: ids it sealed still open until they expire.
    public static let previousKeyVariable = "LMG_SESSION_KEY_PREVIOUS"

    private let current: SymmetricKey
    private let previous: SymmetricKey?
    /// How long after `initialize` a sealed id is accepted.
    public let lifetime: Duration

    private static let prefix = "1."
    private static let context = Data("lmg /mcp session v1".utf8)

    /// `key` and `previousKey`: the secrets as configured (32 bytes each).
    public init(key: Data, previousKey: Data? = nil, lifetime: Duration = .seconds(86_400)) throws(MCPSessionKeyError) {
        current = try Self.derive(key, variable: Self.keyVariable)
        previous = try previousKey.map { (key) throws(MCPSessionKeyError) in try Self.derive(key, variable: Self.previousKeyVariable) }
        self.lifetime = lifetime
    }

    /// From `LMG_SESSION_KEY` (and `LMG_SESSION_KEY_PREVIOUS`), each the base64 of 32 bytes;
    /// nil when `LMG_SESSION_KEY` is unset or empty (sessions stay on the replica that opened them).
    public init?(environment: [String: String], lifetime: Duration = .seconds(86_400)) throws(MCPSessionKeyError) {
        guard let key = try Self.read(Self.keyVariable, environment) else {
            if environment[Self.previousKeyVariable]?.isEmpty == false {
                throw MCPSessionKeyError(variable: Self.previousKeyVariable, problem: "is set without \(Self.keyVariable)")
            }
            return nil
        }
        try self.init(key: key, previousKey: try Self.read(Self.previousKeyVariable, environment), lifetime: lifetime)
    }

    /// The session id that carries `state`.
    public func seal(_ state: MCPSessionState) -> String {
        // Encoding this plain struct and sealing with a fresh random nonce cannot fail.
        let plain = (try? JSONEncoder().encode(state)) ?? Data()
        let box = try? AES.GCM.seal(plain, using: current, authenticating: Self.context)
        return Self.prefix + Self.base64URL(box?.combined ?? Data())
    }

    /// The state `id` carries, when one of the keys sealed it and it has not expired; nil for
    /// anything else (a random id, a forged or truncated one, another deployment's).
    public func open(_ id: String, now: Date = Date()) -> MCPSessionState? {
        guard id.hasPrefix(Self.prefix), id.utf8.count < 4096, let combined = Self.data(base64URL: String(id.dropFirst(Self.prefix.count))),
              let box = try? AES.GCM.SealedBox(combined: combined)
        else { return nil }
        for key in [current] + (previous.map { [$0] } ?? []) {
            guard let plain = try? AES.GCM.open(box, using: key, authenticating: Self.context) else { continue }
            guard let state = try? JSONDecoder().decode(MCPSessionState.self, from: plain) else { return nil }
            let age = now.timeIntervalSince(state.issuedAt)
            let limit = Double(lifetime.components.seconds)
            // A little skew between replicas' clocks is tolerated; ids from the future are not.
            return age <= limit && age >= -300 ? state : nil
        }
        return nil
    }

    public var description: String { "MCPSessionSealer(keys: \(previous == nil ? 1 : 2), lifetime: \(lifetime))" }
    public var customMirror: Mirror { Mirror(self, children: ["description": description]) }

    private static func read(_ variable: String, _ environment: [String: String]) throws(MCPSessionKeyError) -> Data? {
        guard let text = environment[variable], !text.isEmpty else { return nil }
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw MCPSessionKeyError(variable: variable, problem: "is not base64")
        }
        return data
    }

    private static func derive(_ secret: Data, variable: String) throws(MCPSessionKeyError) -> SymmetricKey {
        guard secret.count == 32 else {
            throw MCPSessionKeyError(variable: variable, problem: "holds \(secret.count) bytes, not 32")
        }
        return HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: secret), info: context, outputByteCount: 32)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}

/// A session key that cannot be used: which variable, and what is wrong with it (never its value).
public struct MCPSessionKeyError: Error, CustomStringConvertible, Equatable {
    public let variable: String
    public let problem: String

    public var description: String {
        "\(variable) \(problem): it must be the base64 of 32 random bytes, the same on every replica (openssl rand -base64 32)"
    }
}
