extension Dictionary {
    /// Room for one more entry in a memory of at most `capacity` entries (a cache, a throttle's
    /// clients): when it is full, the entries `keep` refuses go, and if that frees less than half of
    /// it, every entry goes. So the whole memory is scanned at most once per `capacity / 2`
    /// insertions. Scanning whenever it was full let a steady flood of new callers, each freeing a
    /// few entries, make every request scan all the others under the memory's lock.
    public mutating func makeRoom(capacity: Int, keeping keep: (Value) -> Bool) {
        guard count >= capacity else { return }
        self = filter { keep($0.value) }
        if count > capacity / 2 { removeAll(keepingCapacity: true) }
    }
}
