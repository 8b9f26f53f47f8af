import CurlHTTP
import Foundation
import JSONRPC

/// What the two HTTP transports share: request building, error mapping, message splitting.
struct HTTPTransportSupport: Sendable {
    let server: String
    let headers: [HeaderConfig]
    /// `forward_headers`: copied from ``ForwardedHeaders/current`` onto each message sent.
    var forwardHeaders: [String] = []
    let authorizer: (any RequestAuthorizer)?
    let http: HTTPClient
    let timeouts: HTTPTimeouts

    /// Static headers, then the caller's forwarded ones (`forwarding`: messages sent for a caller,
    /// not the event streams), then Authorization from the authorizer (a header of that name loses).
    func headers(accept: String, extra: [(String, String)] = [], url: String, forwarding: Bool = false) async throws -> HTTPHeaders {
        var result = HTTPHeaders()
        for header in self.headers { result.add(name: header.key, value: header.value) }
        if forwarding {
            for (name, value) in ForwardedHeaders.selected(forwardHeaders) { result.replaceOrAdd(name: name, value: value) }
        }
        result.replaceOrAdd(name: "Accept", value: accept)
        for (name, value) in extra { result.replaceOrAdd(name: name, value: value) }
        if let authorizer {
            do {
                if let value = try await authorizer.authorization(for: url) {
                    result.replaceOrAdd(name: "Authorization", value: value)
                }
            } catch let error as TransportError {
                throw error
            } catch {
                throw TransportError(.unauthorized, server: server, "could not obtain credentials: \(error)", requestWasNotSent: true)
            }
        }
        return result
    }

    /// Runs `request`; on 401 asks the authorizer to refresh and tries exactly once more.
    func execute(_ makeRequest: () async throws -> HTTPRequest) async throws -> HTTPResponse {
        var retried = false
        while true {
            let request = try await makeRequest()
            let response: HTTPResponse
            do {
                response = try await http.execute(request)
            } catch let error as HTTPClientError {
                throw map(error)
            }
            if response.status == 401, !retried, let authorizer {
                let challenge = response.headers["WWW-Authenticate"]
                if await authorizer.invalidate(challenge: challenge, rejected: request.headers["Authorization"]) {
                    retried = true
                    continue
                }
            }
            if response.status == 403, !retried, let authorizer, let challenge = response.headers["WWW-Authenticate"],
               BearerChallenge(header: challenge)?.error == "insufficient_scope", await authorizer.stepUp(challenge: challenge) {
                retried = true
                continue
            }
            return response
        }
    }

    func map(_ error: HTTPClientError) -> TransportError {
        switch error.kind {
        case .cancelled:
            return TransportError(.closed, server: server, "request cancelled")
        case .timedOut:
            return TransportError(.timedOut, server: server, error.description, requestWasNotSent: error.requestWasNotSent)
        default:
            return TransportError(.connectFailed, server: server, error.description, requestWasNotSent: error.requestWasNotSent)
        }
    }

    /// A one-line error for an unexpected status, quoting a short text body or an HTML title.
    func statusError(_ response: HTTPResponse, url: String, body collected: Data? = nil) async -> TransportError {
        var body = collected ?? Data()
        if collected == nil { body = (try? await response.body.collect(upTo: 64 * 1024)) ?? Data() }
        var detail = ""
        let type = response.headers["Content-Type"]?.lowercased() ?? ""
        let text = String(decoding: body.prefix(4096), as: UTF8.self)
        if type.contains("html") || text.lowercased().contains("<html") {
            if let start = text.range(of: "<title>", options: .caseInsensitive),
               let end = text.range(of: "</title>", options: .caseInsensitive, range: start.upperBound..<text.endIndex) {
                detail = ": " + text[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
            } else {
                detail = " (an HTML page)"
            }
        } else if let error = try? JSONRPCMessage(body), case .errorResponse(_, let object) = error.kind {
            detail = ": \(object.message)"
        } else {
            let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            if !line.isEmpty { detail = ": " + (line.count > 160 ? String(line.prefix(160)) + "…" : line) }
        }
        let kind: TransportError.Kind = (response.status == 401 || response.status == 403) ? .unauthorized : .httpStatus(response.status)
        let hint = kind == .unauthorized ? " (check the server's token or OAuth2 settings)" : ""
        return TransportError(kind, server: server, "HTTP \(response.status) from \(url)\(detail)\(hint)")
    }

    /// Delivers a JSON body: one message, or each element of a batch.
    func deliver(json body: Data, to handlers: TransportHandlers) throws {
        try handlers.deliver(json: body, server: server)
    }

    /// True when `data` is the response (or error) for `id`; cheap enough for every SSE event.
    static func isResponse(_ data: Data, to id: JSONRPCID) -> Bool {
        guard let message = try? JSONRPCMessage(data) else { return false }
        switch message.kind {
        case .response(let responseID): return responseID == id
        case .errorResponse(let responseID, _): return responseID == id
        default: return false
        }
    }
}
