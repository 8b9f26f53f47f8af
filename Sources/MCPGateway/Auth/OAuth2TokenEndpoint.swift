import CurlHTTP
import Foundation

/// One token request over our libcurl engine: builds the form, authenticates the client, reads the
/// answer into a token or an `OAuth2Error`.
///
/// Separate from the manager so the cache logic never sees HTTP, and the HTTP never sees the cache.
struct OAuth2TokenEndpoint: Sendable {
    let http: HTTPClient
    var timeouts = HTTPTimeouts(connect: HTTPTimeouts.connectCap, total: .seconds(30))

    /// A successful answer (RFC 6749 §5.1).
    struct Answer: Sendable, Equatable {
        var accessToken: String
        var refreshToken: String?
        var lifetime: Duration?
    }

    /// Asks for a token with `grant`; throws `OAuth2Error` only.
    func requestToken(_ credentials: OAuth2Credentials, grant: OAuth2TokenState.Grant) async throws(OAuth2Error) -> Answer {
        let request = Self.makeRequest(credentials, grant: grant, timeouts: timeouts)
        let response: HTTPResponse
        let body: Data
        do {
            response = try await http.execute(request)
            body = try await response.body.collect(upTo: 256 * 1024)
        } catch let error as HTTPClientError {
            throw OAuth2Error(
                .unreachable, server: credentials.server, endpoint: credentials.tokenURL,
                detail: "token request to \(credentials.tokenURL) failed: \(Self.reason(error))")
        } catch {
            throw OAuth2Error(
                .unreachable, server: credentials.server, endpoint: credentials.tokenURL,
                detail: "token request to \(credentials.tokenURL) failed: \(error)")
        }
        return try Self.parse(status: response.status, body: body, credentials: credentials)
    }

    /// The libcurl error without the URL (the caller's line already names it).
    static func reason(_ error: HTTPClientError) -> String {
        switch error.kind {
        case .timedOut: return "timed out"
        case .cancelled: return "cancelled"
        default: return error.message.isEmpty ? "\(error.kind)" : error.message
        }
    }

    /// The POST: form body, client authentication per `authMethod`, RFC 8707 `resource`.
    static func makeRequest(_ credentials: OAuth2Credentials, grant: OAuth2TokenState.Grant, timeouts: HTTPTimeouts) -> HTTPRequest {
        var form: [(String, String)] = []
        switch grant {
        case .clientCredentials:
            form.append(("grant_type", "client_credentials"))
            if !credentials.scopes.isEmpty { form.append(("scope", credentials.scopes.joined(separator: " "))) }
        case .refreshToken(let refreshToken):
            // Scope omitted: RFC 6749 §6 then grants the original scope.
            form.append(("grant_type", "refresh_token"))
            form.append(("refresh_token", refreshToken))
        }
        if let resource = credentials.resource { form.append(("resource", resource)) }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        headers.add(name: "Accept", value: "application/json")
        switch credentials.authMethod {
        case .clientSecretBasic:
            // RFC 6749 §2.3.1: each part form-encoded before joining, so a ':' in the id survives.
            let pair = formEncode(credentials.clientID) + ":" + formEncode(credentials.clientSecret)
            headers.add(name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString())
        case .clientSecretPost:
            form.append(("client_id", credentials.clientID))
            form.append(("client_secret", credentials.clientSecret))
        }
        let body = form.map { formEncode($0.0) + "=" + formEncode($0.1) }.joined(separator: "&")
        return HTTPRequest(method: "POST", url: credentials.tokenURL, headers: headers, body: Data(body.utf8), timeouts: timeouts)
    }

    /// `application/x-www-form-urlencoded` for one name or value.
    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        allowed = allowed.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text).replacingOccurrences(of: "%20", with: "+")
    }

    /// Reads the answer: a token on 200, else the OAuth `error` / `error_description` (RFC 6749 §5.2).
    static func parse(status: Int, body: Data, credentials: OAuth2Credentials) throws(OAuth2Error) -> Answer {
        let endpoint = credentials.tokenURL
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        if status == 200, let object, let accessToken = object["access_token"] as? String, !accessToken.isEmpty {
            if let type = object["token_type"] as? String, type.lowercased() != "bearer" {
                throw OAuth2Error(
                    .badResponse, server: credentials.server, endpoint: endpoint,
                    detail: "token request to \(endpoint) failed: unsupported token_type '\(String(type.prefix(40)))' (lmg sends Bearer tokens only)")
            }
            var lifetime: Duration?
            if let seconds = (object["expires_in"] as? NSNumber)?.doubleValue ?? (object["expires_in"] as? String).flatMap(Double.init),
               seconds.isFinite {
                lifetime = .milliseconds(Int64(max(0, seconds) * 1000))
            }
            let refresh = (object["refresh_token"] as? String).flatMap { $0.isEmpty ? nil : $0 }
            return Answer(accessToken: accessToken, refreshToken: refresh, lifetime: lifetime)
        }
        if let object, let code = object["error"] as? String {
            let description = (object["error_description"] as? String).map { redact($0, credentials) }
            throw OAuth2Error.tokenEndpoint(
                server: credentials.server, endpoint: endpoint, code: redact(code, credentials), description: description)
        }
        let what = status == 200 ? "a 200 answer without access_token" : "HTTP \(status) without an OAuth error"
        throw OAuth2Error(.badResponse, server: credentials.server, endpoint: endpoint, detail: "token request to \(endpoint) failed: \(what)")
    }

    /// A server that echoes the secret back in its error text must not get it into our logs.
    static func redact(_ text: String, _ credentials: OAuth2Credentials) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        let short = line.count > 200 ? String(line.prefix(200)) + "…" : line
        guard !credentials.clientSecret.isEmpty else { return short }
        return short.replacingOccurrences(of: credentials.clientSecret, with: "***")
    }
}
