import Crypto
import Foundation
import ModelClient

/// The canonical form of a model request and its hash: the cassette's key.
///
/// Canonical means JSON with sorted keys of exactly what would be sent — model name, messages
/// (tool calls and results included), tool schemas, `tool_choice`, sampling options and other
/// members — plus the repeat index. The same conversation always gives the same key; any
/// change to the system prompt, a schema or the temperature gives another.
public enum RequestKey {
    public static func canonical(_ request: ChatRequest, modelName: String, repeatIndex: Int) -> JSONValue {
        var request = request
        request.model = request.model ?? modelName
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(request), case .object(var object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            return .null
        }
        object["repeat"] = .int(repeatIndex)
        return .object(object)
    }

    /// SHA-256 of the canonical JSON, hex.
    public static func hash(_ canonical: JSONValue) -> String {
        SHA256.hash(data: Data(canonical.compactText.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
