#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a path could not be served; every case names the path the caller gave.
public enum FileAccessError: Error, Equatable, CustomStringConvertible {
    /// The path resolves (after `..` and symlinks) to somewhere outside the root.
    case outsideRoot(path: String, root: String)
    /// Nothing exists at a path inside the root.
    case notFound(path: String)
    /// A directory, FIFO, device or socket where a file was expected.
    case notAFile(path: String)
    /// A file where a directory was expected.
    case notADirectory(path: String)
    /// The file has NUL bytes or is not UTF-8: the text tools do not serve it.
    case binary(path: String)
    /// Bigger than what the caller may read in one piece (`resources/read`).
    case tooLarge(path: String, size: Int, limit: Int)
    /// An empty path or one with a NUL character.
    case invalidPath(path: String)
    /// The system refused (permissions, I/O error); `reason` is its message.
    case unreadable(path: String, reason: String)
    /// The configured root itself is unusable.
    case invalidRoot(path: String, reason: String)

    /// One line naming the path, for tool errors and JSON-RPC error messages.
    public var description: String {
        switch self {
        case .outsideRoot(let path, let root): "'\(path)' is outside the server root \(root)"
        case .notFound(let path): "'\(path)' does not exist"
        case .notAFile(let path): "'\(path)' is not a regular file"
        case .notADirectory(let path): "'\(path)' is not a directory"
        case .binary(let path): "'\(path)' is a binary file (not UTF-8 text)"
        case .tooLarge(let path, let size, let limit): "'\(path)' is \(size) bytes, more than the \(limit)-byte limit"
        case .invalidPath(let path): "'\(path)' is not a valid path"
        case .unreadable(let path, let reason): "cannot read '\(path)': \(reason)"
        case .invalidRoot(let path, let reason): "server root '\(path)' is unusable: \(reason)"
        }
    }

    /// The error for a failed system call on `path`, from `errno`.
    static func fromErrno(_ code: Int32, path: String) -> FileAccessError {
        switch code {
        case ENOENT: .notFound(path: path)
        case ENOTDIR: .notFound(path: path)
        case ELOOP: .unreadable(path: path, reason: "too many symbolic links")
        default: .unreadable(path: path, reason: String(cString: strerror(code)))
        }
    }
}
