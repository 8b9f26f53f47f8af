extension Duration {
    /// The duration as fractional milliseconds: what status output and benchmark reports show.
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }

    /// Seconds as people write them (config files, `--timeout 1.5`), rounded to the microsecond:
    /// the one conversion every limit goes through, so `0.1` is exactly 100 ms wherever it is read.
    public static func seconds(rounding seconds: Double) -> Duration {
        .microseconds(Int64((seconds * 1_000_000).rounded()))
    }
}
