import Foundation
import JSONRPC
import MCP
import Testing
@testable import MCPBuiltinServer

/// Each built-in tool's results and errors, through `tools/call` on a temporary root.
@Suite("BuiltinServer: tools")
struct BuiltinServerToolTests {
    // MARK: echo

    @Test func echoReturnsTheText() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let text = "héllo \"quoted\"\nline two\u{0}end"
        let result = try await harness.call("echo", ["text": .string(text)])
        #expect(!result.failed)
        #expect(result.texts == [text])
    }

    @Test func badArgumentsAreToolErrorsNamingTheArgument() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let missing = try await harness.call("echo", [:])
        #expect(missing.failed)
        #expect(missing.text.contains("\"text\""))
        let wrongType = try await harness.call("echo", ["text": 5])
        #expect(wrongType.failed)
        #expect(wrongType.text == "invalid arguments for 'echo': \"text\" must be a string")
        let noArguments = try await harness.result("tools/call", ["name": "current_time"], as: CallTool.Result.self)
        #expect(!noArguments.failed)
    }

    // MARK: calculate

    @Test(arguments: [
        ("1 + 2 * 3", 7.0), ("(1 + 2) * 3", 9), ("2^3^2", 512), ("(2^3)^2", 64), ("-2^2", -4), ("2^-1", 0.5),
        ("1 - 2 - 3", -4), ("8 / 4 / 2", 1), ("7 / 2", 3.5), ("10 % 3", 1), ("-7 % 3", -1), ("5.5 % 2", 1.5),
        ("--3", 3), ("2 * -3", -6), ("+4", 4), ("  42  ", 42), (".5 + .25", 0.75), ("1.5e3", 1500), ("2E-2", 0.02),
        ("sqrt(16) + abs(-3)", 7), ("round(2.5)", 3), ("round(-2.5)", -3), ("floor(-1.5)", -2), ("ceil(1.2)", 2),
        ("min(3, 1, 2)", 1), ("max(3, 1, 2)", 3), ("max(-1)", -1), ("PI", Double.pi), ("e", M_E),
        ("2 * (3 + (4 - 1)) ^ 2", 72),
    ])
    func calculatorEvaluates(expression: String, expected: Double) throws {
        let value = try Calculator.evaluate(expression)
        #expect(abs(value - expected) <= 1e-12 * max(1, abs(expected)), "\(expression) = \(value)")
    }

    @Test(arguments: [
        ("1 / 0", "division by zero", 3), ("5 % (2 - 2)", "remainder of division by zero", 3),
        ("(1 + 2", "expected ')' to close the '(' at column 1", 7), ("1 +", "unexpected end of expression", 4),
        ("2 * foo", "unknown name 'foo'", 5), ("sqrt(-1)", "square root of a negative number", 1),
        ("sqrt(1, 2)", "sqrt takes 1 argument, got 2", 1), ("1 2", "unexpected '2'", 3), ("$", "unexpected '$'", 1),
        ("max()", "max needs at least one argument", 1), ("pi(2)", "'pi' is a constant, not a function", 1),
        ("2e", "unexpected 'e'", 2), ("1 + 2)", "unexpected ')'", 6), ("min(1;2)", "expected ',' or ')'", 6),
        (". + 1", "expected a number", 1),
    ])
    func calculatorNamesErrorsAndColumns(expression: String, message: String, column: Int) {
        #expect {
            try Calculator.evaluate(expression)
        } throws: { error in
            guard let error = error as? CalculationError else { return false }
            return error.message.hasPrefix(message) && error.column == column
        }
    }

    @Test func calculatorRefusesEmptyOverflowAndDeepNesting() {
        #expect(throws: CalculationError("empty expression", column: nil)) { try Calculator.evaluate("   ") }
        #expect(throws: CalculationError("the result is not a finite number", column: nil)) { try Calculator.evaluate("10^400") }
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        #expect(throws: CalculationError.self) { try Calculator.evaluate(deep) }
        let minus = String(repeating: "-", count: 5000) + "1"
        #expect(throws: CalculationError.self) { try Calculator.evaluate(minus) }
    }

    @Test func calculatorFormatsLikeAPerson() {
        #expect(Calculator.format(1030) == "1030")
        #expect(Calculator.format(-0.0) == "0")
        #expect(Calculator.format(3.5) == "3.5")
        #expect(Calculator.format(0.1 + 0.2) == "0.30000000000000004")
        #expect(Calculator.format(1e300) == "1e+300")
    }

    @Test func calculateToolGivesTextAndStructuredContent() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let whole = try await harness.call("calculate", ["expression": "2^10"])
        #expect(!whole.failed)
        #expect(whole.texts == ["1024"])
        #expect(whole.structuredContent == ["result": 1024])
        let fraction = try await harness.call("calculate", ["expression": "1/4"])
        #expect(fraction.structuredContent == ["result": 0.25])
        let bad = try await harness.call("calculate", ["expression": "1 / (2 - 2)"])
        #expect(bad.failed)
        #expect(bad.text == "cannot evaluate '1 / (2 - 2)': division by zero at column 3")
        #expect(bad.structuredContent == nil)
    }

    // MARK: current_time

    @Test func zonedTimeFormatsWithOffsets() throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(ZonedTime(Date(timeIntervalSince1970: 0), in: utc).iso8601 == "1970-01-01T00:00:00+00:00")
        #expect(ZonedTime(Date(timeIntervalSince1970: -1), in: utc).iso8601 == "1969-12-31T23:59:59+00:00")
        #expect(ZonedTime(Date(timeIntervalSince1970: 1_709_164_800), in: utc).iso8601 == "2024-02-29T00:00:00+00:00")
        let july = Date(timeIntervalSince1970: 1_719_835_200)  // 2024-07-01T12:00:00Z
        let paris = ZonedTime(july, in: try #require(TimeZone(identifier: "Europe/Paris")))
        #expect(paris.iso8601 == "2024-07-01T14:00:00+02:00")
        #expect(paris.isDaylightSaving)
        #expect(ZonedTime(july, in: try #require(TimeZone(identifier: "America/New_York"))).iso8601 == "2024-07-01T08:00:00-04:00")
        #expect(ZonedTime(july, in: try #require(TimeZone(identifier: "Asia/Kolkata"))).iso8601 == "2024-07-01T17:30:00+05:30")
        let january = Date(timeIntervalSince1970: 1_704_110_400)  // 2024-01-01T12:00:00Z
        let winter = ZonedTime(january, in: try #require(TimeZone(identifier: "Europe/Paris")))
        #expect(winter.iso8601 == "2024-01-01T13:00:00+01:00")
        #expect(!winter.isDaylightSaving)
    }

    @Test func currentTimeInAZone() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let before = Date()
        let result = try await harness.call("current_time", ["timezone": "Asia/Tokyo"])
        #expect(!result.failed)
        #expect(result.text.hasSuffix("+09:00 (Asia/Tokyo)"))
        let structured = try #require(result.structuredContent?.objectValue)
        #expect(structured["timezone"] == "Asia/Tokyo")
        #expect(structured["utc_offset"] == "+09:00")
        #expect(structured["is_dst"] == false)
        let stamp = try #require(structured["datetime"]?.stringValue)
        let parsed = try #require(ISO8601DateFormatter().date(from: stamp))
        #expect(abs(parsed.timeIntervalSince(before)) < 5)
    }

    @Test func currentTimeDefaultsToTheLocalZone() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let result = try await harness.call("current_time")
        #expect(!result.failed)
        #expect(result.structuredContent?.objectValue?["timezone"] == .string(TimeZone.current.identifier))
    }

    @Test func unknownZoneIsAToolErrorNamingIt() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let result = try await harness.call("current_time", ["timezone": "Mars/Olympus_Mons"])
        #expect(result.failed)
        #expect(result.text.contains("'Mars/Olympus_Mons'"))
    }

    // MARK: read_file

    @Test func readFileReadsInsideTheRoot() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        try harness.symlink("inside-link", to: harness.root + "/notes.txt")
        for path in ["notes.txt", "./notes.txt", "sub/../notes.txt", harness.root + "/notes.txt", "inside-link"] {
            let result = try await harness.call("read_file", ["path": .string(path)])
            #expect(!result.failed, "\(path): \(result.text)")
            #expect(result.texts == ["hello from notes\n"], "\(path)")
        }
    }

    @Test func readFileRefusesEveryWayOut() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        try harness.symlink("escape", to: harness.outside + "/secret.txt")
        try harness.symlink("escape-dir", to: harness.outside)
        try harness.symlink("sub/up", to: "../../outside")
        let attempts = [
            "../outside/secret.txt", "sub/../../outside/secret.txt", harness.outside + "/secret.txt", "/etc/passwd",
            "escape", "escape-dir/secret.txt", "sub/up/secret.txt", "../outside/does-not-exist", "..",
        ]
        for path in attempts {
            let result = try await harness.call("read_file", ["path": .string(path)])
            #expect(result.failed, "\(path) should be refused")
            #expect(result.text == "'\(path)' is outside the server root \(harness.root)", "\(path)")
            #expect(!result.text.contains("top secret"))
        }
    }

    @Test func readFileRefusesWhatIsNotATextFile() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        #expect(mkfifo(harness.root + "/pipe", 0o600) == 0)
        let cases = [
            ("bin.dat", "'bin.dat' is a binary file (not UTF-8 text)"),
            ("missing.txt", "'missing.txt' does not exist"),
            ("sub", "'sub' is not a regular file"),
            ("pipe", "'pipe' is not a regular file"),
            ("", "'' is not a valid path"),
        ]
        for (path, message) in cases {
            let result = try await harness.call("read_file", ["path": .string(path)])
            #expect(result.failed, "\(path)")
            #expect(result.text == message)
        }
    }

    @Test func readFileCutsLongFilesWithANote() async throws {
        let harness = try BuiltinServerHarness(readLimit: 1000)
        defer { harness.remove() }
        try harness.write("long.txt", String(repeating: "abcdefghij", count: 150))
        let cut = try await harness.call("read_file", ["path": "long.txt"])
        #expect(!cut.failed)
        #expect(cut.texts.count == 2)
        #expect(cut.texts[0].utf8.count == 1000)
        #expect(cut.texts[1].contains("first 1000 of 1500 bytes"))
        let small = try await harness.call("read_file", ["path": "long.txt", "max_bytes": 10])
        #expect(small.texts.first == "abcdefghij")
        let whole = try await harness.call("read_file", ["path": "long.txt", "max_bytes": 4096])
        #expect(whole.texts.count == 1)
        #expect(whole.texts[0].utf8.count == 1500)
        let zero = try await harness.call("read_file", ["path": "long.txt", "max_bytes": 0])
        #expect(zero.failed)
        #expect(zero.text.contains("max_bytes"))
    }

    @Test func readFileNeverSplitsACharacterWhenCutting() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        try harness.write("accents.txt", "ééééé")  // two bytes each
        let result = try await harness.call("read_file", ["path": "accents.txt", "max_bytes": 5])
        #expect(!result.failed, "\(result.text)")
        #expect(result.texts.first == "éé")
    }

    // MARK: list_directory

    @Test func listDirectoryShowsSortedEntries() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        try harness.symlink("link", to: "notes.txt")
        let result = try await harness.call("list_directory")
        #expect(!result.failed)
        #expect(result.text == "bin.dat  5 bytes\nlink@\nnotes.txt  17 bytes\nsub/")
        let structured = try #require(result.structuredContent?.objectValue)
        #expect(structured["path"] == ".")
        #expect(structured["omitted"] == 0)
        #expect(structured["entries"]?.arrayValue?.first == ["name": "bin.dat", "type": "file", "size": 5])
        let sub = try await harness.call("list_directory", ["path": "sub"])
        #expect(sub.text == "inner.md  8 bytes")
        #expect(sub.structuredContent?.objectValue?["path"] == "sub")
    }

    @Test func listDirectoryRefusesOutsideAndNonDirectories() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        try harness.symlink("out", to: harness.outside)
        for path in ["..", "../outside", harness.outside, "out", "/"] {
            let result = try await harness.call("list_directory", ["path": .string(path)])
            #expect(result.failed, "\(path)")
            #expect(result.text.contains("outside the server root"), "\(path): \(result.text)")
        }
        let file = try await harness.call("list_directory", ["path": "notes.txt"])
        #expect(file.text == "'notes.txt' is not a directory")
    }

    @Test func fileRootRejectsAMissingRoot() {
        #expect(throws: FileAccessError.self) { try FileRoot("/definitely/not/here-\(UUID().uuidString)") }
        #expect(throws: FileAccessError.self) { try FileRoot("/etc/hostname") }
    }
}
