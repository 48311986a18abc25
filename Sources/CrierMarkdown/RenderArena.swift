import CCmarkGFM

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A bump allocator for one render's cmark-gfm parser, nodes and buffers, one per thread
/// and reused from render to render.
///
/// cmark-gfm allocates every node, delimiter and buffer on its own, and frees them one by
/// one; for a blog post that is tens of thousands of `malloc`/`free` calls, about a quarter
/// of the time a render takes. Here an allocation moves a pointer, a free does nothing
/// (or takes back the last block), and the whole render's memory goes at once when it
/// ends. A `realloc` of the last block grows it in place, as cmark's growing buffers do.
/// While every block came from the chunks (`resetFreesEverything`), a render does not even
/// free its tree and parser: the reset takes them.
///
/// A block not from the arena is passed to the system `realloc` and `free`: a pointer is
/// the arena's only if it lies in one of its chunks. That covers cmark-gfm code that
/// allocates with the system allocator and frees through the parser's (none in 0.29, whose
/// parser, nodes and extensions allocate through the parser's `cmark_mem`), and the blocks
/// a render asks for once its chunks hold `chunkLimit` bytes, which keeps a text that makes
/// cmark-gfm allocate far more than it holds from growing the arena without bound.
///
/// cmark-gfm's `cmark_mem` callbacks carry no context, so the arena in use is found
/// through a thread-specific key; `MarkdownRenderer` uses it for one render at a time on
/// the thread that renders.
struct RenderArena {
    /// One block of memory the arena carves allocations from.
    private struct Chunk {
        var start: UnsafeMutableRawPointer
        var end: UnsafeMutableRawPointer
    }

    /// Each block starts with its size, in a header that keeps the payload 16-byte aligned.
    private static let header = 16
    private static let alignment = 16
    /// The first chunk, kept from render to render.
    private static let firstChunkSize = 256 << 10
    /// The most the chunks may hold: past it (a freak text, where cmark-gfm allocates far
    /// more in total than it ever holds at once), blocks come from the system allocator,
    /// whose frees do free.
    static let chunkLimit = 64 << 20

    private var chunks: [Chunk] = []
    /// The bytes of all chunks.
    private(set) var chunkBytes = 0
    /// Whether a render on this thread is using the arena (a render inside one, from a
    /// URL resolver, must not take it).
    var inUse = false
    /// Whether, since the last reset, a block came from the system allocator (the chunks
    /// were full) or a system block was reallocated: then not every block the render holds
    /// goes with `reset()`, and its tree and parser must be freed block by block.
    private(set) var handedOutSystemBlocks = false

    /// Whether `reset()` gives back every block cmark-gfm got through the arena since the
    /// last reset, so that a render may skip freeing its tree and parser node by node (tens
    /// of thousands of callbacks per post that only find blocks `reset()` drops anyway).
    /// cmark-gfm 0.29 allocates a parser's and its nodes' memory only through the parser's
    /// allocator, the extensions included (`cmark_node_new_with_mem`).
    var resetFreesEverything: Bool { !handedOutSystemBlocks }
    /// Where the next block goes, in the last chunk.
    private var top: UnsafeMutableRawPointer?
    /// The payload of the block allocated last, the one a `realloc` can grow in place.
    private var last: UnsafeMutableRawPointer?

    /// The calling thread's arena, made on first use and kept until the thread ends;
    /// `nil` when the thread cannot keep one (no key could be made, or it cannot be set).
    static func forCurrentThread() -> UnsafeMutablePointer<RenderArena>? {
        guard let key = arenaKey else { return nil }
        if let existing = pthread_getspecific(key) {
            return existing.assumingMemoryBound(to: RenderArena.self)
        }
        let arena = UnsafeMutablePointer<RenderArena>.allocate(capacity: 1)
        arena.initialize(to: RenderArena())
        guard pthread_setspecific(key, arena) == 0 else {
            arena.deinitialize(count: 1)
            arena.deallocate()
            return nil
        }
        return arena
    }

    /// The arena a render on this thread is using, for cmark-gfm's callbacks. The render
    /// took it through `forCurrentThread()`, which made the key: no lazy global on this
    /// path, which runs for every allocation.
    fileprivate static func inUseOnCurrentThread() -> UnsafeMutablePointer<RenderArena> {
        pthread_getspecific(arenaKeyValue.key)!.assumingMemoryBound(to: RenderArena.self)
    }

    /// The callbacks to hand cmark-gfm (`cmark_parser_new_with_mem`) while this thread's
    /// arena is in use.
    static var allocator: UnsafeMutablePointer<cmark_mem> { arenaAllocator }

    /// Gives back every block at once; keeps the first chunk for the next render.
    mutating func reset() {
        for chunk in chunks.dropFirst() { free(chunk.start) }
        chunks.removeSubrange(min(1, chunks.count)...)
        chunkBytes = chunks.first.map { $0.end - $0.start } ?? 0
        top = chunks.first?.start
        last = nil
        handedOutSystemBlocks = false
    }

