import CCurl
import Foundation
import Locking

/// One request in flight. Everything but `cancelled` is touched only on the loop thread.
///
/// `@unchecked Sendable`: thread-confined state (libcurl's easy handle is not thread-safe), so
/// it crosses to the loop once, and only `cancelled`, an atomic, is shared.
final class Transfer: @unchecked Sendable {
    let request: HTTPRequest
    var easy: UnsafeMutableRawPointer?
    var headerList: UnsafeMutablePointer<curl_slist>?
    var head: CheckedContinuation<HTTPResponse, any Error>?
    /// Handed to the caller with the head and then forgotten here, so that a caller dropping
    /// the body unread ends the stream, which aborts the transfer.
    var body: AsyncThrowingStream<Data, any Error>?
    let bodyContinuation: AsyncThrowingStream<Data, any Error>.Continuation
    var status = 0
    var headers = HTTPHeaders()
    /// libcurl writes its error text here; stable memory for the transfer's life.
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    /// Set from any thread when the caller gives up; the loop checks it when adding.
    let cancelled = Locked(false)

    init(request: HTTPRequest) {
        self.request = request
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
        body = stream
        bodyContinuation = continuation
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        errorBuffer.deallocate()
    }

    /// libcurl's error text for this transfer, if it wrote any.
    var errorText: String { String(cString: errorBuffer) }

    /// A header line from libcurl (status lines, fields, and the blank line ending a block).
    func receiveHeader(_ line: UnsafeBufferPointer<UInt8>) {
        var end = line.count
        while end > 0 && (line[end - 1] == 10 || line[end - 1] == 13) { end -= 1 }
        if end == 0 {
            // A 1xx block is followed by the real response; anything else is final.
            if status >= 200 { deliverHead() }
            return
        }
        // Byte-wise: this runs for every header of every response.
        let bytes = UnsafeBufferPointer(rebasing: line[0..<end])
        if bytes.starts(with: "HTTP/".utf8) {
            let parts = bytes.split(separator: UInt8(ascii: " "), maxSplits: 2)
            status = parts.count > 1 ? Int(String(decoding: parts[1], as: UTF8.self)) ?? 0 : 0
            headers = HTTPHeaders()
        } else if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
            var value = bytes[(colon + 1)...]
            while let first = value.first, isBlank(first) { value = value.dropFirst() }
            while let last = value.last, isBlank(last) { value = value.dropLast() }
            headers.add(name: String(decoding: bytes[..<colon], as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        }
    }

    func receiveBody(_ bytes: UnsafeRawBufferPointer) {
        if head != nil { deliverHead() }
        bodyContinuation.yield(Data(bytes))
    }

    func deliverHead() {
        guard let head, let body else { return }
        self.head = nil
        self.body = nil
        head.resume(returning: HTTPResponse(status: status, headers: headers, body: HTTPBody(stream: body, url: request.url)))
    }

    /// The transfer ended: success finishes the body; an error fails whichever side is waiting.
    func complete(_ error: HTTPClientError?) {
        if let error {
            if let head {
                self.head = nil
                body = nil
                head.resume(throwing: error.kind == .cancelled ? CancellationError() : error)
            }
            bodyContinuation.finish(throwing: error.kind == .cancelled ? CancellationError() : error)
        } else {
            deliverHead()
            bodyContinuation.finish()
        }
    }
}

/// libcurl callbacks: C function pointers that find their Transfer through userdata.
enum CurlCallbacks {
    static let write: lmg_data_callback = { data, size, count, userdata in
        let length = size * count
        guard let userdata, let data else { return length }
        let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
        transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length))
        return length
    }

    static let header: lmg_data_callback = { data, size, count, userdata in
        let length = size * count
        guard let userdata, let data else { return length }
        let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
        data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            transfer.receiveHeader(UnsafeBufferPointer(start: bytes, count: length))
        }
        return length
    }
}
