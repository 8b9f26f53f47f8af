import EventLoops
import Testing

@Suite("Busy polling policy")
struct BusyPollTests {
    @Test func fastAnswersKeepPolling() {
        var policy = BusyPoll(window: .microseconds(100))
        for _ in 0..<10 {
            let polls = policy.shouldPoll()
            #expect(polls)
            policy.record(waited: .microseconds(40), polled: true)
        }
    }

    @Test func slowAnswersBackOffExponentiallyUpToALimit() {
        var policy = BusyPoll(window: .microseconds(100))
        var pollsIn = [Int]()
        // Count the waits between polls while every answer is slow.
        var since = 0
        for _ in 0..<400 {
            if policy.shouldPoll() {
                pollsIn.append(since)
                since = 0
                policy.record(waited: .milliseconds(2), polled: true)
            } else {
                since += 1
                policy.record(waited: .milliseconds(2), polled: false)
            }
        }
        #expect(Array(pollsIn.prefix(9)) == [0, 1, 2, 4, 8, 16, 32, 64, 64])
    }

    @Test func oneFastAnswerRestoresPolling() {
        var policy = BusyPoll(window: .microseconds(100))
        // Polls, skips one, polls again: now two waits are skipped.
        for _ in 0..<3 {
            let polls = policy.shouldPoll()
            policy.record(waited: .milliseconds(2), polled: polls)
        }
        let pollsWhileSlow = policy.shouldPoll()
        #expect(!pollsWhileSlow)
        // An answer that would have fitted in the window, even though this wait slept.
        policy.record(waited: .microseconds(30), polled: false)
        let pollsAgain = policy.shouldPoll()
        #expect(pollsAgain)
    }

    @Test func aZeroWindowNeverPolls() {
        var policy = BusyPoll(window: .zero)
        let first = policy.shouldPoll()
        policy.record(waited: .zero, polled: false)
        let second = policy.shouldPoll()
        #expect(!first && !second)
    }
}
