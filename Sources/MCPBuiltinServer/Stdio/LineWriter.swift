import Foundation
import Locking
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes whole messages, each followed by a newline, straight to a file descriptor.
///
/// One `writev(2)` per message under a lock: replies from the reader thread and from tool
/// tasks never interleave, and nothing sits in a userspace buffer waiting for a flush.
final class LineWriter: Sendable {
    private let fd: Int32
    /// Set once a write fails (the peer closed its end); later writes are dropped.
    private let broken = Locked(false)

    init(fd: Int32) {
        self.fd = fd
    }

    /// Whether a write has failed, so the peer can no longer hear us.
    var isBroken: Bool { broken.withLock { $0 } }

    func write(_ message: Data) {
        broken.withLock { broken in
            guard !broken else { return }
            let ok = message.withUnsafeBytes { Self.writeLine(fd, $0) }
            if !ok { broken = true }
        }
    }

    /// `bytes` then `\n`, retrying short writes, EINTR and EAGAIN; false when the fd is unusable.
    static func writeLine(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var newline = UInt8(ascii: "\n")
        return withUnsafeMutablePointer(to: &newline) { newlinePointer in
            let total = bytes.count + 1
            var offset = 0
            while offset < total {
                let n: Int
                if offset < bytes.count, let base = bytes.baseAddress {
                    n = withUnsafeTemporaryAllocation(of: iovec.self, capacity: 2) { vectors in
                        vectors[0] = iovec(iov_base: UnsafeMutableRawPointer(mutating: base + offset), iov_len: bytes.count - offset)
                        vectors[1] = iovec(iov_base: UnsafeMutableRawPointer(newlinePointer), iov_len: 1)
                        return writev(fd, vectors.baseAddress, 2)
                    }
                } else {
                    n = systemWrite(fd, newlinePointer, 1)
                }
                if n < 0 {
                    switch errno {
                    case EINTR: continue
                    case EAGAIN:
                        var waiting = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                        _ = poll(&waiting, 1, -1)
                        continue
                    default: return false
                    }
                }
                offset += n
            }
            return true
        }
    }
}

/// `write(2)`, named apart from `LineWriter.write`.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, buffer, count)
    #else
    Darwin.write(fd, buffer, count)
    #endif
}
