import Foundation

/// The version `lmg` reports to servers (`clientInfo`) and in `--version`.
public enum LMGVersion {
    public static let current = "0.1.0"
}

/// The running program, so that `"command": "lmg"` in a config means this very binary: the
/// default configuration then works before anything is installed.
public enum SelfExecutable {
    /// The path of the running executable, from `/proc/self/exe`; nil where that cannot be read.
    public static var path: String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The command aliases a client needs for that: `lmg` → this binary.
    public static var aliases: [String: String] {
        path.map { ["lmg": $0] } ?? [:]
    }
}
