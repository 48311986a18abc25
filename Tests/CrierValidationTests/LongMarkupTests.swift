import Testing
@testable import CrierXML
@testable import CrierValidation

/// libxml2 2.9's push parser, which the streaming reader feeds, keeps a start tag, comment
/// or processing instruction whole until its end, and searches back through all of it for
/// each piece it is given that holds a `>`: markup with `>` all through it costs time
/// growing with the square of its length. The reader stops at such markup, with an error at
/// it; long markup without `>` inside, or with `<` (commented-out XML), is read as usual.
@Suite struct LongMarkupTests {
    /// An RSS feed with `markup` on line 3, from column 1.
    static func rss(_ markup: String) -> [UInt8] {
        Array("""
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0"><channel><title>T</title><link>https://e.org/</link><description>D</description>
        \(markup)
        <item><title>I</title><guid>https://e.org/1</guid></item></channel></rss>

        """.utf8)
    }

    static func errors(_ bytes: [UInt8], streamed: Bool = false) -> [Diagnostic] {
        FeedValidator.validate(bytes: bytes, fileName: "feed.xml", options: ValidationOptions(), sniffing: 4096, walking: !streamed)
            .diagnostics.filter { $0.severity == .error }
    }

    /// 2 MB of `a>` pairs, or of `a` alone.
    static let withGreaterThan = String(repeating: "a>", count: 1_000_000)
    static let without = String(repeating: "a", count: 2_000_000)

    @Test func aStartTagWithGreaterThanAllThroughItStopsTheReader() {
        for streamed in [false, true] {
            let errors = Self.errors(Self.rss(#"<category domain="\#(Self.withGreaterThan)">x</category>"#), streamed: streamed)
            #expect(errors.map { "\($0.rule)@\($0.line):\($0.column)" } == ["ValidatorLimit@3:1"], "\(errors)")
            #expect(errors.first?.message.contains("a start tag (") == true)
            #expect(errors.first?.stopsTheParser == true)
        }
        // A long value without `>` (a data: URI) is read.
        #expect(Self.errors(Self.rss(#"<category domain="\#(Self.without)">x</category>"#), streamed: true) == [])
    }

    @Test func aCommentWithGreaterThanAllThroughItStopsTheReader() {
        for streamed in [false, true] {
            let errors = Self.errors(Self.rss("  <!-- \(Self.withGreaterThan) -->"), streamed: streamed)
            #expect(errors.map { "\($0.rule)@\($0.line):\($0.column)" } == ["ValidatorLimit@3:3"], "\(errors)")
            #expect(errors.first?.message.contains("a comment (") == true)
        }
        // Commented-out items hold `<` as often as `>`; a long comment of text has no `>`.
        let item = "<item><title>Old</title><guid>https://e.org/old</guid><description>a &gt; b</description></item>\n"
        #expect(Self.errors(Self.rss("<!-- " + String(repeating: item, count: 20_000) + " -->"), streamed: true) == [])
        #expect(Self.errors(Self.rss("<!-- \(Self.without) -->"), streamed: true) == [])
    }

    @Test func aProcessingInstructionWithGreaterThanAllThroughItStopsTheReader() {
        let errors = Self.errors(Self.rss("<item><title>I</title><guid>https://e.org/2</guid></item><?note \(Self.withGreaterThan)?>"), streamed: true)
        let column = "<item><title>I</title><guid>https://e.org/2</guid></item>".count + 1
        #expect(errors.map { "\($0.rule)@\($0.line):\($0.column)" } == ["ValidatorLimit@3:\(column)"], "\(errors)")
        #expect(errors.first?.message.contains("a processing instruction (") == true)
        #expect(Self.errors(Self.rss("<?note \(Self.without)?>"), streamed: true) == [])
    }

    /// Many short tags, comments and instructions add up to far less than the budget,
    /// however many there are; so do `>` inside the document type declaration, which
    /// libxml2 reads without searching back. One long comment full of `>` does not.
    @Test func shortMarkupAddsUpToNothingButOneLongCommentDoes() {
        let items = (0..<40_000).map { #"<item><title a="1>0">I</title><guid>https://e.org/\#($0)</guid></item><!-- a>b --><?pi a>b?>"# }
        var guardPieces = MarkupGuard()
        let bytes = Self.rss(items.joined(separator: "\n"))
        #expect(bytes.withUnsafeBytes { guardPieces.admit($0) })
        #expect(guardPieces.stop == nil)
        let subset = Array("<!DOCTYPE rss [<!-- \(Self.withGreaterThan) -->]>\n".utf8)
        var guardSubset = MarkupGuard()
        #expect((subset + Self.rss("")).withUnsafeBytes { guardSubset.admit($0) })
        // One long comment full of `>` does not.
        var guardComment = MarkupGuard()
        #expect(!Self.rss("<!-- \(Self.withGreaterThan) -->").withUnsafeBytes { guardComment.admit($0) })
    }
}
