import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one directory the server may read, and the checks that keep every read inside it.
///
/// A path is judged by where `realpath(3)` says it leads (so `..` and symlinks pointing out
/// are refused, and a symlinked spelling of the root is accepted); a path that does not
/// resolve is judged lexically, so "missing" is only ever said of paths inside the root.
/// Files are opened `O_NOFOLLOW | O_NONBLOCK` and checked with `fstat` to be regular files,
/// so a FIFO or device never blocks a reader.
public struct FileRoot: Sendable, Hashable {
    /// The root's canonical path: absolute, no symlinks, no trailing slash (except `/`).
    public let path: String

    /// Fails when `directory` does not exist or is not a directory.
    public init(_ directory: String) throws(FileAccessError) {
        guard !directory.isEmpty, !directory.contains("\0") else {
            throw .invalidRoot(path: directory, reason: "empty or contains a NUL character")
        }
        let absolute = directory.hasPrefix("/")
            ? directory : FileManager.default.currentDirectoryPath + "/" + directory
        guard let real = Self.realPath(absolute) else {
            throw .invalidRoot(path: directory, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        guard stat(real, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .invalidRoot(path: directory, reason: "not a directory")
        }
        path = real
    }

    /// The canonical path `userPath` names, if it is inside the root and exists.
    ///
    /// A relative path is relative to the root; an absolute one must lie under it.
    public func resolve(_ userPath: String) throws(FileAccessError) -> String {
        guard !userPath.isEmpty, !userPath.contains("\0") else { throw .invalidPath(path: userPath) }
        let joined = userPath.hasPrefix("/") ? userPath : path + "/" + userPath
        if let real = Self.realPath(joined) {
            guard contains(real) else { throw .outsideRoot(path: userPath, root: path) }
            return real
        }
        let code = errno
        // Whatever is missing or forbidden outside the root is "outside", never "missing":
        // the answer must not tell what exists there.
        guard contains(Self.normalize(joined)) else { throw .outsideRoot(path: userPath, root: path) }
        throw .fromErrno(code, path: userPath)
    }

    /// Whether a canonical path is the root or below it.
    public func contains(_ canonical: String) -> Bool {
        if path == "/" { return canonical.hasPrefix("/") }
        return canonical == path || canonical.hasPrefix(path + "/")
    }

    /// `canonical` relative to the root (`.` for the root), for messages and listings.
    public func relative(_ canonical: String) -> String {
        if canonical == path { return "." }
        let prefix = path == "/" ? "/" : path + "/"
        return canonical.hasPrefix(prefix) ? String(canonical.dropFirst(prefix.count)) : canonical
    }

    /// Reads at most `limit` bytes of a regular file inside the root.
    func readBytes(_ userPath: String, limit: Int) throws(FileAccessError) -> FileBytes {
        let real = try resolve(userPath)
        let fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { throw .fromErrno(errno, path: userPath) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .fromErrno(errno, path: userPath) }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw .notAFile(path: userPath) }
        let size = Int(info.st_size)
        // One byte past the limit tells a file that grew since fstat from one that fits.
        let capacity = min(size, limit) + 1
        var bytes = [UInt8](repeating: 0, count: capacity)
        var count = 0
        while count < capacity {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, capacity - count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .fromErrno(errno, path: userPath)
            }
            if n == 0 { break }
            count += n
        }
        let truncated = count > limit
        bytes.removeLast(capacity - min(count, limit))
        return FileBytes(canonicalPath: real, bytes: bytes, size: max(size, count), truncated: truncated)
    }

    /// Reads a text file inside the root: refuses binary files, cuts at `limit` bytes.
    func readText(_ userPath: String, limit: Int) throws(FileAccessError) -> TextFile {
        let file = try readBytes(userPath, limit: limit)
        guard let text = Self.decodeText(file.bytes, truncated: file.truncated) else {
            throw .binary(path: userPath)
        }
        return TextFile(canonicalPath: file.canonicalPath, text: text, size: file.size, truncated: file.truncated)
    }

    /// The entries of a directory inside the root, sorted by name.
    func list(_ userPath: String) throws(FileAccessError) -> [DirectoryEntry] {
        let real = try resolve(userPath)
        var info = stat()
        guard stat(real, &info) == 0 else { throw .fromErrno(errno, path: userPath) }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw .notADirectory(path: userPath) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: real)
        } catch {
            throw .unreadable(path: userPath, reason: error.localizedDescription)
        }
        return names.sorted().map { name in
            var entry = stat()
            guard lstat(real + "/" + name, &entry) == 0 else { return DirectoryEntry(name: name, kind: .other, size: nil) }
            switch entry.st_mode & S_IFMT {
            case S_IFREG: return DirectoryEntry(name: name, kind: .file, size: Int(entry.st_size))
            case S_IFDIR: return DirectoryEntry(name: name, kind: .directory, size: nil)
            case S_IFLNK: return DirectoryEntry(name: name, kind: .symlink, size: nil)
            default: return DirectoryEntry(name: name, kind: .other, size: nil)
            }
        }
    }

    /// UTF-8 text without NUL bytes, or nil; a cut file may end inside a character, which is dropped.
    static func decodeText(_ bytes: [UInt8], truncated: Bool) -> String? {
        guard !bytes.contains(0) else { return nil }
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        guard truncated else { return nil }
        for drop in 1...3 where bytes.count >= drop {
            if let text = String(validating: bytes.dropLast(drop), as: UTF8.self) { return text }
        }
        return nil
    }

    /// Removes `.`, `..` and repeated slashes without touching the file system.
    static func normalize(_ absolute: String) -> String {
        var parts: [Substring] = []
        for part in absolute.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// Bytes read from a file under the root.
struct FileBytes: Sendable {
    let canonicalPath: String
    let bytes: [UInt8]
    /// The file's size on disk, which exceeds `bytes.count` when cut.
    let size: Int
    let truncated: Bool
}

/// A text file under the root, possibly cut at the read limit.
struct TextFile: Sendable {
    let canonicalPath: String
    let text: String
    let size: Int
    let truncated: Bool
}

/// One name in a directory listing.
struct DirectoryEntry: Sendable, Hashable {
    enum Kind: String, Sendable { case file, directory, symlink, other }
    let name: String
    let kind: Kind
    /// Bytes, for regular files only.
    let size: Int?
}
