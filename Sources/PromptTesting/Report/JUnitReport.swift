import Foundation

/// JUnit XML for CI dashboards: one `<testsuite>` per test file, one `<testcase>` per test;
/// missed expectations are `<failure>`, runs that could not finish `<error>`, and the tool
/// calls and tokens of each run go to `<system-out>`.
public enum JUnitReport {
    public static func xml(_ results: [PromptTestResult]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let failures = results.filter { $0.status == .failed }.count
        let errors = results.filter { $0.status == .error }.count
        let total = results.map(\.durationMs).reduce(0, +)
        xml += "<testsuites name=\"lmg prompt test\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"\(errors)\" time=\"\(seconds(total))\">\n"
        var files: [String] = []
        for result in results where !files.contains(result.file) { files.append(result.file) }
        for file in files {
            let cases = results.filter { $0.file == file }
            xml += "  <testsuite name=\"\(escape(file))\" tests=\"\(cases.count)\" failures=\"\(cases.filter { $0.status == .failed }.count)\" errors=\"\(cases.filter { $0.status == .error }.count)\" time=\"\(seconds(cases.map(\.durationMs).reduce(0, +)))\">\n"
            for result in cases { xml += testCase(result) }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    private static func testCase(_ result: PromptTestResult) -> String {
        let classname = ((result.file as NSString).lastPathComponent as NSString).deletingPathExtension
        var xml = "    <testcase classname=\"\(escape(classname))\" name=\"\(escape(result.test))\" time=\"\(seconds(result.durationMs))\""
        if let line = result.line { xml += " file=\"\(escape(result.file))\" line=\"\(line)\"" }
        xml += ">\n"
        let failed = result.runs.filter { !$0.passed }
        switch result.status {
        case .error:
            let message = result.runs.compactMap(\.error).first ?? "error"
            xml += "      <error message=\"\(escape(message))\" type=\"error\">\(escape(details(failed)))</error>\n"
        case .failed:
            let message = failed.first?.failures.first ?? "failed"
            let rate = "passed \(result.runs.count - failed.count) of \(result.runs.count) runs, needs \(result.minPassRate)"
            xml += "      <failure message=\"\(escape(message))\" type=\"assertion\">\(escape(rate + "\n" + details(failed)))</failure>\n"
        case .passed:
            break
        }
        xml += "      <system-out>\(escape(output(result)))</system-out>\n"
        return xml + "    </testcase>\n"
    }

    private static func details(_ runs: [RunResult]) -> String {
        runs.map { run in
            let lines = run.failures + (run.error.map { [$0] } ?? [])
            return "run \(run.repeatIndex + 1):\n" + lines.map { "  \($0)" }.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    private static func output(_ result: PromptTestResult) -> String {
        var lines: [String] = []
        for run in result.runs {
            lines.append("run \(run.repeatIndex + 1) (\(run.cassette)): \(run.passed ? "passed" : "failed")")
            for (index, turn) in run.turns.enumerated() {
                lines.append("  turn \(index + 1): \(turn.rounds) round(s), tokens \(turn.usage.promptTokens) in / \(turn.usage.completionTokens) out")
                for call in turn.toolCalls { lines.append("    → \(call.name) \(call.arguments)\(call.isError ? " (error)" : "")") }
                lines.append("    answer: \(turn.answer)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func seconds(_ ms: Double) -> String { String(format: "%.3f", ms / 1000) }

    /// XML text and attribute escaping; characters XML 1.0 cannot hold at all are dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
