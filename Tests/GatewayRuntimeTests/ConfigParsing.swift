import Foundation
import GatewayRuntime

/// What the configuration suites share: a file's text parsed as `test.json` under the suite's
/// environment, and a failure as the one line a user would see.
protocol ConfigParsing {
    var loader: ConfigLoader { get }
}

extension ConfigParsing {
    func parse(_ json: String) throws -> GatewayConfig {
        try loader.parse(Data(json.utf8), file: "test.json")
    }

    /// The error's text, or "no error".
    func failure(_ json: String) -> String {
        do {
            _ = try parse(json)
            return "no error"
        } catch {
            return "\(error)"
        }
    }
}
