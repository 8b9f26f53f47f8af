import Foundation
import JSONRPC
import MCP

/// Choosing the revision a server speaks (``ProtocolNegotiation`` decides, this performs), and
/// what a 2026-07-28 connection keeps running: its `subscriptions/listen` stream.
extension MCPClient {
    /// Probes, falls back, and leaves the client ready or throws why not.
    func negotiate(on transport: any MCPTransport) async throws {
        if transport is LegacySSETransport {
            if case .only(let version) = config.protocolPreference, !ProtocolNegotiation.legacyVersions.contains(version) {
                throw MCPClientError(.unsupportedVersion(version), server: name, method: "initialize",
                                     "the legacy HTTP+SSE transport speaks MCP up to 2025-11-25, not \(version) (protocol_version)")
            }
            return try await initialize(on: transport, version: legacyOffer)
        }
        var negotiation = ProtocolNegotiation(preference: config.protocolPreference)
        var action = negotiation.start()
        while true {
            switch action {
            case .discover(let version):
                let (outcome, result) = try await discover(version, on: transport)
                action = negotiation.next(after: outcome)
                if case .modern(let chosen) = action, let result {
                    adopt(result, version: chosen)
                    return
                }
            case .initialize(let version):
                // Nothing a refused probe left behind (an HTTP session id) goes with the handshake.
                await transport.resetSession()
                do {
                    return try await initialize(on: transport, version: version)
                } catch let error as MCPClientError where error.kind == .server(code: JSONRPCErrorObject.unsupportedProtocolVersion) {
                    // A probe that timed out here reached a slow-starting server after all and
                    // made it modern; it names its versions.
                    action = negotiation.next(after: .unsupportedVersion(Self.supportedVersions(in: error.data) ?? []))
                }
            case .modern(let version):
                throw MCPClientError(.protocolViolation, server: name, method: "server/discover", "chose \(version) without a discover result")
            case .fail(let reason):
                throw MCPClientError(.unsupportedVersion(reason), server: name, method: "server/discover", reason)
            }
        }
    }

    /// The version `initialize` offers: the configured legacy one, else the newest.
    var legacyOffer: String {
        if case .only(let version) = config.protocolPreference, ProtocolNegotiation.legacyVersions.contains(version) { return version }
        return ProtocolNegotiation.legacyVersions[0]
    }

    func envelope(version: String) -> RequestEnvelope {
        // Servers send log messages only when asked to; "debug" (without `log_level`) matches
        // what older servers send without `logging/setLevel`, and front ends filter themselves.
        RequestEnvelope(version: version, capabilities: declaredCapabilities(modern: true), clientName: options.clientName,
                        clientVersion: options.clientVersion, logLevel: config.logLevel ?? "debug")
    }

    /// One `server/discover`, read as the fallback rules want: on stdio a wait of at most half
    /// the entry's `timeout` (10 s at most), on HTTP any 4xx but 401 and 403 without a modern
    /// error is a legacy server. Connection failures are no verdict: they are thrown.
    private func discover(_ version: String, on transport: any MCPTransport) async throws -> (ProtocolNegotiation.Outcome, DiscoverResult?) {
        let stdio = !transport.exchangeCarriesResponse
        let limit: Duration? = stdio ? min(config.timeout / 2, .seconds(10)) : nil
        do {
            let result: DiscoverResult = try await request(
                "server/discover", params: EmptyParams?.none, timeout: limit, allowedBeforeReady: true,
                extras: RequestExtras(envelope: envelope(version: version)))
            return (.discovered(result.supportedVersions), result)
        } catch let error as MCPClientError {
            switch error.kind {
            case .server(code: JSONRPCErrorObject.unsupportedProtocolVersion):
                guard let supported = Self.supportedVersions(in: error.data) else { return (.notModern(error.message), nil) }
                return (.unsupportedVersion(supported), nil)
            case .server(let code):
                return (.notModern("error \(code): \(error.message)"), nil)
            case .protocolViolation:
                return (.notModern(error.message), nil)
            case .timedOut where stdio:
                return (.notModern("no answer to server/discover within \(describe(limit ?? config.timeout))"), nil)
            case .transport(.httpStatus(let status)) where !stdio && (400..<500).contains(status) && status != 401 && status != 403:
                return (.notModern("HTTP \(status)"), nil)
            default:
                throw error
            }
        }
    }

