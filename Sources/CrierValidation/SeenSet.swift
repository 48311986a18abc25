/// Remembers strings seen so far (entry ids, guids) as 64-bit hashes, so a feed of any
/// length costs 8 bytes per entry rather than the strings themselves, and stops
/// remembering after `limit` entries to keep memory bounded.
struct SeenSet {
    static let limit = 1_000_000
    private var hashes: Set<Int> = []

    /// Records `key`; returns `false` when it was seen before.
    mutating func insert(_ key: String) -> Bool {
        var hasher = Hasher()
        hasher.combine(key)
        let hash = hasher.finalize()
        if hashes.contains(hash) { return false }
        if hashes.count < SeenSet.limit { hashes.insert(hash) }
        return true
    }
}
