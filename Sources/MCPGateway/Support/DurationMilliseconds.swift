extension Duration {
    /// The duration as fractional milliseconds: what status output and benchmark reports show.
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }

    /// Seconds as people write them (config files, `--timeout 1.5`), rounded to the microsecond:
    /// the one conversion every limit goes through, so `0.1` is exactly 100 ms wherever it is read.
    public static func seconds(rounding seconds: Double) -> Duration {
        .microseconds(Int64((min(max(seconds, 0), maxConfigSeconds) * 1_000_000).rounded()))
    }

    /// The longest limit anyone can mean (about 31 years); a larger number is a typo, refused
    /// where it is read and never converted (it would not fit in 64 bits of microseconds).
    public static let maxConfigSeconds: Double = 1e9
}