    /// Frees every chunk.
    mutating func freeAll() {
        for chunk in chunks { free(chunk.start) }
        chunks = []
        chunkBytes = 0
        top = nil
        last = nil
    }

    mutating func allocate(_ size: Int, zeroed: Bool) -> UnsafeMutableRawPointer {
        // At least one byte, so a payload never starts at its chunk's end (where `owns`
        // would not know it).
        let needed = Self.header + Self.rounded(max(size, 1))
        if top == nil || top! + needed > chunks[chunks.count - 1].end {
            guard addChunk(atLeast: needed) else {
                handedOutSystemBlocks = true
                guard let block = zeroed ? calloc(1, max(size, 1)) : malloc(max(size, 1)) else {
                    fatalError("out of memory rendering Markdown")
                }
                return block
            }
        }
        let block = top!
        block.storeBytes(of: size, as: Int.self)
        let payload = block + Self.header
        top = block + needed
        last = payload
        if zeroed { memset(payload, 0, size) }
        return payload
    }

    mutating func reallocate(_ pointer: UnsafeMutableRawPointer?, _ size: Int) -> UnsafeMutableRawPointer? {
        guard let pointer else { return allocate(size, zeroed: false) }
        guard owns(pointer) else {
            handedOutSystemBlocks = true
            return realloc(pointer, size)
        }
        let oldSize = (pointer - Self.header).load(as: Int.self)
        if pointer == last, pointer + Self.rounded(size) <= chunks[chunks.count - 1].end {
            (pointer - Self.header).storeBytes(of: size, as: Int.self)
            top = pointer + Self.rounded(size)
            return pointer
        }
        let moved = allocate(size, zeroed: false)
        moved.copyMemory(from: pointer, byteCount: min(oldSize, size))
        return moved
    }

    mutating func release(_ pointer: UnsafeMutableRawPointer?) {
        guard let pointer else { return }
        guard owns(pointer) else { return free(pointer) }
        if pointer == last {
            top = pointer - Self.header
            last = nil
        }
    }

    /// Whether `pointer` lies in one of the arena's chunks.
    func owns(_ pointer: UnsafeMutableRawPointer) -> Bool {
        // Newest chunk first: nearly every pointer is in it.
        for chunk in chunks.reversed() where pointer >= chunk.start && pointer < chunk.end { return true }
        return false
    }

    /// Adds a chunk with room for `needed` bytes; `false` when that would pass `chunkLimit`.
    private mutating func addChunk(atLeast needed: Int) -> Bool {
        let previous = chunks.last.map { $0.end - $0.start } ?? 0
        let size = max(needed, previous * 2, Self.firstChunkSize)
        guard chunkBytes + size <= Self.chunkLimit else { return false }
        guard let start = malloc(size) else { fatalError("out of memory rendering Markdown") }
        chunks.append(Chunk(start: start, end: start + size))
        chunkBytes += size
        top = start
        last = nil
        return true
    }

    private static func rounded(_ size: Int) -> Int { (size + alignment - 1) & ~(alignment - 1) }
}

/// The key under which each thread keeps its arena (freed with the thread); `nil` if the
/// system has no key left, and then every render uses the system allocator.
private let arenaKey: pthread_key_t? = {
    var key = pthread_key_t()
    let made = pthread_key_create(&key) { raw in
        guard let raw else { return }
        let arena = raw.assumingMemoryBound(to: RenderArena.self)
        arena.pointee.freeAll()
        arena.deinitialize(count: 1)
        arena.deallocate()
    }
    guard made == 0 else { return nil }
    arenaKeyValue.key = key
    return key
}()

/// `arenaKey` once made, in storage Swift initialises statically (no lazy-initialisation
/// check on access). Written once, before any render can call back into the arena.
private struct ArenaKeyValue {
    var key: pthread_key_t = 0
}
nonisolated(unsafe) private var arenaKeyValue = ArenaKeyValue()

private func currentArena() -> UnsafeMutablePointer<RenderArena> {
    RenderArena.inUseOnCurrentThread()
}

/// cmark-gfm's allocator callbacks, bound to the calling thread's arena. Written once,
/// then only read by cmark-gfm.
nonisolated(unsafe) private let arenaAllocator: UnsafeMutablePointer<cmark_mem> = {
    let mem = UnsafeMutablePointer<cmark_mem>.allocate(capacity: 1)
    mem.initialize(to: cmark_mem(
        calloc: { count, size in
            let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
            return overflow ? nil : currentArena().pointee.allocate(bytes, zeroed: true)
        },
        realloc: { pointer, size in currentArena().pointee.reallocate(pointer, size) },
        free: { pointer in currentArena().pointee.release(pointer) }))
    return mem
}()
