import CurlHTTP
import Foundation

/// The device authorization grant (RFC 8628), for a machine whose browser cannot reach a
/// loopback redirect (a server over SSH, a container): lmg shows a code and a URL, the person
/// enters the code on any device, and lmg polls the token endpoint until they have.
extension SignInFlow {
    /// What the person is shown: where to go and the code to enter there.
    public struct DeviceCode: Sendable, CustomStringConvertible {
        public var userCode: String
        public var verificationURI: String
        /// The URI with the code filled in, when the server offers one.
        public var verificationURIComplete: String?
        public var expiresIn: Duration

        public var description: String { "enter the code \(userCode) at \(verificationURI)" }
    }

    /// Signs in with the device grant; `show` is called once with the code to enter.
    public func runDevice(show: @escaping @Sendable (DeviceCode) async -> Void) async throws(SignInError) -> SignInRecord {
        let (resource, metadata, scopes, registered) = try await prepare()
        guard let endpoint = metadata.deviceAuthorizationEndpoint,
              (metadata.grantTypesSupported ?? [Self.deviceGrant]).contains(Self.deviceGrant)
        else {
            throw SignInError(.unsupportedServer, server: server,
                              "its authorization server \(metadata.issuer) offers no device sign-in (RFC 8628); run `lmg login \(server)` without --device")
        }
        // A registration names a redirect URI even for the device grant: one serves both sign-ins.
        let listener = try LoopbackRedirectListener(preferredPort: registered.flatMap { URLComponents(string: $0.redirectURI)?.port })
        listener.stop()
        let client = try await client(metadata, registered: registered, listener: listener)
        let endpoints = SignInEndpoints(http: http)
        let authorization = try await endpoints.authorizeDevice(at: endpoint, client: client, scopes: scopes, resource: resource, server: server)
        await show(authorization.code)
        let tokens = try await endpoints.pollDevice(authorization, tokenEndpoint: metadata.tokenEndpoint, client: client, resource: resource, server: server)
        return try await save(tokens, resource: resource, metadata: metadata, client: client, scopes: scopes)
    }

    static let deviceGrant = "urn:ietf:params:oauth:grant-type:device_code"
}

extension SignInEndpoints {
    /// A device authorization in progress.
    struct DeviceAuthorization: Sendable {
        var code: SignInFlow.DeviceCode
        /// Never shown: with it anyone could collect the tokens.
        var deviceCode: String
        var interval: Duration
        var expiresAt: ContinuousClock.Instant
    }

    func authorizeDevice(
        at endpoint: String, client: Client, scopes: [String], resource: String, server: String
    ) async throws(SignInError) -> DeviceAuthorization {
        var fields = [("resource", resource)]
        if !scopes.isEmpty { fields.append(("scope", scopes.joined(separator: " "))) }
        let request = Self.form(fields, url: endpoint, client: client, timeouts: timeouts)
        let (status, object) = try await send(request, what: "device authorization at \(endpoint)", server: server)
        guard status == 200, let deviceCode = object["device_code"] as? String, let userCode = object["user_code"] as? String,
              let uri = object["verification_uri"] as? String ?? object["verification_url"] as? String
        else {
            let code = object["error"] as? String ?? "HTTP \(status)"
            throw SignInError(.endpoint, server: server, "device authorization at \(endpoint) failed: \(code)")
        }
        let expiresIn = (object["expires_in"] as? NSNumber)?.intValue ?? 600
        let interval = (object["interval"] as? NSNumber)?.intValue ?? 5
        return DeviceAuthorization(
            code: .init(userCode: userCode, verificationURI: uri, verificationURIComplete: object["verification_uri_complete"] as? String,
                        expiresIn: .seconds(expiresIn)),
            deviceCode: deviceCode, interval: .seconds(max(1, interval)), expiresAt: .now + .seconds(expiresIn))
    }

    /// Polls at the server's interval (RFC 8628 §3.4–3.5): `authorization_pending` waits,
    /// `slow_down` waits 5 s longer from then on, a denial or expiry ends the sign-in.
    func pollDevice(
        _ authorization: DeviceAuthorization, tokenEndpoint: String, client: Client, resource: String, server: String
    ) async throws(SignInError) -> Tokens {
        var interval = authorization.interval
        while ContinuousClock.now < authorization.expiresAt {
            do {
                try await Task.sleep(for: interval)
            } catch {
                throw SignInError(.timedOut, server: server, "the sign-in was cancelled")
            }
            do {
                return try await token(
                    [("grant_type", SignInFlow.deviceGrant), ("device_code", authorization.deviceCode), ("resource", resource)],
                    at: tokenEndpoint, client: client, server: server)
            } catch let error where error.kind == .refused(code: "authorization_pending") {
                continue
            } catch let error where error.kind == .refused(code: "slow_down") {
                interval += .seconds(5)
            } catch let error where error.kind == .refused(code: "access_denied") {
                throw SignInError(.refused(code: "access_denied"), server: server, "the sign-in was denied at \(authorization.code.verificationURI)")
            } catch let error where error.kind == .refused(code: "expired_token") {
                break
            }
        }
        throw SignInError(.timedOut, server: server,
                          "the code \(authorization.code.userCode) expired before it was entered; run `lmg login \(server) --device` again")
    }
}
