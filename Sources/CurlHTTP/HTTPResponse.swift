import Foundation

/// Status and headers as soon as they arrive; the body streams after.
public struct HTTPResponse: Sendable {
    public let status: Int
    public let headers: HTTPHeaders
    public let body: HTTPBody

    public init(status: Int, headers: HTTPHeaders, body: HTTPBody) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// The response body as chunks in arrival order. Iterate it once. Stopping the iteration
/// (or dropping the response unread) aborts the transfer.
public struct HTTPBody: AsyncSequence, Sendable {
    public typealias Element = Data
    let stream: AsyncThrowingStream<Data, any Error>
    let url: String

    init(stream: AsyncThrowingStream<Data, any Error>, url: String) {
        self.stream = stream
        self.url = url
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var base: AsyncThrowingStream<Data, any Error>.AsyncIterator

        public mutating func next() async throws -> Data? {
            try await base.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: stream.makeAsyncIterator())
    }

    /// The whole body; throws `.bodyTooLarge` past `maxBytes` instead of growing without bound.
    public func collect(upTo maxBytes: Int) async throws -> Data {
        var result = Data()
        for try await chunk in self {
            guard result.count + chunk.count <= maxBytes else {
                throw HTTPClientError(kind: .bodyTooLarge, url: url, message: "more than \(maxBytes) bytes")
            }
            result.append(chunk)
        }
        return result
    }

    /// The body read as `text/event-stream`.
    public func sseEvents() -> SSEEventSequence {
        SSEEventSequence(body: self)
    }
}
