/// One dispatched Server-Sent Event.
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field; "message" when the stream gave none.
    public var event: String
    /// The `data:` lines joined with "\n".
    public var data: String
    /// The last event id seen so far in the stream (the spec's "last event ID buffer").
    public var id: String?
    /// A `retry:` value that came with this event, in milliseconds.
    public var retry: Int?

    public init(event: String = "message", data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }
}

/// The body's events, parsed as they arrive.
public struct SSEEventSequence: AsyncSequence, Sendable {
    public typealias Element = SSEEvent
    let body: HTTPBody

    public struct AsyncIterator: AsyncIteratorProtocol {
        var chunks: HTTPBody.AsyncIterator
        var parser = SSEParser()
        var ready: [SSEEvent] = []
        var index = 0
        var done = false

        public mutating func next() async throws -> SSEEvent? {
            while index >= ready.count {
                if done { return nil }
                ready.removeAll(keepingCapacity: true)
                index = 0
                if let chunk = try await chunks.next() {
                    ready = parser.feed(chunk)
                } else {
                    ready = parser.finish()
                    done = true
                }
            }
            defer { index += 1 }
            return ready[index]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(chunks: body.makeAsyncIterator())
    }
}
