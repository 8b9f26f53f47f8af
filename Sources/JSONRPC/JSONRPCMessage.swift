import Foundation
import MCP

/// One inbound JSON-RPC message, classified once; typed members are decoded on demand.
///
/// Decoding happens in two steps so that the hot path (a response for a pending request) parses
/// only the envelope before handing the raw bytes to the caller that knows the result type.
public struct JSONRPCMessage: Sendable {
    /// What kind of message this is, by the members present.
    public enum Kind: Sendable, Equatable {
        case request(id: JSONRPCID, method: String)
        case notification(method: String)
        case response(id: JSONRPCID)
        case errorResponse(id: JSONRPCID?, error: JSONRPCErrorObject)
    }

    public let kind: Kind
    /// The message exactly as received, for typed decoding of `params` or `result`.
    public let raw: Data
    /// The members as `JSONValueParser` read them, when it could; typed decoding that has a
    /// `ValueDecodable` path reads from here instead of parsing `raw` again.
    public let members: [String: Value]?

    private struct Head: Decodable {
        var id: JSONRPCID?
        var method: String?
        var error: JSONRPCErrorObject?
        var result: Skip?
    }

    /// Decodes to nothing: only records that the member is present.
    private struct Skip: Decodable {
        init(from decoder: Decoder) throws {}
    }

    /// Classifies `raw`; throws `JSONRPCDecodingError` for JSON that is not a JSON-RPC message.
    public init(_ raw: Data) throws {
        self.raw = raw
        let parsed: Value?
        do {
            parsed = try JSONValueParser.parse(raw)
        } catch let failure where failure.reason == JSONValueParser.tooDeep {
            // Foundation would only recurse as deep to say the same (found by fuzzing).
            throw JSONRPCDecodingError(raw: raw, reason: "nesting deeper than \(JSONValueParser.maxDepth) levels")
        } catch {
            parsed = nil
        }
        if case .object(let members)? = parsed, let kind = Self.classify(members) {
            self.kind = kind
            self.members = members
            return
        }
        // Anything unusual goes through `JSONDecoder`, whose errors name what is wrong.
        members = nil
        let head: Head
        do {
            head = try JSONRPCCoding.decoder.decode(Head.self, from: raw)
        } catch {
            throw JSONRPCDecodingError(raw: raw, reason: Self.describe(error))
        }
        if let method = head.method {
            kind = head.id.map { .request(id: $0, method: method) } ?? .notification(method: method)
        } else if let error = head.error {
            kind = .errorResponse(id: head.id, error: error)
        } else if let id = head.id, head.result != nil {
            kind = .response(id: id)
        } else {
            throw JSONRPCDecodingError(raw: raw, reason: "neither a request, a notification nor a response")
        }
    }

    /// The kind from parsed members, or nil when they are not a well-formed message; the
    /// same rules as the `Head` path: `method` makes a request or notification, then `error`,
    /// then `id` with a non-null `result`.
    static func classify(_ members: [String: Value]) -> Kind? {
        let id: JSONRPCID?
        switch members["id"] {
        case .int(let number)?: id = .int(number)
        case .string(let text)?: id = .string(text)
        case .null?, nil: id = nil
        default: return nil
        }
        // `error` is checked first: the decoder refuses a malformed one even beside a `method`.
        var errorObject: JSONRPCErrorObject?
        switch members["error"] {
        case .object(let error)?:
            guard case .int(let code)? = error["code"], case .string(let message)? = error["message"] else { return nil }
            var data = error["data"]
            if data == Value.null { data = nil }
            errorObject = JSONRPCErrorObject(code: code, message: message, data: data)
        case .null?, nil: break
        default: return nil
        }
        switch members["method"] {
        case .string(let method)?: return id.map { .request(id: $0, method: method) } ?? .notification(method: method)
        case .null?, nil: break
        default: return nil
        }
        if let errorObject { return .errorResponse(id: id, error: errorObject) }
        guard let id, let result = members["result"], result != .null else { return nil }
        return .response(id: id)
    }

    /// Decodes `result` as `R`.
    public func result<R: Decodable>(as type: R.Type = R.self) throws -> R {
        if let fast = R.self as? any ValueDecodable.Type, let value = members?["result"], let result = fast.init(value: value) {
            return result as! R
        }
        do {
            return try JSONRPCCoding.decoder.decode(ResultBox<R>.self, from: raw).result
        } catch {
            throw JSONRPCDecodingError(raw: raw, reason: "unexpected result: \(Self.describe(error))")
        }
    }

    /// `params` as a `Value`: from the parsed members when there are any (nil when absent),
    /// else decoded (an absent `params` as `{}`).
    public var paramsValue: Value? {
        if let members { return members["params"] }
        return try? params(as: Value.self)
    }

    /// Decodes `params` as `P`; an absent `params` decodes from `{}`.
    public func params<P: Decodable>(as type: P.Type = P.self) throws -> P {
        do {
            if let params = try JSONRPCCoding.decoder.decode(ParamsBox<P>.self, from: raw).params {
                return params
            }
            return try JSONRPCCoding.decoder.decode(P.self, from: Data("{}".utf8))
        } catch {
            throw JSONRPCDecodingError(raw: raw, reason: "invalid params: \(Self.describe(error))")
        }
    }

    private struct ResultBox<R: Decodable>: Decodable { var result: R }
    private struct ParamsBox<P: Decodable>: Decodable { var params: P? }

    /// One line for a DecodingError, naming the path to the bad member.
    static func describe(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "" : " at \(keys.joined(separator: "."))"
        }
        switch error {
        case .dataCorrupted(let context): return "not valid JSON\(path(context))"
        case .keyNotFound(let key, let context): return "missing \"\(key.stringValue)\"\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(context.debugDescription)\(path(context))"
        @unknown default: return String(describing: error)
        }
    }
}

/// Bytes that could not be read as a JSON-RPC message, with a short preview for the user.
public struct JSONRPCDecodingError: Error, CustomStringConvertible {
    public let raw: Data
    public let reason: String

    public var description: String {
        let preview = String(decoding: raw.prefix(80), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
        return "\(reason): \(preview)\(raw.count > 80 ? "…" : "")"
    }
}
