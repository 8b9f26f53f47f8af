/// The WHATWG event-stream parser as a pure value: feed bytes in any split, get whole events.
///
/// Lines end in CR, LF or CRLF (a CR closing one chunk and an LF opening the next are one line
/// end); a leading UTF-8 BOM is dropped once; `:` lines are comments; `data` lines join with LF;
/// an event with no data is not dispatched; `retry` takes digits only; an `id` holding NUL is ignored.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var sawCR = false
    /// BOM bytes matched so far at the stream's start; -1 once decided.
    private var bomMatched = 0
    private var eventType = ""
    private var data: [UInt8] = []
    private var hasData = false
    private var pendingRetry: Int?
    /// The id most recently set by the stream; sent back as Last-Event-ID on reconnect.
    public private(set) var lastEventID: String?
    /// The server's requested reconnection delay in milliseconds.
    public private(set) var reconnectionTime: Int?

    public init() {}

    /// Parses `bytes` and returns the events they completed.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in bytes {
            if bomMatched >= 0 {
                if byte == Self.bom[bomMatched] {
                    bomMatched += 1
                    if bomMatched == Self.bom.count { bomMatched = -1 }
                    continue
                }
                // Not a BOM after all: the held bytes are content.
                let held = Self.bom.prefix(bomMatched)
                bomMatched = -1
                for heldByte in held { consume(heldByte, into: &events) }
            }
            consume(byte, into: &events)
        }
        return events
    }

    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    private mutating func consume(_ byte: UInt8, into events: inout [SSEEvent]) {
        if sawCR {
            sawCR = false
            if byte == UInt8(ascii: "\n") { return }
        }
        switch byte {
        case UInt8(ascii: "\r"):
            sawCR = true
            endLine(into: &events)
        case UInt8(ascii: "\n"):
            endLine(into: &events)
        default:
            line.append(byte)
        }
    }

    /// End of stream: an event not closed by a blank line is dropped, as the spec says.
    public mutating func finish() -> [SSEEvent] {
        line.removeAll()
        data.removeAll()
        hasData = false
        eventType = ""
        return []
    }

    private mutating func endLine(into events: inout [SSEEvent]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            dispatch(into: &events)
            return
        }
        if line[0] == UInt8(ascii: ":") { return }
        let field: ArraySlice<UInt8>
        var value: ArraySlice<UInt8>
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = line[..<colon]
            value = line[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = line[...]
            value = []
        }
        switch String(decoding: field, as: UTF8.self) {
        case "event":
            eventType = String(decoding: value, as: UTF8.self)
        case "data":
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        case "id":
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
               let ms = Int(String(decoding: value, as: UTF8.self)) {
                reconnectionTime = ms
                pendingRetry = ms
            }
        default:
            break
        }
    }

    private mutating func dispatch(into events: inout [SSEEvent]) {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType = ""
        }
        guard hasData else { return }
        events.append(SSEEvent(
            event: eventType.isEmpty ? "message" : eventType,
            data: String(decoding: data, as: UTF8.self),
            id: lastEventID,
            retry: pendingRetry))
        pendingRetry = nil
    }
}
