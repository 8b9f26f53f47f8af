import Foundation
import FuzzSupport
import GatewayRuntime

// The config reader on any bytes: a configuration, or an error of one line naming the file.
let loader = ConfigLoader(environment: ["HOME": "/home/fuzz", "TOKEN": "t"])
fuzz { input in
    do {
        _ = try loader.parse(Data(input), file: "fuzz.json")
    } catch {
        let line = "\(error)"
        precondition(!line.contains("\n") && line.hasPrefix("fuzz.json"), "a config error is one line naming the file: \(line)")
    }
}
