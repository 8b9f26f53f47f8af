import Foundation

/// Splits a byte stream into newline-delimited messages (the MCP stdio framing).
///
/// A pure value: feed it whatever `read(2)` returned, get the complete lines back. A trailing
/// `\r` is dropped so CRLF peers work too; empty lines are skipped.
public struct LineFramer: Sendable {
    private var pending: [UInt8] = []
    /// A line longer than this is an error rather than unbounded memory growth.
    public let maxLineLength: Int

    public init(maxLineLength: Int = 64 << 20) {
        self.maxLineLength = maxLineLength
    }

    /// Thrown when a peer sends more than `maxLineLength` bytes without a newline.
    public struct LineTooLong: Error, CustomStringConvertible {
        public let limit: Int
        public var description: String { "a message line exceeded \(limit) bytes" }
    }

    /// Appends `bytes` and returns every line they completed.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) throws -> [Data] {
        var lines: [Data] = []
        var start = 0
        for i in 0..<bytes.count where bytes[i] == UInt8(ascii: "\n") {
            var line = Data()
            if !pending.isEmpty {
                line.append(contentsOf: pending)
                pending.removeAll(keepingCapacity: true)
            }
            line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
            start = i + 1
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if !line.isEmpty { lines.append(line) }
        }
        if start < bytes.count {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...]))
            if pending.count > maxLineLength { throw LineTooLong(limit: maxLineLength) }
        }
        return lines
    }

    /// Convenience for tests and for callers holding `Data`.
    public mutating func append(_ data: Data) throws -> [Data] {
        try data.withUnsafeBytes { try append($0) }
    }

    /// The unterminated rest, returned at end of input (a peer may omit the final newline).
    public mutating func finish() -> Data? {
        defer { pending.removeAll() }
        var rest = pending
        if rest.last == UInt8(ascii: "\r") { rest.removeLast() }
        return rest.isEmpty ? nil : Data(rest)
    }
}
