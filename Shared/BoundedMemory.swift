extension Dictionary {
    /// Room for one more entry in a memory of at most `capacity` entries (a cache, a throttle's
    /// clients): when it is full, the entries `keep` refuses go, and if that frees less than half of
    /// it, every entry goes. So the whole memory is scanned at most once per `capacity / 2`
    /// insertions. Scanning whenever it was full let a steady flood of new callers, each freeing a
    /// few entries, make every request scan all the others under the memory's lock. The entries
    /// `hold` names (a throttle's clients held back) outlive the start-over when they fit in half of
    /// it: a flood of new callers does not set them free.
    public mutating func makeRoom(capacity: Int, keeping keep: (Value) -> Bool, holding hold: ((Value) -> Bool)? = nil) {
        guard count >= capacity else { return }
        self = filter { keep($0.value) }
        guard count > capacity / 2 else { return }
        if let hold {
            self = filter { hold($0.value) }
            if count <= capacity / 2 { return }
        }
        removeAll(keepingCapacity: true)
    }
}
