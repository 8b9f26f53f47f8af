import CurlHTTP
import FuzzSupport

// The SSE parser gives the same events however the bytes are split: the first byte picks the
// piece size, the rest is the stream, parsed whole and in pieces.
fuzz { input in
    guard let first = input.first else { return }
    let stream = Array(input.dropFirst())
    var whole = SSEParser()
    let expected = whole.feed(stream)
    var split = SSEParser()
    var events: [SSEEvent] = []
    let size = Int(first % 17) + 1
    var start = 0
    while start < stream.count {
        events += split.feed(stream[start..<min(stream.count, start + size)])
        start += size
    }
    precondition(events == expected, "a split changed the events")
    precondition(split.lastEventID == whole.lastEventID && split.reconnectionTime == whole.reconnectionTime)
}
