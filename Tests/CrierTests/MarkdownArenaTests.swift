import Dispatch
import Synchronization
import Testing
@testable import CrierMarkdown

/// `RenderArena` changes how cmark-gfm gets memory, never what it renders.
@Suite("Markdown rendering in an arena")
struct MarkdownArenaTests {
    /// Pieces of Markdown that exercise the extensions and the main allocation paths:
    /// tables, footnotes, reference links, nested lists and quotes, raw HTML, autolinks,
    /// long runs.
    static let pieces = [
        "| a | b | c |\n|---|:-:|--:|\n| 1 | *2* | `3` |\n| x | y |\n",
        "Text with a footnote[^n] and another[^m].\n\n[^n]: The note, with **bold**.\n[^m]: Second.\n",
        "[ref link][r] and [another][R].\n\n[r]: https://example.com/r \"Title\"\n[R]: ../rel/path\n",
        "- one\n  - two\n    - three\n      1. four\n      2. five\n- [ ] task\n- [x] done\n",
        "> quote\n> > nested *quote* with ~~strike~~\n> back\n",
        "<div class=\"x\">raw <b>html</b></div>\n\nInline <span>span</span> and <!-- comment -->.\n",
        "Autolinks: www.example.org, https://example.net/path?q=1&r=2, mail@example.com.\n",
        "```swift\nlet x = 1 < 2 && 3 > 2\n```\n\n    indented code\n",
        "# Heading *one*\n\nSetext\n======\n\n***\n",
        "**strong _emph `code` [link](https://e.org/\"q\")_** ![img](/i.png \"t\") \\*not\\* &amp; &copy; &#1234;\n",
        "[unclosed [brackets *and* ** stars _ everywhere ~ ~~ `\n",
    ]

    static func document(_ generator: inout SplitMix64) -> String {
        var parts: [String] = []
        for _ in 0..<Int.random(in: 1...12, using: &generator) {
            var piece = pieces.randomElement(using: &generator)!
            if Int.random(in: 0..<8, using: &generator) == 0 {
                piece = String(repeating: "word ", count: Int.random(in: 100...5_000, using: &generator)) + "\n"
            }
            parts.append(piece)
        }
        return parts.joined(separator: "\n")
    }

    @Test func arenaRendersExactlyWhatTheSystemAllocatorRenders() {
        var generator = SplitMix64(seed: 5005)
        for round in 0..<400 {
            let markdown = Self.document(&generator)
            let raw = round % 2 == 0
            let plain = MarkdownRenderer.render(markdown, allowRawHTML: raw, usingArena: false)
            let arena = MarkdownRenderer.render(markdown, allowRawHTML: raw, usingArena: true)
            #expect(arena == plain, "round \(round)")
            let resolve: (String) -> String = { "https://site.example/base/" + $0 }
            #expect(MarkdownRenderer.render(markdown, allowRawHTML: raw, usingArena: true, resolvingURLs: resolve)
                    == MarkdownRenderer.render(markdown, allowRawHTML: raw, usingArena: false, resolvingURLs: resolve), "round \(round)")
        }
    }

    /// Larger than the first chunk, so the arena grows (and buffers move) mid-render.
    @Test func aLongPostGrowsTheArena() {
        let markdown = (0..<3_000).map { "Paragraph \($0) with *emphasis*, a [link](/p/\($0)) and a footnote[^\($0)].\n\n[^\($0)]: Note \($0).\n" }
            .joined(separator: "\n")
        #expect(markdown.utf8.count > 256 << 10 && markdown.utf8.count < MarkdownRenderer.arenaInputLimit)
        let html = MarkdownRenderer.render(markdown, allowRawHTML: true, usingArena: true)
        #expect(html == MarkdownRenderer.render(markdown, allowRawHTML: true, usingArena: false))
        #expect(html.contains("Note 2999"))
    }

    /// A render started from inside another's URL resolver does not take the arena the
    /// outer render is still using.
    @Test func aRenderInsideAResolverLeavesTheOuterArenaAlone() {
        let markdown = String(repeating: "[a](x) [b](y) **c** | t |\n|---|\n| d |\n\n", count: 50)
        let resolve: (String) -> String = { url in
            MarkdownRenderer.render("*\(url)* " + String(repeating: "z ", count: 2_000), allowRawHTML: true, usingArena: true)
                .count.description + url
        }
        #expect(MarkdownRenderer.render(markdown, allowRawHTML: true, usingArena: true, resolvingURLs: resolve)
                == MarkdownRenderer.render(markdown, allowRawHTML: true, usingArena: false, resolvingURLs: resolve))
    }

    /// Each thread has its own arena: renders in parallel give the serial results.
    @Test func parallelRendersMatchSerialOnes() {
        var generator = SplitMix64(seed: 77)
        let documents = (0..<200).map { _ in Self.document(&generator) }
        let expected = documents.map { MarkdownRenderer.render($0, allowRawHTML: true, usingArena: false) }
        let results = Mutex([String](repeating: "", count: documents.count))
        DispatchQueue.concurrentPerform(iterations: documents.count) { index in
            let html = MarkdownRenderer.render(documents[index])
            results.withLock { $0[index] = html }
        }
        #expect(results.withLock { $0 } == expected)
    }
}

