/// Why a request failed below HTTP: one line naming the URL, and whether anything was sent.
public struct HTTPClientError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        case invalidURL, couldNotResolveHost, couldNotConnect, tlsFailure
        case timedOut(TimeoutKind)
        case cancelled, transferFailed, bodyTooLarge, shutdown
    }

    public enum TimeoutKind: Sendable, Equatable {
        case connect, total, idle
    }

    public let kind: Kind
    public let url: String
    /// libcurl's own words, when it had any.
    public let message: String
    public let curlCode: Int32?

    public init(kind: Kind, url: String, message: String, curlCode: Int32? = nil) {
        self.kind = kind
        self.url = url
        self.message = message
        self.curlCode = curlCode
    }

    /// True when no request byte can have reached the server: retrying cannot repeat a side effect.
    public var requestWasNotSent: Bool {
        switch kind {
        case .invalidURL, .couldNotResolveHost, .couldNotConnect, .tlsFailure, .timedOut(.connect): return true
        default: return false
        }
    }

    public var description: String {
        let what: String
        switch kind {
        case .invalidURL: what = "invalid URL"
        case .couldNotResolveHost: what = "could not resolve the host of"
        case .couldNotConnect: what = "could not connect to"
        case .tlsFailure: what = "TLS failed with"
        case .timedOut(.connect): what = "timed out connecting to"
        case .timedOut(.total): what = "timed out waiting for"
        case .timedOut(.idle): what = "no data for too long from"
        case .cancelled: what = "cancelled request to"
        case .transferFailed: what = "transfer failed with"
        case .bodyTooLarge: what = "response too large from"
        case .shutdown: what = "HTTP client shut down before answering"
        }
        return message.isEmpty ? "\(what) \(url)" : "\(what) \(url): \(message)"
    }
}
