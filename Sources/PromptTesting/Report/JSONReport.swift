import Foundation

/// The whole run as JSON: a summary and every test with its runs, turns and calls.
public struct JSONReport: Encodable, Sendable {
    public struct Summary: Encodable, Sendable {
        public var tests: Int
        public var passed: Int
        public var failed: Int
        public var errors: Int
        public var durationMs: Double

        enum CodingKeys: String, CodingKey {
            case tests, passed, failed, errors, durationMs = "duration_ms"
        }
    }

    public var summary: Summary
    public var results: [PromptTestResult]

    public init(_ results: [PromptTestResult], durationMs: Double) {
        self.results = results
        summary = Summary(
            tests: results.count, passed: results.filter { $0.status == .passed }.count,
            failed: results.filter { $0.status == .failed }.count, errors: results.filter { $0.status == .error }.count,
            durationMs: durationMs)
    }

    public func data() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
