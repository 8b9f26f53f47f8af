import Foundation
import GatewayRuntime
import MCPGateway

/// Every failure as `{"error": {"code", "message"}}` with the status that says whose it is:
/// 4xx the caller's, 502/503/504 the upstream server's. Messages are the libraries' one-line
/// errors, which never carry a secret.
public struct APIError: Error, Sendable, Equatable {
    public var status: Int
    /// A stable word for programs: `bad_request`, `not_found`, `upstream_timeout`, …
    public var code: String
    /// One line for people, naming what is wrong and where.
    public var message: String
    /// Seconds, for 429 and 503.
    public var retryAfter: Int?

    public init(status: Int, code: String, message: String, retryAfter: Int? = nil) {
        (self.status, self.code, self.message, self.retryAfter) = (status, code, message, retryAfter)
    }

    static func badRequest(_ message: String) -> APIError { APIError(status: 400, code: "bad_request", message: message) }
    static func notFound(_ message: String) -> APIError { APIError(status: 404, code: "not_found", message: message) }

    /// The status of any error the runtime's libraries throw.
    init(_ error: any Error) {
        let line = FailureCategory.message(of: error)
        switch error {
        case let error as APIError:
            self = error
        case let error as MCPManagerError:
            switch error {
            case .unknownServer, .unknownTool, .toolHidden:
                self.init(status: 404, code: "not_found", message: line)
            case .circuitOpen(_, let retryAfter, _), .restartBackoff(_, let retryAfter, _):
                self.init(status: 503, code: "unavailable", message: line, retryAfter: Self.seconds(retryAfter))
            case .disabled, .shutDown:
                self.init(status: 503, code: "unavailable", message: line)
            }
        case let error as MCPClientError:
            switch error.kind {
            case .timedOut: self.init(status: 504, code: "upstream_timeout", message: line)
            case .server(let code) where code == -32602 || code == -32601 || error.isResourceNotFound:
                // The server says the request is wrong: unknown resource, prompt or argument.
                self.init(status: 404, code: "not_found", message: line)
            default: self.init(status: 502, code: "upstream_failure", message: line)
            }
        case is ToolArgumentError, is ToolInputError:
            self.init(status: 422, code: "invalid_arguments", message: line)
        default:
            switch FailureCategory(of: error) {
            case .usage: self.init(status: 400, code: "bad_request", message: line)
            case .interrupted: self.init(status: 503, code: "unavailable", message: "the gateway is shutting down")
            default: self.init(status: 502, code: "upstream_failure", message: line)
            }
        }
    }

    static func seconds(_ duration: Duration) -> Int {
        max(1, Int((Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18).rounded(.up)))
    }

    private struct Envelope: Encodable {
        struct Body: Encodable {
            let code: String
            let message: String
        }
        let error: Body
    }

    /// The response for this error.
    public var response: APIResponse {
        var response = APIResponse.json(Envelope(error: .init(code: code, message: message)), status: status)
        if let retryAfter { response.headers["Retry-After"] = String(retryAfter) }
        return response
    }
}
