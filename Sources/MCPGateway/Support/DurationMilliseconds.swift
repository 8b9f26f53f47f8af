extension Duration {
    /// The duration as fractional milliseconds: what status output and benchmark reports show.
    public var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
