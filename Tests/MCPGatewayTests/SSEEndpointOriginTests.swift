import Testing

@testable import MCPGateway

/// The legacy SSE transport POSTs our headers and credentials to the endpoint the stream names:
/// only the stream's own origin is accepted.
@Suite("Legacy SSE: the endpoint's origin")
struct SSEEndpointOriginTests {
    @Test func onlyTheStreamsOwnOriginIsAnEndpoint() {
        let base = "http://127.0.0.1:8931/sse"
        #expect(LegacySSETransport.sameOrigin("http://127.0.0.1:8931/messages/?session_id=1", base))
        #expect(LegacySSETransport.sameOrigin("HTTP://127.0.0.1:8931/m", base))
        #expect(LegacySSETransport.sameOrigin("https://h.example/m", "https://h.example:443/sse"))
        #expect(!LegacySSETransport.sameOrigin("http://127.0.0.1:9999/m", base), "another port")
        #expect(!LegacySSETransport.sameOrigin("http://169.254.169.254/latest", base), "another host")
        #expect(!LegacySSETransport.sameOrigin("https://127.0.0.1:8931/m", base), "another scheme")
        #expect(!LegacySSETransport.sameOrigin("file:///etc/passwd", base))
    }
}
