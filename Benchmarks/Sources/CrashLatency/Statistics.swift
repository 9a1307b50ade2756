// Order statistics of repeated measurements.

/// Sorted samples with nearest-rank percentiles.
struct Samples {
    let sorted: [UInt64]

    init(_ values: [UInt64]) {
        sorted = values.sorted()
    }

    /// The nearest-rank `p`-th percentile (0...100); 0 for no samples.
    func percentile(_ p: Int) -> UInt64 {
        guard !sorted.isEmpty else { return 0 }
        let rank = max(1, Int((Double(p) / 100 * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }

    /// The median (the mean of the two middle samples for an even count).
    var median: Double {
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        if sorted.count % 2 == 1 { return Double(sorted[middle]) }
        return (Double(sorted[middle - 1]) + Double(sorted[middle])) / 2
    }
}

/// Nanoseconds as milliseconds with two decimals, e.g. `12.34`.
func milliseconds(_ nanoseconds: Double) -> String {
    let hundredths = Int((nanoseconds / 10_000).rounded())
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
}

/// A ratio with two significant decimals, e.g. `3.4×`.
func ratio(_ numerator: Double, _ denominator: Double) -> String {
    guard denominator > 0 else { return "–" }
    let tenths = Int((numerator / denominator * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)×"
}
