import Crypto
import Foundation

/// A PKCE pair (RFC 7636) with the S256 method, the only one lmg sends: a fresh verifier per
/// sign-in, and its challenge for the authorization request.
///
/// Never printable: the verifier is what turns a stolen code into a token.
public struct PKCE: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// 43 characters of base64url from 32 random bytes (RFC 7636 §4.1).
    public let verifier: String
    /// BASE64URL(SHA256(verifier)), sent as `code_challenge`.
    public let challenge: String
    /// Always `S256`.
    public static let method = "S256"

    /// A pair from the system's secure random source.
    public init() {
        self.init(verifier: Self.randomToken(bytes: 32))
    }

    /// The pair of a given verifier (tests check RFC 7636's own example).
    public init(verifier: String) {
        self.verifier = verifier
        self.challenge = Self.base64URL(Data(SHA256.hash(data: Data(verifier.utf8))))
    }

    /// Unguessable URL-safe text for `state` and verifiers; `SystemRandomNumberGenerator` reads
    /// the kernel's CSPRNG (getrandom) on Linux.
    public static func randomToken(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return base64URL(Data((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }))
    }

    /// Base64url without padding (RFC 7636 Appendix A).
    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public var description: String { "PKCE(S256, verifier: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["method": Self.method], displayStyle: .struct) }
}
