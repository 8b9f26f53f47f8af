import JSONRPC
import Locking

/// One request's rendezvous: the answer may arrive before or after the caller starts waiting.
final class ResponseWaiter: Sendable {
    private enum State {
        case pending
        case waiting(CheckedContinuation<JSONRPCMessage, any Error>)
        case finished(Result<JSONRPCMessage, any Error>)
    }

    private let state = Locked(State.pending)

    /// Delivers the outcome once; later calls are ignored (a late answer after a timeout).
    func resume(_ result: Result<JSONRPCMessage, any Error>) {
        let continuation: CheckedContinuation<JSONRPCMessage, any Error>? = state.withLock { state in
            switch state {
            case .pending:
                state = .finished(result)
                return nil
            case .waiting(let continuation):
                state = .finished(result)
                return continuation
            case .finished:
                return nil
            }
        }
        continuation?.resume(with: result)
    }

    /// Suspends until `resume`, or returns at once when it already happened.
    func wait() async throws -> JSONRPCMessage {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<JSONRPCMessage, any Error>? = state.withLock { state in
                switch state {
                case .pending:
                    state = .waiting(continuation)
                    return nil
                case .finished(let result):
                    return result
                case .waiting:
                    preconditionFailure("ResponseWaiter.wait() called twice")
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
