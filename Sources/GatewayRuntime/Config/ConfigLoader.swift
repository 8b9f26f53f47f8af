import Foundation
import MCP
import MCPGateway

/// Reads and validates configuration files. Every failure is a `ConfigError` naming file and field.
///
/// One environment, injected, serves the whole load: `${VAR}` expansion, where the file is
/// looked for, and the variables that override the file (`OPENAI_BASE_URL`, `OPENAI_API_KEY`,
/// `LMG_MODEL`; see ``RuntimeEnvironment``).
public struct ConfigLoader: Sendable {
    /// Variables for `${VAR}` expansion and overrides; the process environment by default.
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The configuration used when no file is given, found or named by $LMG_CONFIG:
    /// the built-in server over stdio, so a fresh machine has a real server to talk to.
    public static let embeddedDefault = """
        {
          "model": {"base_url": "http://127.0.0.1:8080/v1"},
          "max_tool_iterations": 10,
          "mcpServers": {
            "builtin": {"command": "lmg", "args": ["mcp-server"]}
          }
        }
        """

    /// Where the configuration comes from, in order: an explicit path, $LMG_CONFIG,
    /// ./Config/lmg.json, $XDG_CONFIG_HOME/lmg/lmg.json (~/.config), else nil (embedded default).
    public func locate(explicit: String?) -> String? {
        if let explicit { return explicit }
        if let fromEnv = environment["LMG_CONFIG"], !fromEnv.isEmpty { return fromEnv }
        let local = "Config/lmg.json"
        if FileManager.default.fileExists(atPath: local) { return local }
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"].map { $0 + "/.config" } ?? "")
        let user = configHome + "/lmg/lmg.json"
        if !configHome.isEmpty, FileManager.default.fileExists(atPath: user) { return user }
        return nil
    }

    /// Loads the configuration `locate(explicit:)` finds.
    public func load(explicit: String?) throws(ConfigError) -> GatewayConfig {
        guard let path = locate(explicit: explicit) else {
            return try parse(Data(Self.embeddedDefault.utf8), file: "<embedded default>", path: nil)
        }
        return try load(path: path)
    }

    /// Reads and parses the file at `path`.
    public func load(path: String) throws(ConfigError) -> GatewayConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file"
            throw ConfigError(file: path, message: reason)
        }
        return try parse(data, file: path, path: path)
    }

    /// Parses configuration JSON; `file` names it in errors.
    public func parse(_ data: Data, file: String, path: String? = nil) throws(ConfigError) -> GatewayConfig {
        let root: Value
        do {
            // JSONSerialization tells where the syntax breaks; Value keeps bools and numbers apart.
            _ = try JSONSerialization.jsonObject(with: data)
            root = try JSONDecoder().decode(Value.self, from: data)
        } catch {
            throw ConfigError(file: file, message: Self.describeJSONError(error, in: data))
        }
        var reader = GatewayConfigReader(file: file, environment: environment)
        return try reader.readRoot(root, path: path)
    }

    /// "malformed JSON at line L, column C" from Foundation's "around character N".
    static func describeJSONError(_ error: Error, in data: Data) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        guard let range = text.range(of: "character "),
              let offset = Int(text[range.upperBound...].prefix(while: \.isNumber))
        else {
            return "malformed JSON: \(text)"
        }
        var line = 1
        var column = 1
        for byte in data.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        let what = text.replacingOccurrences(of: " around character \(offset)", with: "")
            .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        return "malformed JSON at line \(line), column \(column): \(what.lowercased())"
    }
}
