import CurlHTTP
import Foundation
import TestSupport
import Testing

/// Requests and headers carry API keys, bearer tokens and client secrets: none may print.
@Suite("HTTP values never print a credential")
struct RequestRedactionTests {
    @Test func headersAndRequestsHideCredentials() {
        let headers: HTTPHeaders = ["Authorization": "Bearer sk-SECRET-123", "X-Api-Key": "key-456", "Accept": "application/json"]
        #expect(secretLeaks(of: headers, secrets: ["sk-SECRET-123", "key-456"]).isEmpty)
        #expect(headers.debugDescription.contains("Accept: application/json"), "what is not secret still shows")
        let request = HTTPRequest(method: "POST", url: "https://auth.example/token", headers: headers,
                                  body: Data("grant_type=client_credentials&client_secret=form-789".utf8))
        #expect(secretLeaks(of: request, secrets: ["sk-SECRET-123", "key-456", "form-789"]).isEmpty)
        #expect("\(request)".contains("https://auth.example/token"))
    }
}
