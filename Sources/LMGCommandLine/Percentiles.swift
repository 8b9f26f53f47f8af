import MCPGateway

/// Percentiles of samples, for benchmark reports.
extension Array where Element == Duration {
    /// The nearest-rank percentile (`p` in 0…1) in milliseconds; 0 for no samples.
    public func percentileMilliseconds(_ p: Double) -> Double {
        guard !isEmpty else { return 0 }
        let sorted = self.sorted()
        return sorted[Swift.max(0, Swift.min(count - 1, Int((Double(count) * p).rounded(.up)) - 1))].milliseconds
    }
}
