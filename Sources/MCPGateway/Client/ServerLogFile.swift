import Foundation
import MCP
import Locking

/// A server's `<name>.log`: a stdio server's stderr goes there, and so do the log messages any
/// server sends (`notifications/message`), one line each, so one file tells what a server said.
final class ServerLogFile: Sendable {
    /// The file for `server` under `directory`; the name keeps letters, digits, `-` and `_`.
    static func path(directory: String, server: String) -> String {
        directory + "/" + String(server.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }) + ".log"
    }

    /// Whether a message's level is `wanted` or more severe (an unknown level is let through).
    static func isAtLeast(_ params: Value, _ wanted: String) -> Bool {
        guard case .object(let message) = params, let level = message["level"]?.stringValue,
              let have = MCPLogLevel.names.firstIndex(of: level), let floor = MCPLogLevel.names.firstIndex(of: wanted)
        else { return true }
        return have >= floor
    }

    private let path: String
    private let handle = Locked<FileHandle?>(nil)

    init(directory: String, server: String) {
        path = Self.path(directory: directory, server: server)
    }

    /// Appends `2026-07-28T12:00:00Z [warning] logger: data` for a message's params.
    func append(_ params: Value) {
        guard case .object(let message) = params else { return }
        let level = message["level"]?.stringValue ?? "info"
        let logger = message["logger"]?.stringValue.map { $0 + ": " } ?? ""
        let data: String
        switch message["data"] {
        case .string(let text)?: data = text
        case let other?: data = ContentRenderer.json(other)
        case nil: data = ""
        }
        let line = "\(Date().formatted(.iso8601)) [\(level)] \(logger)\(data)\n"
        handle.withLock { handle in
            if handle == nil {
                let directory = (path as NSString).deletingLastPathComponent
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
                handle = FileHandle(forWritingAtPath: path)
                _ = try? handle?.seekToEnd()
            }
            handle?.write(Data(line.utf8))
        }
    }
}