    /// `data.supported` of a -32022 error.
    static func supportedVersions(in data: Value?) -> [String]? {
        guard case .object(let object)? = data, case .array(let items)? = object["supported"] else { return nil }
        let versions = items.compactMap(\.stringValue)
        return versions.isEmpty ? nil : versions
    }

    private func adopt(_ result: DiscoverResult, version: String) {
        let info = result.serverInfo ?? Server.Info(name: name, version: "")
        let hello = Initialize.Result(protocolVersion: version, capabilities: result.capabilities, serverInfo: info, instructions: result.instructions)
        state.withLock {
            $0.initializeResult = hello
            $0.envelope = envelope(version: version)
            $0.phase = .ready
        }
        listenForChanges(result.capabilities)
    }

    /// Opens `subscriptions/listen` for the lists the server says can change, and keeps it open:
    /// a stream that ends or breaks is opened again with backoff while the client is connected.
    func listenForChanges(_ capabilities: Server.Capabilities) {
        var filter: [String: Value] = [:]
        if capabilities.tools?.listChanged == true { filter["toolsListChanged"] = true }
        if capabilities.prompts?.listChanged == true { filter["promptsListChanged"] = true }
        if capabilities.resources?.listChanged == true { filter["resourcesListChanged"] = true }
        let subscribed = state.withLock { $0.resourceSubscriptions }
        if !subscribed.isEmpty { filter["resourceSubscriptions"] = .array(subscribed.map { .string($0) }) }
        guard !filter.isEmpty else { return }
        let params: Value = ["notifications": .object(filter)]
        // The stream outlives the request that opened the connection: no caller's headers.
        // A newer stream (a filter that grew) replaces this one: only the current stream's end
        // may withdraw the trust in cached lists.
        let generation = state.withLock { state -> Int in
            state.subscriptionGeneration += 1
            return state.subscriptionGeneration
        }
        let ended: @Sendable (MCPClient) -> Void = { client in
            client.state.withLock { if $0.subscriptionGeneration == generation { $0.freshness.streamEnded() } }
        }
        let task = ForwardedHeaders.$current.withValue([:]) {
            Task { [weak self] in
                var failures = 0
                while let self, !Task.isCancelled, self.isConnected {
                    let opened = ContinuousClock.now
                    do {
                        let _: Value = try await self.request("subscriptions/listen", params: params, extras: RequestExtras(unbounded: true))
                    } catch let error as MCPClientError where error.kind.isServerError {
                        // The server refuses it: it has no such stream to offer.
                        self.options.logger.info("subscriptions/listen refused", metadata: ["server": "\(self.name)", "error": "\(error.message)"])
                        ended(self)
                        return
                    } catch {}
                    // Changes may be missed until it is open again: cached lists stop being trusted.
                    ended(self)
                    guard !Task.isCancelled, self.isConnected else { return }
                    failures = ContinuousClock.now - opened > .seconds(30) ? 1 : failures + 1
                    try? await Task.sleep(for: .milliseconds(min(30_000, 250 << min(failures, 7))))
                }
            }
        }
        state.withLock { state in
            defer { state.subscription = task }
            return state.subscription
        }?.cancel()
    }

    /// Asks the server to say when `uri` changes: `resources/subscribe` up to 2025-11-25; in
    /// 2026-07-28 the listen stream is opened again with the URI in its filter. False when the
    /// server offers no subscriptions.
    @discardableResult
    public func subscribe(toResource uri: String) async throws -> Bool {
        guard let capabilities = serverCapabilities, capabilities.resources?.subscribe == true else { return false }
        if era == .modern {
            let added = state.withLock { state -> Bool in
                guard !state.resourceSubscriptions.contains(uri) else { return false }
                state.resourceSubscriptions.append(uri)
                return true
            }
            if added { listenForChanges(capabilities) }
        } else {
            let _: Value = try await request("resources/subscribe", params: ["uri": uri] as [String: String])
        }
        return true
    }
}
