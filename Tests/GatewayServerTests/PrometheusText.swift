import Foundation

/// The Prometheus text exposition (format 0.0.4) read back strictly: a malformed line, a sample
/// of a family without `# TYPE`, or a histogram whose buckets do not add up fails the parse, so
/// tests check the whole output rather than one substring.
struct PrometheusText {
    struct Sample: Equatable {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    private(set) var samples: [Sample] = []
    /// Family name → counter, gauge, histogram, summary or untyped.
    private(set) var types: [String: String] = [:]
    private(set) var help: [String: String] = [:]

    init(_ text: String) throws {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ", maxSplits: 3)
                guard parts.count == 4, Self.isName(parts[2]) else { throw ParseError(description: "bad comment line: \(line)") }
                if parts[1] == "HELP" {
                    help[String(parts[2])] = String(parts[3])
                } else {
                    guard ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                        throw ParseError(description: "unknown type: \(line)")
                    }
                    guard types.updateValue(String(parts[3]), forKey: String(parts[2])) == nil else {
                        throw ParseError(description: "a second TYPE line: \(line)")
                    }
                }
            } else if !line.hasPrefix("#") {
                samples.append(try Self.sample(line))
            }
        }
        for sample in samples where family(of: sample.name) == nil {
            throw ParseError(description: "\(sample.name) has no # TYPE line")
        }
        try checkHistograms()
    }

    /// The family a sample belongs to: its own name, or a histogram's for `_bucket`, `_sum`, `_count`.
    func family(of name: String) -> String? {
        if types[name] != nil { return name }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" { return base }
        }
        return nil
    }

    /// The value of the one sample with exactly these labels.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    /// The sum over every sample of `name` whose labels include `matching`.
    func total(_ name: String, matching: [String: String] = [:]) -> Double {
        samples.filter { sample in sample.name == name && matching.allSatisfy { sample.labels[$0.key] == $0.value } }
            .map(\.value).reduce(0, +)
    }

    /// Every label value of every sample.
    var labelValues: Set<String> { Set(samples.flatMap(\.labels.values)) }

    /// Buckets never decrease, and `+Inf` equals `_count`, per series.
    private func checkHistograms() throws {
        for (name, type) in types where type == "histogram" {
            var series: [[String: String]: [(le: Double, count: Double)]] = [:]
            for sample in samples where sample.name == name + "_bucket" {
                guard let le = sample.labels["le"].flatMap(Self.number) else { throw ParseError(description: "\(name): a bucket without le") }
                var labels = sample.labels
                labels["le"] = nil
                series[labels, default: []].append((le, sample.value))
            }
            for (labels, buckets) in series {
                let sorted = buckets.sorted { $0.le < $1.le }
                guard zip(sorted, sorted.dropFirst()).allSatisfy({ $0.count <= $1.count }) else {
                    throw ParseError(description: "\(name)\(labels): buckets decrease")
                }
                guard sorted.last?.le == .infinity, sorted.last?.count == value(name + "_count", labels), value(name + "_sum", labels) != nil else {
                    throw ParseError(description: "\(name)\(labels): +Inf, _count and _sum do not match")
                }
            }
        }
    }

    private static func isName<S: StringProtocol>(_ name: S) -> Bool {
        guard let first = name.first, first.isLetter || first == "_" || first == ":" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
    }

    private static func number<S: StringProtocol>(_ text: S) -> Double? {
        switch text {
        case "+Inf": .infinity
        case "-Inf": -.infinity
        default: Double(text)
        }
    }

    /// `name{label="value",...} value [timestamp]`, label values with `\\`, `\"` and `\n` escapes.
    private static func sample(_ line: Substring) throws -> Sample {
        var rest = line[...]
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard isName(name) else { throw ParseError(description: "bad sample name: \(line)") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = rest.prefix { $0 != "=" }
                rest = rest.dropFirst(key.count)
                guard isName(key), rest.hasPrefix("=\"") else { throw ParseError(description: "bad label: \(line)") }
                rest = rest.dropFirst(2)
                var value = ""
                while let character = rest.first, character != "\"" {
                    rest = rest.dropFirst()
                    if character == "\\" {
                        guard let escaped = rest.first else { throw ParseError(description: "bad escape: \(line)") }
                        rest = rest.dropFirst()
                        switch escaped {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: throw ParseError(description: "bad escape: \(line)")
                        }
                    } else {
                        value.append(character)
                    }
                }
                guard rest.first == "\"", labels.updateValue(value, forKey: String(key)) == nil else {
                    throw ParseError(description: "unterminated or repeated label: \(line)")
                }
                rest = rest.dropFirst()
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" {
                    throw ParseError(description: "bad label list: \(line)")
                }
            }
            rest = rest.dropFirst()
        }
        let fields = rest.split(separator: " ")
        guard rest.first == " ", (1...2).contains(fields.count), let value = number(fields[0]),
              fields.count == 1 || Int(fields[1]) != nil
        else { throw ParseError(description: "bad value: \(line)") }
        return Sample(name: String(name), labels: labels, value: value)
    }
}
