import CurlHTTP
import Foundation

/// Finds a token endpoint from the MCP server alone, as the MCP authorization spec describes:
/// the 401's `resource_metadata` (or the RFC 9728 well-known URL), then the authorization
/// server's RFC 8414 metadata (or OpenID Connect discovery).
///
/// Lets a config name just the server URL and client credentials; the server tells the rest.
struct OAuth2Discovery: Sendable {
    let http: HTTPClient
    var timeouts = HTTPTimeouts(connect: HTTPTimeouts.connectCap, total: .seconds(15))

    /// The token endpoint for the MCP server at `resource`, given the 401's `WWW-Authenticate` value.
    func tokenEndpoint(server: String, resource: String, challenge: String?) async throws(OAuth2Error) -> String {
        try await authorizationServer(server: server, resource: resource, challenge: challenge).tokenEndpoint
    }

    /// Everything the two documents say about signing in to the MCP server at `resource`.
    func authorizationServer(server: String, resource: String, challenge: String?) async throws(OAuth2Error) -> AuthorizationServerMetadata {
        var candidates: [String] = []
        if let metadata = BearerChallenge(header: challenge)?.resourceMetadata, !metadata.isEmpty {
            candidates.append(metadata)
        }
        candidates += Self.wellKnown("oauth-protected-resource", for: resource)
        let (prmURL, prm) = try await firstDocument(candidates, server: server, what: "protected resource metadata") { object in
            guard Self.covers(advertised: object["resource"] as? String, resource: resource) else { return nil }
            return ((object["authorization_servers"] as? [Any])?.first as? String).map { _ in object }
        }
        guard let issuer = (prm["authorization_servers"] as? [Any])?.first as? String else {
            throw OAuth2Error(.discoveryFailed, server: server, endpoint: prmURL, detail: "OAuth discovery failed: \(prmURL) names no authorization_servers")
        }
        let asCandidates = Self.wellKnown("oauth-authorization-server", for: issuer, rootFallback: false)
            + Self.wellKnown("openid-configuration", for: issuer, rootFallback: false)
            + Self.appended("openid-configuration", to: issuer)
        let (_, metadata) = try await firstDocument(asCandidates, server: server, what: "authorization server metadata for \(issuer)") { object in
            (object["token_endpoint"] as? String).map { _ in object }
        }
        return AuthorizationServerMetadata(authorizationServer: metadata, resourceMetadata: prm, fallbackIssuer: issuer)!
    }

    /// RFC 9728 §3.3: metadata about another resource must not send our credentials elsewhere.
    /// Accepts the server's own URL or a prefix of it (an origin-wide resource), trailing slashes aside.
    static func covers(advertised: String?, resource: String) -> Bool {
        guard let advertised else { return true }
        func trimmed(_ text: String) -> String {
            var text = text.lowercased()
            while text.hasSuffix("/") { text.removeLast() }
            return text
        }
        let mine = trimmed(resource)
        let theirs = trimmed(advertised)
        return mine == theirs || mine.hasPrefix(theirs + "/")
    }

    /// RFC 9728 §3.1 / RFC 8414 §3.1: the well-known segment goes between the host and the path;
    /// with `rootFallback`, the path-less URL is tried too (the MCP spec's fallback).
    static func wellKnown(_ name: String, for url: String, rootFallback: Bool = true) -> [String] {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, let host = parts.host else { return [] }
        let origin = "\(scheme)://\(host)" + (parts.port.map { ":\($0)" } ?? "")
        var path = parts.path
        while path.hasSuffix("/") { path.removeLast() }
        var result = ["\(origin)/.well-known/\(name)\(path)"]
        if !path.isEmpty && rootFallback { result.append("\(origin)/.well-known/\(name)") }
        return result
    }

    /// OpenID Connect's own rule: `issuer/.well-known/openid-configuration`, for issuers with a path.
    static func appended(_ name: String, to issuer: String) -> [String] {
        guard let parts = URLComponents(string: issuer), !parts.path.isEmpty, parts.path != "/" else { return [] }
        var base = issuer
        while base.hasSuffix("/") { base.removeLast() }
        return ["\(base)/.well-known/\(name)"]
    }

    /// GETs each URL in turn; the first JSON object `accept` takes wins.
    private func firstDocument(
        _ urls: [String], server: String, what: String, accept: ([String: Any]) -> [String: Any]?
    ) async throws(OAuth2Error) -> (String, [String: Any]) {
        var tried: [String] = []
        for url in urls {
            var headers = HTTPHeaders()
            headers.add(name: "Accept", value: "application/json")
            headers.add(name: "MCP-Protocol-Version", value: MCPClient.supportedProtocolVersions[0])
            do {
                let response = try await http.execute(HTTPRequest(url: url, headers: headers, timeouts: timeouts))
                let body = try await response.body.collect(upTo: 256 * 1024)
                if response.status == 200, let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
                   let accepted = accept(object) {
                    return (url, accepted)
                }
                tried.append("\(url) (HTTP \(response.status))")
            } catch let error as HTTPClientError {
                tried.append("\(url) (\(OAuth2TokenEndpoint.reason(error)))")
            } catch {
                tried.append("\(url) (\(error))")
            }
        }
        throw OAuth2Error(
            .discoveryFailed, server: server, endpoint: urls.last ?? "",
            detail: "OAuth discovery found no \(what); tried \(tried.joined(separator: ", "))")
    }
}
