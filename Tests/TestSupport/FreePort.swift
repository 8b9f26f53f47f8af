import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP port on 127.0.0.1 that was free a moment ago: for a server that must come back on the
/// same port after it was stopped (the OS would pick another for port 0).
public func freeLoopbackPort() throws -> Int {
    let (fd, port) = try loopbackSocket(listening: false)
    close(fd)
    return port
}

/// A loopback socket that listens and never accepts: the kernel completes connections to it, and
/// nothing ever answers (a hung server). Close the descriptor when done.
public func silentLoopbackListener() throws -> (fd: Int32, port: Int) {
    try loopbackSocket(listening: true)
}

/// A TCP socket bound to 127.0.0.1 and a port the OS chose, listening when asked; its descriptor and port.
private func loopbackSocket(listening: Bool) throws -> (fd: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw FixtureError("socket() failed") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
            bind(fd, pointer, length) == 0 && (!listening || listen(fd, 16) == 0) && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else {
        close(fd)
        throw FixtureError(listening ? "could not listen on a loopback port" : "could not bind a loopback port")
    }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}
