import CurlHTTP
import Foundation

/// `server.store: "postgres://user[:password]@host[:port]/database[?sslmode=…]"`: the PostgreSQL
/// database every replica of a gateway shares for the servers added over HTTP.
///
/// As libpq reads it: user, password and database percent-decoded; without a password in the URL,
/// `PGPASSWORD` gives it when the store opens. Never printable with its password.
public struct PostgresStoreURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// libpq's `sslmode` values lmg takes.
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP (loopback, or a network you trust).
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS or nothing, without checking the certificate (as libpq's `require`).
        case require
        /// TLS, the certificate checked against the system's roots and the host name.
        case verifyFull = "verify-full"
    }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode

    /// Whether `text` names a PostgreSQL store rather than a SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Reads the URL; the error says what is wrong (never the password).
    public init(parsing text: String) throws(PostgresStoreURLError) {
        guard let schemeEnd = text.range(of: "://"), Self.isPostgres(text) else {
            throw PostgresStoreURLError("must start with postgres:// or postgresql://")
        }
        var rest = Substring(text[schemeEnd.upperBound...])
        var query = ""
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: mark)...])
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw PostgresStoreURLError("names no database (…/DATABASE)") }
        let authority = rest[..<slash]
        guard let database = String(rest[rest.index(after: slash)...]).removingPercentEncoding, !database.isEmpty else {
            throw PostgresStoreURLError("names no database (…/DATABASE)")
        }
        guard let at = authority.lastIndex(of: "@") else { throw PostgresStoreURLError("names no user (postgres://USER@HOST/DATABASE)") }
        let userInfo = authority[..<at]
        var hostPort = authority[authority.index(after: at)...]
        let (userText, passwordText): (Substring, Substring?) = userInfo.firstIndex(of: ":").map {
            (userInfo[..<$0], userInfo[userInfo.index(after: $0)...])
        } ?? (userInfo, nil)
        guard let user = String(userText).removingPercentEncoding, !user.isEmpty else {
            throw PostgresStoreURLError("names no user (postgres://USER@HOST/DATABASE)")
        }
        port = 5432
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            hostPort = hostPort[hostPort.index(after: close)...]
            if hostPort.hasPrefix(":") { port = try Self.port(hostPort.dropFirst()) }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            port = try Self.port(hostPort[hostPort.index(after: colon)...])
        } else {
            host = String(hostPort)
        }
        guard !host.isEmpty else { throw PostgresStoreURLError("names no host") }
        (self.user, self.database) = (user, database)
        password = try passwordText.map { (text) throws(PostgresStoreURLError) in
            guard let decoded = String(text).removingPercentEncoding else { throw PostgresStoreURLError("has a password that is not percent-encoded right") }
            return decoded
        }.flatMap { $0.isEmpty ? nil : $0 }
        sslMode = .prefer
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.first == "sslmode" else {
                throw PostgresStoreURLError("has an unknown parameter '\(parts.first ?? "")' (lmg takes sslmode only)")
            }
            guard let mode = SSLMode(rawValue: parts.count > 1 ? parts[1] : "") else {
                throw PostgresStoreURLError("has sslmode '\(parts.count > 1 ? parts[1] : "")'; expected \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            sslMode = mode
        }
    }

    private static func port(_ text: Substring) throws(PostgresStoreURLError) -> Int {
        guard let port = Int(text), (1...65_535).contains(port) else { throw PostgresStoreURLError("has port '\(text)', not 1 to 65535") }
        return port
    }

    /// The URL without its password: for messages, status and logs.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)\(password == nil ? "" : ":\(Redaction.placeholder)")@\(shownHost):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }

    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["url": description], displayStyle: .struct) }
}

/// A `server.store` URL lmg cannot use: what is wrong with it.
public struct PostgresStoreURLError: Error, Sendable, Hashable, CustomStringConvertible {
    public let problem: String
    init(_ problem: String) { self.problem = problem }
    public var description: String { problem }
}
