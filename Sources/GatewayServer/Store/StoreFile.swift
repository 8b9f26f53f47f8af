import Foundation

/// The store's file, made private before SQLite opens it: its directory created 0700, the file
/// created 0600 (SQLite gives its `-wal` file the same mode), and an existing file that others
/// may read or write refused rather than fixed — it may have been read already, which is the
/// operator's to look into.
enum StoreFile {
    /// `path` made absolute against the working directory (what SQLite would use).
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Creates the directory and the file when missing, and checks what exists; every failure
    /// names `path` and says what to do.
    static func prepare(_ path: String) throws(ServerStoreError) {
        func failure(_ reason: String) -> ServerStoreError { ServerStoreError(location: path, reason: reason) }
        let directory = (path as NSString).deletingLastPathComponent
        try makeDirectory(directory, for: path)
        var info = stat()
        if stat(path, &info) != 0 {
            guard errno == ENOENT else { throw failure("cannot be read: \(String(cString: strerror(errno)))") }
            let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw failure("cannot be created: \(String(cString: strerror(errno)))") }
            close(fd)
            return
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw failure("is not a regular file") }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw failure("others may read or write it (mode \(String(mode, radix: 8))), and it holds credentials: check who read it, then chmod 600 \(path)")
        }
    }

    /// Creates `directory` and its missing parents with mode 0700.
    static func makeDirectory(_ directory: String, for path: String) throws(ServerStoreError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ServerStoreError(location: path, reason: "\(directory) is not a directory")
            }
            return
        }
        let parent = (directory as NSString).deletingLastPathComponent
        if parent != directory, !parent.isEmpty { try makeDirectory(parent, for: path) }
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
            throw ServerStoreError(location: path, reason: "its directory \(directory) cannot be created: \(String(cString: strerror(errno)))")
        }
    }
}
