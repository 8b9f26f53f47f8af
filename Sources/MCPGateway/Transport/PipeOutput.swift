import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What is still to be written to a child's stdin, as a value: the transport asks it what to do
/// and performs the writes, so the ordering rules are testable without a process.
///
/// Messages go out whole and in order. What the pipe cannot take now waits here and is written
/// when the event loop says the pipe is writable, so no thread ever blocks on a server that has
/// stopped reading its input.
struct PipeOutput {
    /// Bytes accepted but not yet written, oldest first.
    private(set) var pending: [UInt8] = []
    /// Set once a write failed: the child closed its stdin or exited.
    private(set) var broken = false
    /// Set by `close()`: the transport is ending and its descriptor about to be closed.
    private(set) var closed = false

    /// What the caller must do after offering bytes.
    enum Action: Equatable {
        /// Everything was written.
        case done
        /// Some bytes wait: watch the pipe for writability and call `flush`.
        case waitForWritable
        /// Nothing of this message was written and nothing will be: the pipe is closed.
        case failed
    }

    /// Writes `message` and a newline through `write`, or queues what does not fit.
    ///
    /// `write` is `write(2)`-shaped: bytes written, or -1 with `errno` set.
    mutating func send(_ message: UnsafeRawBufferPointer, write: (UnsafeRawBufferPointer) -> Int) -> Action {
        if broken { return .failed }
        guard pending.isEmpty else {
            pending.append(contentsOf: message)
            pending.append(UInt8(ascii: "\n"))
            return .waitForWritable
        }
        var line = [UInt8]()
        line.reserveCapacity(message.count + 1)
        line.append(contentsOf: message)
        line.append(UInt8(ascii: "\n"))
        let written = line.withUnsafeBytes { Self.writeAll($0, write) }
        guard let written else {
            broken = true
            return .failed
        }
        if written == line.count { return .done }
        pending = Array(line[written...])
        return .waitForWritable
    }

    /// Drops what is pending; later sends must not touch the descriptor, which is being closed.
    mutating func close() {
        closed = true
        pending.removeAll()
    }

    /// Writes what is pending; true when nothing is left (stop watching), also after a failure.
    mutating func flush(write: (UnsafeRawBufferPointer) -> Int) -> Bool {
        guard !pending.isEmpty, !broken, !closed else {
            pending.removeAll()
            return true
        }
        guard let written = pending.withUnsafeBytes({ Self.writeAll($0, write) }) else {
            broken = true
            pending.removeAll()
            return true
        }
        pending.removeFirst(written)
        return pending.isEmpty
    }

    /// Bytes written before the pipe was full; nil when it failed (EPIPE, EBADF…).
    private static func writeAll(_ bytes: UnsafeRawBufferPointer, _ write: (UnsafeRawBufferPointer) -> Int) -> Int? {
        var offset = 0
        while offset < bytes.count {
            let n = write(UnsafeRawBufferPointer(rebasing: bytes[offset...]))
            if n >= 0 {
                offset += n
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN: return offset
            default: return offset > 0 ? offset : nil
            }
        }
        return offset
    }
}
