/// Why a model request failed, in one line that names the endpoint and what to do about it.
/// Never carries the API key.
public struct ModelClientError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// 401/403: the key is missing, wrong or lacks access.
        case unauthorized
        /// 400/404/422: the endpoint rejected the request; its message says why.
        case rejected(status: Int)
        /// 429 after every retry.
        case rateLimited
        /// 5xx after every retry.
        case serverError(status: Int)
        /// Nothing reached the endpoint: refused, DNS, TLS.
        case unreachable
        case timedOut
        /// The answer was not Chat Completions JSON or SSE.
        case invalidResponse
        case cancelled
        /// No base URL configured.
        case notConfigured
    }

    public var kind: Kind
    /// The endpoint URL (never with credentials).
    public var url: String
    /// The endpoint's own message or the transport's reason.
    public var detail: String
    /// How long the endpoint asked to wait (`Retry-After` of a 429 or 5xx left unretried), so a
    /// gateway can pass it on.
    public var retryAfter: Duration?

    public init(_ kind: Kind, url: String, _ detail: String, retryAfter: Duration? = nil) {
        self.kind = kind
        self.url = url
        self.detail = detail
        self.retryAfter = retryAfter
    }

    public var description: String {
        switch kind {
        case .unauthorized:
            return "model endpoint \(url) refused the API key (\(detail)): check OPENAI_API_KEY or model.api_key"
        case .rejected(let status):
            return "model endpoint \(url) rejected the request (HTTP \(status)): \(detail)"
        case .rateLimited:
            return "model endpoint \(url) is rate limiting (HTTP 429) and retries ran out: \(detail)"
        case .serverError(let status):
            return "model endpoint \(url) failed (HTTP \(status)) and retries ran out: \(detail)"
        case .unreachable:
            return "cannot reach the model endpoint \(url) (\(detail)): start it or set OPENAI_BASE_URL / model.base_url"
        case .timedOut:
            return "model endpoint \(url) timed out: \(detail)"
        case .invalidResponse:
            return "model endpoint \(url) sent an answer that is not Chat Completions: \(detail)"
        case .cancelled:
            return "model request to \(url) was cancelled"
        case .notConfigured:
            return "no model endpoint configured: set OPENAI_BASE_URL or model.base_url in the config"
        }
    }
}
