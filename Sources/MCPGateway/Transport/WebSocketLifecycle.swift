/// The life of one WebSocket connection as a value: each event returns what the transport must
/// do, and the transport performs it outside the lock. Generic over the writer and the waiting
/// `start`, so the rules are tested without a socket.
///
/// The rules it keeps: `start` is answered exactly once (opened, failed, or closed by us first);
/// the end of the connection is reported exactly once, as nil when we closed it; a close asked
/// for while connecting closes the connection as soon as it opens.
struct WebSocketLifecycle<Writer, Waiter> {
    enum State {
        case idle
        /// `closeAsked`: `close()` came first; the connection is closed as soon as it opens.
        case connecting(Waiter, closeAsked: Bool)
        case open(Writer)
        /// We sent the close frame and wait for the connection to end.
        case closing
        case closed
    }

    enum Action {
        case none
        /// `start` returns: the connection is open.
        case resumeStart(Waiter)
        /// `start` throws.
        case failStart(Waiter, TransportError)
        /// Send a close frame with this writer (the close handshake).
        case sendClose(Writer)
        /// Fail `start` (closed by us) and send a close frame: `close()` raced the opening.
        case failStartAndSendClose(Waiter, TransportError, Writer)
        /// Tell the client the connection ended: nil when we closed it.
        case reportClose(TransportError?)
    }

    private(set) var state: State = .idle
    /// Whether the connection ever opened: failures after that may follow a message written.
    private(set) var hasOpened = false

    /// `start` began connecting; false when the transport was started or closed before.
    mutating func connecting(_ waiter: Waiter) -> Bool {
        guard case .idle = state else { return false }
        state = .connecting(waiter, closeAsked: false)
        return true
    }

    /// The upgrade succeeded: frames can be written.
    mutating func opened(_ writer: Writer, server: String) -> Action {
        switch state {
        case .connecting(let waiter, let closeAsked):
            hasOpened = true
            if closeAsked {
                state = .closing
                return .failStartAndSendClose(waiter, Self.closedByUs(server), writer)
            }
            state = .open(writer)
            return .resumeStart(waiter)
        case .idle, .open, .closing, .closed:
            return .none
        }
    }

    /// The connection ended (or never opened): `error` says why, nil for a clean close.
    mutating func ended(_ error: TransportError?, server: String) -> Action {
        switch state {
        case .connecting(let waiter, let closeAsked):
            state = .closed
            return .failStart(waiter, closeAsked ? Self.closedByUs(server) : error ?? TransportError(.connectFailed, server: server, "the WebSocket closed before it opened"))
        case .open:
            state = .closed
            return .reportClose(error ?? TransportError(.connectFailed, server: server, "the server closed the WebSocket"))
        case .closing:
            state = .closed
            return .reportClose(nil)
        case .idle, .closed:
            state = .closed
            return .none
        }
    }

    /// The connect time limit passed: the connection ends with `error` if it is still opening.
    mutating func connectTimedOut(_ error: TransportError, server: String) -> Action {
        guard case .connecting = state else { return .none }
        return ended(error, server: server)
    }

    /// `close()`: the close handshake when open; when connecting, as soon as it opens.
    mutating func closeAsked() -> Action {
        switch state {
        case .idle:
            state = .closed
            return .none
        case .connecting(let waiter, _):
            state = .connecting(waiter, closeAsked: true)
            return .none
        case .open(let writer):
            state = .closing
            return .sendClose(writer)
        case .closing, .closed:
            return .none
        }
    }

    /// Where a message can be written now; nil once closing or before opening.
    var writer: Writer? {
        if case .open(let writer) = state { return writer }
        return nil
    }

    /// Whether the connection has ended (or was closed before it started).
    var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    static func closedByUs(_ server: String) -> TransportError {
        TransportError(.closed, server: server, "the connection was closed")
    }
}
