import Foundation

/// The version `lmg` reports to servers (`clientInfo`) and in `--version`.
public enum LMGVersion {
    public static let current = "0.1.0"
}

/// The running program, so that `"command": "lmg"` in a config means the `lmg` that is running
/// (or, from a sibling program such as `lmg-bench`, the `lmg` beside it): the default
/// configuration then works before anything is installed.
public enum SelfExecutable {
    /// The path of the running executable, from `/proc/self/exe`; nil where that cannot be read.
    public static var path: String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The command aliases a client needs for that: `lmg` → this binary, whatever its file is
    /// called (a versioned install, a renamed build); from `lmg-bench`, the `lmg` beside it
    /// (else `lmg` is looked up in PATH as usual).
    public static var aliases: [String: String] {
        guard let path else { return [:] }
        return lmg(runningAt: path).map { ["lmg": $0] } ?? [:]
    }

    /// The sibling programs that are not `lmg` themselves.
    static let siblings: Set<String> = ["lmg-bench"]

    /// Which `lmg` a program at `path` means.
    static func lmg(runningAt path: String) -> String? {
        let url = URL(fileURLWithPath: path)
        guard siblings.contains(url.lastPathComponent) else { return path }
        let sibling = url.deletingLastPathComponent().appendingPathComponent("lmg").path
        return FileManager.default.isExecutableFile(atPath: sibling) ? sibling : nil
    }
}
