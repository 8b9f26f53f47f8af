import Foundation

/// Turns a host name into the addresses a connection would use. Injected, so the address
/// check is tested with names that resolve wherever a test says, and no packet ever leaves.
public protocol HostResolver: Sendable {
    func addresses(of host: String) async throws -> [String]
}

/// The system's resolver (`getaddrinfo`).
public struct SystemResolver: HostResolver {
    public init() {}

    public func addresses(of host: String) async throws -> [String] {
        try await Task.detached {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, nil, &hints, &list)
            guard status == 0, let first = list else { throw APIError.badRequest("the host '\(host)' does not resolve") }
            defer { freeaddrinfo(list) }
            var found: [String] = []
            var node: UnsafeMutablePointer<addrinfo>? = first
            while let current = node {
                var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                    found.append(String(cString: buffer))
                }
                node = current.pointee.ai_next
            }
            return found
        }.value
    }
}

/// Which URLs a server added over HTTP may use: the allowed hosts when configured, and never
/// a link-local or cloud-metadata address (169.254.0.0/16, fe80::/10, fd00:ec2::254) unless
/// its host is listed — checked on every address the host resolves to, before any connect.
struct AddressPolicy: Sendable {
    let allowedHosts: [String]?
    let resolver: any HostResolver

    func check(_ url: String) async throws {
        guard let host = URL(string: url)?.host?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")) else {
            throw APIError.badRequest("field 'url': \"\(url)\" has no host")
        }
        let listed = allowedHosts?.contains(host) ?? false
        if let allowedHosts, !listed {
            throw APIError(status: 403, code: "forbidden", message: "host '\(host)' is not in server.allowed_url_hosts (\(allowedHosts.joined(separator: ", ")))")
        }
        guard !listed else { return }
        for address in try await resolver.addresses(of: host) where Self.isLinkLocalOrMetadata(address) {
            throw APIError(status: 403, code: "forbidden", message: "host '\(host)' resolves to \(address), a link-local or metadata address; list the host in server.allowed_url_hosts to allow it")
        }
    }

    static func isLinkLocalOrMetadata(_ address: String) -> Bool {
        let lower = address.lowercased()
        if lower.hasPrefix("169.254.") { return true }
        if lower.hasPrefix("::ffff:169.254.") { return true }
        if lower == "fd00:ec2::254" { return true }
        // fe80::/10: fe80 through febf.
        if let head = lower.split(separator: ":").first, head.count == 4, let value = UInt16(head, radix: 16) {
            return value & 0xffc0 == 0xfe80
        }
        return false
    }
}
