/// When `lmg prompt test` asks the live model, and what it writes.
public enum RecordMode: String, Sendable, CaseIterable {
    /// Replay only (the default, and what CI runs): a request with no recording fails the test.
    case none
    /// Record a test whose cassette does not exist yet; replay the others as `none` does.
    case once
    /// Replay what is recorded and record the requests that are not, adding them to the cassette.
    case new
    /// Record every test again, replacing its cassette.
    case rewrite

    /// Whether a test with `existing` recordings may reach the live model.
    func recordsLive(existing: Bool) -> Bool {
        switch self {
        case .none: false
        case .once: !existing
        case .new, .rewrite: true
        }
    }
}