/// The arena's own bookkeeping, driven directly.
@Suite("Render arena")
struct RenderArenaTests {
    @Test func blocksAreZeroedGrownInPlaceMovedAndGivenBack() {
        var arena = RenderArena()
        defer { arena.freeAll() }
        // A block filled, given back, and asked for again zeroed, at the same address.
        let dirty = arena.allocate(100, zeroed: false)
        dirty.initializeMemory(as: UInt8.self, repeating: 0xFF, count: 100)
        arena.release(dirty)
        let zeroed = arena.allocate(100, zeroed: true)
        #expect(zeroed == dirty)
        #expect(UnsafeRawBufferPointer(start: zeroed, count: 100).allSatisfy { $0 == 0 })
        let first = arena.allocate(10, zeroed: false)
        first.copyMemory(from: Array("0123456789".utf8), byteCount: 10)
        // The last block grows where it is.
        let grown = arena.reallocate(first, 5_000)!
        #expect(grown == first)
        // Another block after it: growing the first again moves it, contents kept.
        let other = arena.allocate(32, zeroed: true)
        let moved = arena.reallocate(grown, 10_000)!
        #expect(moved != grown)
        #expect(String(decoding: UnsafeRawBufferPointer(start: moved, count: 10), as: UTF8.self) == "0123456789")
        // Freeing the last block takes its room back: the next block starts there.
        arena.release(moved)
        #expect(arena.allocate(8, zeroed: false) == moved)
        arena.release(other)
    }

    /// An empty block is still a place of its own inside a chunk, even when the chunk has
    /// just a header's room left (its payload would otherwise start at the chunk's end,
    /// where the arena would take it for a block of the system's).
    @Test func anEmptyBlockAtAChunksEndIsStillTheArenas() {
        var arena = RenderArena()
        defer { arena.freeAll() }
        arena.release(arena.allocate(1, zeroed: false))
        let chunk = arena.chunkBytes
        _ = arena.allocate(chunk - 32, zeroed: false)
        #expect(arena.chunkBytes == chunk)
        let empty = arena.allocate(0, zeroed: true)
        #expect(arena.owns(empty))
        arena.release(empty)
    }

    /// Past `chunkLimit` blocks come from the system allocator and behave as its blocks do.
    @Test func pastTheLimitBlocksComeFromTheSystem() {
        var arena = RenderArena()
        defer { arena.freeAll() }
        let size = 1 << 20
        var blocks: [UnsafeMutableRawPointer] = []
        #expect(arena.resetFreesEverything)
        for index in 0..<(RenderArena.chunkLimit / size + 8) {
            let block = arena.allocate(size, zeroed: index % 2 == 0)
            block.storeBytes(of: UInt32(index), as: UInt32.self)
            blocks.append(block)
        }
        for (index, block) in blocks.enumerated() {
            #expect(block.load(as: UInt32.self) == UInt32(index))
        }
        // The chunks stopped at the limit; the blocks past it are the system's.
        #expect(arena.chunkBytes <= RenderArena.chunkLimit)
        #expect(arena.owns(blocks[0]))
        #expect(!arena.owns(blocks[blocks.count - 1]))
        // So a render must free its tree block by block, until the next reset.
        #expect(!arena.resetFreesEverything)
        // Growing a system block past the limit keeps its contents.
        let last = arena.reallocate(blocks.removeLast(), 4 * size)!
        #expect(last.load(as: UInt32.self) == UInt32(blocks.count))
        arena.release(last)
        for block in blocks { arena.release(block) }
        arena.reset()
        #expect(arena.resetFreesEverything)
        #expect(arena.chunkBytes < RenderArena.chunkLimit)
        let again = arena.allocate(64, zeroed: false)
        again.initializeMemory(as: UInt8.self, repeating: 0xFF, count: 64)
        arena.reset()
        let zeroed = arena.allocate(64, zeroed: true)
        #expect(zeroed == again)
        #expect(UnsafeRawBufferPointer(start: zeroed, count: 64).allSatisfy { $0 == 0 })
    }
}
