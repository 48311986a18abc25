import Dispatch
import Foundation
import Synchronization

/// `(0..<count).map(transform)`, computed by `workers` threads at once, each taking the
/// next index not yet taken: a worker whose indices were quick takes more, so the workers
/// end together rather than one finishing its share while another still has half of its
/// own. The result is in index order.
func parallelMap<Value>(_ count: Int, workers: Int, _ transform: @Sendable (Int) -> Value) -> [Value] {
    guard count > 0 else { return [] }
    let workers = min(count, max(1, workers))
    return Array(unsafeUninitializedCapacity: count) { buffer, initialized in
        let slots = DisjointSlots(buffer: buffer)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < count else { break }
                slots.initialize(index, to: transform(index))
            }
        }
        initialized = count
    }
}

/// A buffer that parallel workers fill, each index by exactly one worker, read only after
/// they have all finished.
private struct DisjointSlots<Value>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Value>
    func initialize(_ index: Int, to value: Value) { (buffer.baseAddress! + index).initialize(to: value) }
}

/// Fixed slots filled from concurrent iterations, each slot written by exactly one of them,
/// for parallel work that `parallelMap` does not fit (workers keeping state of their own
/// between indices, as the gate's document buffers).
final class ResultSlots<Value>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    subscript(index: Int) -> Value? {
        get { lock.withLock { storage[index] } }
        set { lock.withLock { storage[index] = newValue } }
    }

    var values: [Value] { lock.withLock { storage.map { $0! } } }
}
