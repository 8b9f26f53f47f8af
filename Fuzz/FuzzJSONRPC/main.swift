import Foundation
import FuzzSupport
import JSONRPC

// JSON-RPC classification of any bytes a server or client sends: a kind or an error, never a
// crash; whatever it classifies, its parts read without crashing too.
fuzz { input in
    guard let message = try? JSONRPCMessage(Data(input)) else { return }
    _ = message.kind
    _ = message.paramsValue
}
