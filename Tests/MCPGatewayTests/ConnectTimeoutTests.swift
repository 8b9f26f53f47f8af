import Foundation
import JSONRPC
import Locking
import Testing
@testable import MCPGateway

/// A connect — starting the transport and initializing — is bounded by the entry's `timeout`
/// in total, not once for each step.
@Suite("Connect timeout")
struct ConnectTimeoutTests {
    /// A transport that takes `startDelay` to start and `answerDelay` to answer initialize.
    final class SlowTransport: MCPTransport {
        let startDelay: Duration
        let answerDelay: Duration
        private let handlers = Locked<TransportHandlers?>(nil)

        init(startDelay: Duration, answerDelay: Duration) {
            (self.startDelay, self.answerDelay) = (startDelay, answerDelay)
        }

        var exchangeCarriesResponse: Bool { false }

        func start(_ handlers: TransportHandlers) async throws {
            try await Task.sleep(for: startDelay)
            self.handlers.withLock { $0 = handlers }
        }

        func send(_ message: Data, expecting: JSONRPCID?) async throws {
            guard let object = try JSONSerialization.jsonObject(with: message) as? [String: Any], let id = object["id"] as? Int else { return }
            let deliver = handlers.withLock { $0 }?.onMessage
            if object["method"] as? String == "server/discover" {
                // An older server: the version probe is an unknown method, answered at once.
                deliver?(Data(#"{"jsonrpc":"2.0","id":\#(id),"error":{"code":-32601,"message":"Method not found"}}"#.utf8))
                return
            }
            guard object["method"] as? String == "initialize" else { return }
            let delay = answerDelay
            Task {
                try await Task.sleep(for: delay)
                deliver?(Data(#"{"jsonrpc":"2.0","id":\#(id),"result":{"protocolVersion":"2025-11-25","capabilities":{},"serverInfo":{"name":"slow","version":"1"}}}"#.utf8))
            }
        }

        func close() async {}
    }

    func client(timeout: Duration) -> MCPClient {
        var config = MCPServerConfig.stdio("slow", command: "true")
        config.timeout = timeout
        return MCPClient(config: config)
    }

    @Test func startAndInitializeShareOneLimit() async throws {
        // Each step alone fits in the limit; both together do not.
        let client = client(timeout: .seconds(1))
        let error = await #expect(throws: MCPClientError.self) {
            try await client.connect(using: SlowTransport(startDelay: .milliseconds(600), answerDelay: .milliseconds(600)))
        }
        #expect(error?.kind == .timedOut(.seconds(1)), "\(String(describing: error))")
        await client.close()
    }

    @Test func aConnectWithinTheLimitSucceeds() async throws {
        let client = client(timeout: .seconds(5))
        try await client.connect(using: SlowTransport(startDelay: .milliseconds(100), answerDelay: .milliseconds(100)))
        #expect(client.serverInfo?.name == "slow")
        await client.close()
    }
}
