/// The latest request latencies of one server, for the status's p50: a fixed ring, so a
/// long-running gateway keeps constant memory and the median follows recent behaviour.
public struct LatencyWindow: Sendable, Hashable {
    private var samples: [Duration] = []
    private var next = 0
    /// How many samples are kept.
    public let capacity: Int

    public init(capacity: Int = 128) {
        self.capacity = max(1, capacity)
    }

    /// Adds a sample, dropping the oldest when full.
    public mutating func record(_ latency: Duration) {
        if samples.count < capacity {
            samples.append(latency)
        } else {
            samples[next] = latency
        }
        next = (next + 1) % capacity
    }

    /// The most recent sample.
    public var last: Duration? {
        samples.isEmpty ? nil : samples[(next + capacity - 1) % capacity]
    }

    /// The median of the window (the lower middle for an even count).
    public var median: Duration? {
        guard !samples.isEmpty else { return nil }
        return samples.sorted()[(samples.count - 1) / 2]
    }

    /// Samples held.
    public var count: Int { samples.count }
}
