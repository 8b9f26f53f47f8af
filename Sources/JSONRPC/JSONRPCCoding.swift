import Foundation
import MCP

/// Encoding of outbound messages. Output never contains a newline, so it frames for stdio as is.
public enum JSONRPCCoding {
    // Immutable after this initialization: Foundation's coders are safe for concurrent use
    // once configured, and sharing them saves an allocation per message.
    static let decoder = JSONDecoder()
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    private struct Request<P: Encodable>: Encodable {
        let jsonrpc = "2.0"
        let id: JSONRPCID
        let method: String
        let params: P?
    }

    private struct Notification<P: Encodable>: Encodable {
        let jsonrpc = "2.0"
        let method: String
        let params: P?
    }

    private struct Response<R: Encodable>: Encodable {
        let jsonrpc = "2.0"
        let id: JSONRPCID
        let result: R
    }

    private struct ErrorResponse: Encodable {
        let jsonrpc = "2.0"
        let id: JSONRPCID?
        let error: JSONRPCErrorObject

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(jsonrpc, forKey: .jsonrpc)
            // JSON-RPC wants `"id": null` when the request id could not be read.
            if let id { try container.encode(id, forKey: .id) } else { try container.encodeNil(forKey: .id) }
            try container.encode(error, forKey: .error)
        }

        enum CodingKeys: String, CodingKey { case jsonrpc, id, error }
    }

    public static func request<P: Encodable>(id: JSONRPCID, method: String, params: P?) throws -> Data {
        if let params = params as? any JSONWritable {
            var writer = JSONWriter()
            writer.raw(#"{"jsonrpc":"2.0","id":"#)
            writer.id(id)
            writer.raw(#","method":"#)
            writer.string(method)
            writer.raw(#","params":"#)
            params.write(to: &writer)
            writer.raw("}")
            return writer.data
        }
        return try encoder.encode(Request(id: id, method: method, params: params))
    }

    /// What a request's params get besides their own members: `_meta` members (the 2026-07-28
    /// envelope, a progress token) and top-level members (a multi-round-trip retry's answers).
    /// Both are JSON object members without braces, written by a `JSONWriter`.
    public struct ParamsAdditions: Sendable {
        public var meta: [UInt8]
        public var members: [UInt8]

        public init(meta: [UInt8] = [], members: [UInt8] = []) {
            self.meta = meta
            self.members = members
        }

        public var isEmpty: Bool { meta.isEmpty && members.isEmpty }
    }

    /// A request whose params get `additions`; `params` must not have a `_meta` of its own.
    public static func request<P: Encodable>(id: JSONRPCID, method: String, params: P?, adding additions: ParamsAdditions) throws -> Data {
        if additions.isEmpty { return try request(id: id, method: method, params: params) }
        var own: [UInt8] = []
        if let params {
            if let writable = params as? any JSONWritable {
                var writer = JSONWriter()
                writable.write(to: &writer)
                own = writer.bytes
            } else {
                own = Array(try encoder.encode(params))
            }
        }
        own = innerMembers(of: own)
        var writer = JSONWriter()
        writer.raw(#"{"jsonrpc":"2.0","id":"#)
        writer.id(id)
        writer.raw(#","method":"#)
        writer.string(method)
        writer.raw(#","params":{"#)
        var first = true
        if !additions.meta.isEmpty {
            writer.raw(#""_meta":{"#)
            writer.raw(bytes: additions.meta)
            writer.raw("}")
            first = false
        }
        for part in [additions.members, own] where !part.isEmpty {
            if !first { writer.raw(",") }
            writer.raw(bytes: part)
            first = false
        }
        writer.raw("}}")
        return writer.data
    }

    public static func notification<P: Encodable>(method: String, params: P?) throws -> Data {
        try encoder.encode(Notification(method: method, params: params))
    }

    public static func response<R: Encodable>(id: JSONRPCID, result: R) throws -> Data {
        try encoder.encode(Response(id: id, result: result))
    }

    /// A response whose result object gets `members` (JSON object members without braces, e.g.
    /// 2026-07-28's `"resultType":"complete"`) before its own.
    public static func response<R: Encodable>(id: JSONRPCID, result: R, adding members: [UInt8]) throws -> Data {
        if members.isEmpty { return try response(id: id, result: result) }
        let own = innerMembers(of: Array(try encoder.encode(result)))
        var writer = JSONWriter()
        writer.head(id)
        writer.raw("{")
        writer.raw(bytes: members)
        if !own.isEmpty {
            writer.raw(",")
            writer.raw(bytes: own)
        }
        writer.raw("}}")
        return writer.data
    }

    /// A JSON object's members without its braces; nothing for `{}` or anything not an object.
    private static func innerMembers(of object: [UInt8]) -> [UInt8] {
        guard object.count >= 2, object.first == UInt8(ascii: "{"), object.last == UInt8(ascii: "}") else { return [] }
        return Array(object[1..<(object.count - 1)])
    }

    public static func errorResponse(id: JSONRPCID?, error: JSONRPCErrorObject) -> Data {
        // Encoding a struct of strings, ints and a Value cannot fail.
        (try? encoder.encode(ErrorResponse(id: id, error: error))) ?? Data()
    }

    /// Encodes any value with the shared configuration (for params built ahead of time).
    public static func encode<T: Encodable>(_ value: T) throws -> Data { try encoder.encode(value) }

    /// Decodes any value with the shared configuration.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decoder.decode(type, from: data)
    }
}
