extension Array {
    /// Consecutive slices of at most `size` elements, for events that carry bulk data in chunks
    /// (DESIGN.md §2). An empty array gives one empty chunk: a snapshot of nothing is still sent.
    public func chunks(of size: Int) -> [[Element]] {
        guard !isEmpty else { return [[]] }
        return stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
