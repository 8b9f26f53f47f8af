import Foundation
import ModelClient

/// A failure on the OpenAI-compatible routes, in OpenAI's shape
/// (`{"error": {"message", "type", "param", "code"}}`), so SDKs raise their usual exceptions.
/// Upstream failures name the model entry, never its URL or key: an upstream 401 means the
/// gateway's own credential is wrong, and is a 502, not the caller's 401.
struct OpenAIError: Error, Sendable, Equatable {
    var status: Int
    /// `invalid_request_error`, `authentication_error`, `permission_error`, `rate_limit_error`, `api_error`.
    var type: String
    var code: String?
    /// The request member at fault, e.g. `messages[2].role`.
    var param: String?
    var message: String
    /// Seconds, for 429 and 503.
    var retryAfter: Int?

    static func invalidRequest(_ message: String, param: String?, code: String? = nil) -> OpenAIError {
        OpenAIError(status: 400, type: "invalid_request_error", code: code, param: param, message: message)
    }

    static func modelNotFound(_ name: String, known: [String]) -> OpenAIError {
        OpenAIError(
            status: 404, type: "invalid_request_error", code: "model_not_found", param: "model",
            message: "the model '\(name)' does not exist on this gateway (models: \(known.joined(separator: ", ")))")
    }

    /// The OpenAI type for a status.
    static func type(for status: Int) -> String {
        switch status {
        case 401: "authentication_error"
        case 403: "permission_error"
        case 429: "rate_limit_error"
        case 400..<500: "invalid_request_error"
        default: "api_error"
        }
    }

    /// A gateway error (keys, rate limit, routing, servers) in OpenAI's shape.
    init(_ error: APIError, param: String? = nil) {
        let code: String = switch error.code {
        case "unauthorized": "invalid_api_key"
        case "rate_limited": "rate_limit_exceeded"
        default: error.code
        }
        self.init(status: error.status, type: Self.type(for: error.status), code: code, param: param, message: error.message, retryAfter: error.retryAfter)
    }

    init(status: Int, type: String, code: String?, param: String?, message: String, retryAfter: Int? = nil) {
        (self.status, self.type, self.code, self.param, self.message, self.retryAfter) = (status, type, code, param, message, retryAfter)
    }

    /// What the loop threw, for the caller: the model's failures by kind, anything else as the
    /// gateway's usual status.
    init(turnFailure error: any Error, model name: String) {
        guard let error = error as? ModelClientError else {
            if let error = error as? OpenAIError {
                self = error
            } else if error is CancellationError {
                self.init(status: 503, type: "api_error", code: "cancelled", param: nil, message: "the request was cancelled")
            } else {
                self.init(APIError(error))
            }
            return
        }
        let upstream = "the upstream of model '\(name)'"
        switch error.kind {
        case .unauthorized:
            // Its message may quote part of our key: left out.
            self.init(
                status: 502, type: "api_error", code: "upstream_unauthorized", param: nil,
                message: "\(upstream) refused the gateway's API key; the gateway's configuration (models.\(name).api_key or model.api_key) must be fixed, your key is fine")
        case .rateLimited:
            self.init(
                status: 429, type: "rate_limit_error", code: "rate_limit_exceeded", param: nil,
                message: "\(upstream) is rate limiting: \(error.detail)",
                retryAfter: error.retryAfter.map(APIError.seconds) ?? 1)
        case .rejected(let status) where [400, 413, 422].contains(status):
            self.init(
                status: 400, type: "invalid_request_error", code: "upstream_rejected", param: nil,
                message: "\(upstream) rejected the request (HTTP \(status)): \(error.detail)")
        case .rejected(let status), .serverError(let status):
            self.init(
                status: 502, type: "api_error", code: "upstream_error", param: nil,
                message: "\(upstream) failed (HTTP \(status)): \(error.detail)")
        case .timedOut:
            self.init(status: 504, type: "api_error", code: "upstream_timeout", param: nil, message: "\(upstream) did not answer in time")
        case .unreachable:
            self.init(status: 502, type: "api_error", code: "upstream_unreachable", param: nil, message: "\(upstream) is unreachable: \(error.detail)")
        case .invalidResponse:
            self.init(status: 502, type: "api_error", code: "upstream_invalid_response", param: nil, message: "\(upstream) sent an answer that is not Chat Completions: \(error.detail)")
        case .cancelled:
            self.init(status: 503, type: "api_error", code: "cancelled", param: nil, message: "the request was cancelled")
        case .notConfigured:
            self.init(status: 502, type: "api_error", code: "upstream_not_configured", param: nil, message: "model '\(name)' has no base_url in the gateway's configuration")
        }
    }

    /// The error object, for a body or a stream event.
    var object: JSONValue {
        .object([
            "error": .object([
                "message": .string(message), "type": .string(type),
                "param": param.map(JSONValue.string) ?? .null, "code": code.map(JSONValue.string) ?? .null,
            ]),
        ])
    }

    var response: APIResponse {
        var response = APIResponse.json(object, status: status)
        if let retryAfter { response.headers["Retry-After"] = String(retryAfter) }
        return response
    }

    /// Whether `path` is one of the OpenAI-compatible routes, whose errors take this shape.
    static func isOpenAIPath(_ path: String) -> Bool { path == "/v1" || path.hasPrefix("/v1/") }

    /// A gateway-envelope error (`{"error": {"code", "message"}}`: keys, rate limit, unknown
    /// route) re-rendered in OpenAI's shape; every other response as it is.
    static func reshaped(_ response: APIResponse) -> APIResponse {
        guard response.status >= 400, response.stream == nil,
              let body = try? JSONDecoder().decode([String: [String: JSONValue]].self, from: response.body),
              let error = body["error"], error["type"] == nil,
              case .string(let code)? = error["code"], case .string(let message)? = error["message"]
        else { return response }
        var reshaped = OpenAIError(APIError(status: response.status, code: code, message: message)).response
        reshaped.headers = response.headers.merging(reshaped.headers) { $1 }
        reshaped.keyName = response.keyName
        reshaped.route = response.route
        return reshaped
    }
}
