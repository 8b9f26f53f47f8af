import Foundation
import FuzzSupport
@testable import ModelClient

// The OpenAI stream assembler on any chunks: each line of the input is one `data:` payload; the
// chunks that decode are applied in order, and the turn comes out whatever they said.
fuzz { input in
    var accumulator = TurnAccumulator()
    for line in input.split(separator: UInt8(ascii: "\n")) {
        guard let chunk = try? JSONDecoder().decode(ChatCompletionWire.self, from: Data(line)) else { continue }
        _ = accumulator.apply(chunk)
    }
    _ = accumulator.turn()
}
