import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// lmg's sign-ins and registrations in one JSON file, `$XDG_STATE_HOME/lmg/oauth.json`
/// (`~/.local/state/lmg/oauth.json`), readable by its owner only.
///
/// Every change is a read-modify-write under an exclusive `flock`, written to a 0600 temporary
/// file and renamed over the old one, so two lmg processes (a chat and a `lmg run`) never lose
/// each other's refreshed tokens and a crash never leaves half a file. A file whose mode lets
/// anyone else read it is refused, not silently fixed: someone may already have read it.
public struct FileSignInStore: SignInStore {
    public let path: String

    public init(path: String = FileSignInStore.defaultPath()) {
        self.path = path
    }

    /// `$XDG_STATE_HOME/lmg/oauth.json`, else `~/.local/state/lmg/oauth.json`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return state + "/lmg/oauth.json"
    }

    struct Contents: Codable {
        var version = 1
        var signIns: [SignInRecord] = []
        var registrations: [ClientRegistration] = []

        enum CodingKeys: String, CodingKey {
            case version, signIns = "sign_ins", registrations
        }
    }

    public func signIn(resource: String, clientID: String?) throws(SignInError) -> SignInRecord? {
        try read().signIns.first { $0.resource == resource && (clientID == nil || $0.clientID == clientID) }
    }

    public func signIns() throws(SignInError) -> [SignInRecord] { try read().signIns }

    public func save(_ record: SignInRecord) throws(SignInError) {
        try update { contents in
            contents.signIns.removeAll { $0.resource == record.resource }
            contents.signIns.append(record)
            contents.signIns.sort { $0.resource < $1.resource }
        }
    }

    public func removeSignIn(resource: String) throws(SignInError) -> Bool {
        var removed = false
        try update { contents in
            removed = contents.signIns.contains { $0.resource == resource }
            contents.signIns.removeAll { $0.resource == resource }
        }
        return removed
    }

    public func registration(issuer: String) throws(SignInError) -> ClientRegistration? {
        try read().registrations.first { $0.issuer == issuer }
    }

    public func save(_ registration: ClientRegistration) throws(SignInError) {
        try update { contents in
            contents.registrations.removeAll { $0.issuer == registration.issuer }
            contents.registrations.append(registration)
        }
    }

    // MARK: - The file

    private func read() throws(SignInError) -> Contents {
        try locked(exclusive: false) { () throws(SignInError) in try load() }
    }

    private func update(_ change: (inout Contents) -> Void) throws(SignInError) {
        try locked(exclusive: true) { () throws(SignInError) in
            var contents = try load()
            change(&contents)
            try write(contents)
        }
    }

    private func fail(_ text: String) -> SignInError { SignInError(.store, server: nil, "\(path): \(text)") }

    /// The contents, after checking the file is a regular file of ours that nobody else can read.
    private func load() throws(SignInError) -> Contents {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return Contents() }
            throw fail("cannot be read: \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw fail("is not a regular file") }
        guard info.st_uid == geteuid() else { throw fail("belongs to another user; tokens are kept only in a file of your own") }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw fail("is readable by others (mode \(String(mode, radix: 8))): its tokens may have been seen; run `chmod 600 \(path)` if it was never shared, else delete it and sign in again")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot be read") }
        do {
            return try Self.decoder.decode(Contents.self, from: data)
        } catch {
            throw fail("is not a token file lmg wrote (\(Self.reason(error))); move it away and sign in again")
        }
    }

    /// Writes a 0600 temporary file beside the real one, syncs it, renames it over.
    private func write(_ contents: Contents) throws(SignInError) {
        let data: Data
        do { data = try Self.encoder.encode(contents) } catch { throw fail("could not be encoded") }
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw fail("cannot be written: \(String(cString: strerror(errno)))") }
        fchmod(fd, 0o600)
        let written = data.withUnsafeBytes { buffer in Glibc.write(fd, buffer.baseAddress, buffer.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == data.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw fail("cannot be written: \(String(cString: strerror(errno)))")
        }
    }

    /// Runs `body` holding `flock` on a lock file beside the store (created 0600, the folder 0700).
    private func locked<T>(exclusive: Bool, _ body: () throws(SignInError) -> T) throws(SignInError) -> T {
        let folder = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw fail("its folder cannot be created (\(Self.reason(error)))")
            }
        }
        let fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw fail("its lock file cannot be opened: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0 {
            guard errno == EINTR else { throw fail("cannot be locked: \(String(cString: strerror(errno)))") }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// A decoding error in a few words, never the file's contents.
    static func reason(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted = error { return "not JSON" }
        if case DecodingError.keyNotFound(let key, _) = error { return "no \(key.stringValue)" }
        if case DecodingError.typeMismatch(_, let context) = error {
            return "unexpected value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        }
        return (error as NSError).localizedDescription
    }
}
