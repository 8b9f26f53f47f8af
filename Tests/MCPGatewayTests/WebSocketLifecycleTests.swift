import Testing
@testable import MCPGateway

/// The WebSocket transport's lifecycle rules, without a socket: `start` answered once, the end
/// reported once (nil when we closed), a close during the opening honoured as soon as it opens.
@Suite("WebSocket transport: the lifecycle as a value")
struct WebSocketLifecycleTests {
    typealias Lifecycle = WebSocketLifecycle<String, Int>

    static func describe(_ action: Lifecycle.Action) -> String {
        switch action {
        case .none: "none"
        case .resumeStart(let waiter): "resume \(waiter)"
        case .failStart(let waiter, let error): "fail \(waiter): \(error.kind)"
        case .sendClose(let writer): "close via \(writer)"
        case .failStartAndSendClose(let waiter, let error, let writer): "fail \(waiter): \(error.kind), close via \(writer)"
        case .reportClose(let error): "closed \(error.map { "\($0.kind)" } ?? "by us")"
        }
    }

    @Test func openThenCloseByUsReportsNoError() {
        var lifecycle = Lifecycle()
        let first = lifecycle.connecting(1), second = lifecycle.connecting(2)
        #expect(first && !second, "started once only")
        #expect(Self.describe(lifecycle.opened("w", server: "s")) == "resume 1")
        #expect(lifecycle.writer == "w")
        #expect(Self.describe(lifecycle.closeAsked()) == "close via w")
        #expect(lifecycle.writer == nil, "nothing is written once closing")
        #expect(Self.describe(lifecycle.closeAsked()) == "none", "the handshake is sent once")
        #expect(Self.describe(lifecycle.ended(nil, server: "s")) == "closed by us")
        #expect(Self.describe(lifecycle.ended(nil, server: "s")) == "none", "the end is reported once")
        #expect(lifecycle.isClosed)
    }

    @Test func theServerEndingTheConnectionIsAnError() {
        var lifecycle = Lifecycle()
        _ = lifecycle.connecting(1)
        _ = lifecycle.opened("w", server: "s")
        #expect(Self.describe(lifecycle.ended(nil, server: "s")) == "closed connectFailed", "a clean close we did not ask for still ends the session")
        var other = Lifecycle()
        _ = other.connecting(1)
        _ = other.opened("w", server: "s")
        #expect(Self.describe(other.ended(TransportError(.protocolViolation, server: "s", "bad"), server: "s")) == "closed protocolViolation")
    }

    @Test func failingToOpenFailsStartAndReportsNothingElse() {
        var lifecycle = Lifecycle()
        _ = lifecycle.connecting(7)
        #expect(Self.describe(lifecycle.ended(TransportError(.connectFailed, server: "s", "refused"), server: "s")) == "fail 7: connectFailed")
        #expect(Self.describe(lifecycle.opened("late", server: "s")) == "none")
        #expect(Self.describe(lifecycle.closeAsked()) == "none")
    }

    @Test func aTimeoutActsOnlyWhileOpening() {
        var opening = Lifecycle()
        _ = opening.connecting(1)
        #expect(Self.describe(opening.connectTimedOut(TransportError(.timedOut, server: "s", "slow"), server: "s")) == "fail 1: timedOut")
        #expect(Self.describe(opening.ended(nil, server: "s")) == "none", "the task's own end after the timeout is not reported again")
        var open = Lifecycle()
        _ = open.connecting(1)
        _ = open.opened("w", server: "s")
        #expect(Self.describe(open.connectTimedOut(TransportError(.timedOut, server: "s", "slow"), server: "s")) == "none")
        #expect(open.writer == "w")
    }

    @Test func aCloseDuringTheOpeningClosesAsSoonAsItOpens() {
        var lifecycle = Lifecycle()
        _ = lifecycle.connecting(1)
        #expect(Self.describe(lifecycle.closeAsked()) == "none")
        #expect(Self.describe(lifecycle.opened("w", server: "s")) == "fail 1: closed, close via w")
        #expect(Self.describe(lifecycle.ended(nil, server: "s")) == "closed by us")

        var never = Lifecycle()
        _ = never.connecting(2)
        _ = never.closeAsked()
        #expect(Self.describe(never.ended(TransportError(.connectFailed, server: "s", "refused"), server: "s")) == "fail 2: closed")
    }

    @Test func closingBeforeStartingLeavesItClosed() {
        var lifecycle = Lifecycle()
        #expect(Self.describe(lifecycle.closeAsked()) == "none")
        #expect(lifecycle.isClosed)
        let started = lifecycle.connecting(1)
        #expect(!started, "a closed transport does not start")
    }
}
