/// Durations as fractional milliseconds, and percentiles of samples, for benchmark reports.
extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}

extension Array where Element == Duration {
    /// The nearest-rank percentile (`p` in 0…1) in milliseconds; 0 for no samples.
    func percentileMilliseconds(_ p: Double) -> Double {
        guard !isEmpty else { return 0 }
        let sorted = self.sorted()
        return sorted[Swift.max(0, Swift.min(count - 1, Int((Double(count) * p).rounded(.up)) - 1))].milliseconds
    }
}
