import Foundation
import Testing
import CrierValidation
@testable import CrierXML

/// Hostile documents: each must end in a clear error, quickly, without reading anything
/// the document points at.
@Suite struct AttackTests {
    /// A fresh temporary directory for one test.
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("crier-attack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `body` on another thread and waits at most `seconds` for it.
    func finishes(within seconds: Double, _ body: @escaping @Sendable () -> Void) -> Bool {
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            body()
            done.signal()
        }
        return done.wait(timeout: .now() + seconds) == .success
    }

    @Test func externalEntityIsNeverRead() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let secret = dir.appendingPathComponent("secret.txt")
        try "CRIER-SECRET-7f3a".write(to: secret, atomically: true, encoding: .utf8)
        // A named pipe with no writer: opening it for reading would block, so finishing at
        // all shows the parser never opened it.
        let fifo = dir.appendingPathComponent("pipe")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let xml = """
        <?xml version="1.0"?>
        <!DOCTYPE feed [
          <!ENTITY secret SYSTEM "\(secret.absoluteString)">
          <!ENTITY pipe SYSTEM "\(fifo.absoluteString)">
          <!ENTITY remote SYSTEM "http://127.0.0.1:9/x">
        ]>
        <feed xmlns="http://www.w3.org/2005/Atom">
          <title>&secret; &pipe; &remote;</title>
          <id>tag:example.com,2024:feed</id><updated>2024-05-01T12:00:00Z</updated>
          <author><name>Ed</name></author><link rel="self" href="https://example.com/f"/>
        </feed>
        """
        let box = ReportBox()
        let finished = finishes(within: 10) {
            box.report = FeedValidator.validate(bytes: Array(xml.utf8), fileName: "xxe.xml")
        }
        #expect(finished, "the parser blocked on the named pipe: it tried to read an external entity")
        if !finished {
            // Unblock the stuck reader so the test process can end.
            let fd = open(fifo.path, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
            return
        }
        let report = try #require(box.report)
        let external = report.diagnostics.filter { $0.rule == "ExternalEntity" }
        #expect(external.count == 3)
        #expect(external.allSatisfy { $0.severity == .error && $0.line == 8 })
        #expect(!report.diagnostics.contains { $0.message.contains("CRIER-SECRET") })
    }

    @Test func entityFromAnUnloadedDTDIsAWarning() {
        let xml = """
        <?xml version="1.0"?>
        <!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://www.rssboard.org/rss-0.91.dtd">
        <rss version="0.91"><channel><title>a&nbsp;b</title><link>https://example.com/</link><description>d</description>
        <language>en</language></channel></rss>
        """
        let report = FeedValidator.validate(bytes: Array(xml.utf8))
        #expect(!report.hasErrors, "\(report.problems)")
        #expect(report.diagnostics.contains { $0.rule == "UndefinedNamedEntity" && $0.severity == .warning && $0.line == 3 })
        #expect(report.format == .rss09x)
    }

    @Test func entityFromAnyOtherUnloadedDTDIsAnError() {
        let xml = """
        <!DOCTYPE feed SYSTEM "http://example.com/feed.dtd">
        <feed xmlns="http://www.w3.org/2005/Atom"><title>a&nbsp;b</title></feed>
        """
        let report = FeedValidator.validate(bytes: Array(xml.utf8))
        #expect(report.diagnostics.contains { $0.rule == "UndefinedNamedEntity" && $0.severity == .error && $0.line == 2 })
    }

    /// Text split into many pieces by comments or entity references is joined as it is
    /// read, at the cost of its length. It was copied whole for every piece: these
    /// 200,000 pieces (2 MB) took 4 s, and ten times as many would take ten minutes.
    @Test func textInManyPiecesIsReadWhole() {
        let pieces = 200_000
        let title = String(repeating: "ab<!---->", count: pieces)
        let xml = "<!DOCTYPE feed [<!ENTITY e \"cd\">]><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>\(title)</title><subtitle>\(String(repeating: "&e;", count: pieces))</subtitle></feed>"
        let document = try? XMLDocument(parsing: Array(xml.utf8))
        let root = document?.root
        #expect(root?.element(named: "title", namespace: "http://www.w3.org/2005/Atom")?.text == String(repeating: "ab", count: pieces))
        #expect(root?.element(named: "subtitle", namespace: "http://www.w3.org/2005/Atom")?.text == String(repeating: "cd", count: pieces))
        let report = FeedValidator.validate(bytes: Array(xml.utf8))
        #expect(report.diagnostics.contains { $0.rule == "MissingElement" }, "the feed has no id: its text was read, and checked")
    }

    @Test func aValueQuotedInAMessageLeavesItOnOneLineOfReasonableLength() {
        let long = String(repeating: "x", count: 100_000)
        let xml = """
        <feed xmlns="http://www.w3.org/2005/Atom"><id>https://e.org/</id><title>F</title><updated>2024-01-01T00:00:00Z</updated>
        <link rel="self" href="https://e.org/f"/><author><name>N</name><email>not an
        e-mail</email></author><contributor><name>M</name><email>\(long)</email></contributor></feed>
        """
        let report = FeedValidator.validate(bytes: Array(xml.utf8))
        let messages = report.diagnostics.filter { $0.rule == "InvalidAddrSpec" }.map(\.message)
        #expect(messages.count == 2)
        #expect(messages.first == #""not an\ne-mail" is not an e-mail address."#)
        #expect(messages.allSatisfy { !$0.contains("\n") && $0.count <= 600 && $0.hasSuffix("is not an e-mail address.") })
    }

    @Test func undefinedEntityWithoutDTDIsAnError() {
        let xml = #"<rss version="2.0"><channel><title>a&nbsp;b</title></channel></rss>"#
        let report = FeedValidator.validate(bytes: Array(xml.utf8))
        #expect(report.diagnostics.contains { $0.rule == "SAXError" && $0.message.contains("nbsp") })
    }

    @Test func externalEntityInAttributeIsAnError() {
        let xml = """
        <!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/hostname">]>
        <feed xmlns="http://www.w3.org/2005/Atom"><link href="&x;"/></feed>
        """
        let report = FeedValidator.validate(bytes: Array(xml.utf8))
        #expect(report.diagnostics.contains { $0.rule == "SAXError" && $0.line == 2 })
    }

    @Test(arguments: ["content", "attribute"])
    func entityExpansionBombIsStopped(_ place: String) {
        var xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE feed [\n<!ENTITY l0 \"lollollollollollollollollollol\">\n"
        for i in 1...9 { xml += "<!ENTITY l\(i) \"" + String(repeating: "&l\(i - 1);", count: 10) + "\">\n" }
        xml += "]>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
        xml += place == "content" ? "<title>&l9;</title>" : "<link href=\"&l9;\"/>"
        xml += "</feed>\n"
        let start = ContinuousClock.now
        let report = FeedValidator.validate(bytes: Array(xml.utf8))
        #expect(ContinuousClock.now - start < .seconds(5))
        #expect(report.diagnostics.contains { $0.severity == .error && ($0.rule == "SAXError" || $0.rule == "ValidatorLimit") })
    }

    @Test func deepNestingIsAnError() {
        let xml = "<feed xmlns=\"http://www.w3.org/2005/Atom\">" + String(repeating: "<x>", count: 10_000)
            + String(repeating: "</x>", count: 10_000) + "</feed>"
        let start = ContinuousClock.now
        let report = FeedValidator.validate(bytes: Array(xml.utf8))
        #expect(ContinuousClock.now - start < .seconds(5))
        let error = report.diagnostics.first { $0.rule == "ValidatorLimit" }
        #expect(error?.severity == .error)
        #expect(error?.message.contains("depth") == true)
    }

    /// libxml2 checks each attribute of a tag against every earlier one: 100,000 on one
    /// element took minutes. Past `MarkupGuard.attributeLimit` the reader stops with an error.
    @Test func aTagWithTooManyAttributesStopsTheReader() throws {
        let attributes = (0..<100_000).map { "a\($0)=\"v\"" }.joined(separator: " ")
        let xml = "<rss version=\"2.0\"><channel \(attributes)><title>t</title></channel></rss>"
        let report = FeedValidator.validate(bytes: Array(xml.utf8))
        let errors = report.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.rule) == ["ValidatorLimit"])
        #expect(errors.first?.message.contains("more than \(MarkupGuard.attributeLimit) attributes") == true)
        #expect(errors.first?.stopsTheParser == true)
    }

    /// The limit leaves room: a root declaring many namespaces and an element with exactly
    /// `limit` attributes are read as usual, and nothing in comments, CDATA sections,
    /// instructions or the document type counts.
    @Test func theAttributeLimitLeavesRealFeedsAlone() throws {
        let many = (0..<MarkupGuard.attributeLimit).map { "a\($0)=\"v\"" }.joined(separator: " ")
        let fake = "<x " + String(repeating: "b=1 ", count: 2 * MarkupGuard.attributeLimit) + ">"
        let namespaces = (0..<60).map { "xmlns:n\($0)=\"https://e.org/ns/\($0)\"" }.joined(separator: " ")
        let xml = """
            <?xml version="1.0"?><?pi \(fake)?>
            <!DOCTYPE rss [<!-- \(fake) --><!ENTITY e "\(fake.replacingOccurrences(of: "<", with: "&#60;"))">]>
            <rss version="2.0" \(namespaces)><channel><title>t</title><link>https://e.org/</link><description><![CDATA[\(fake)]]></description>
            <!-- \(fake) --><item><title>i</title><guid>https://e.org/1</guid><n1:x \(many)/></item></channel></rss>
            """
        let report = FeedValidator.validate(bytes: Array(xml.utf8))
        #expect(!report.diagnostics.contains { $0.rule == "ValidatorLimit" }, "\(report.diagnostics)")
        var guardPieces = MarkupGuard()
        let bytes = Array(xml.utf8)
        #expect(bytes.indices.allSatisfy { i in [bytes[i]].withUnsafeBytes { guardPieces.admit($0) } })
    }

    /// The guard is not led astray: an instruction holding `[` in the internal subset,
    /// or a document in UTF-16 (where a quote byte can be half of a name character, as
    /// in U+0122), still stops at too many attributes; and in a valid UTF-16 feed, `=`
    /// in comments and CDATA count for nothing.
    @Test func theAttributeLimitHoldsAcrossSubsetsAndEncodings() throws {
        let attributes = (0..<1_000).map { "\u{122}\($0)='v'" }.joined(separator: " ")
        let subset = "<?xml version=\"1.0\"?><!DOCTYPE rss [ <?pi [ ?> ]><rss version=\"2.0\"><channel><title>t</title><item \(attributes)/></channel></rss>"
        func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
            [bigEndian ? 0xFE : 0xFF, bigEndian ? 0xFF : 0xFE] + text.utf16.flatMap { unit -> [UInt8] in
                let high = UInt8(unit >> 8), low = UInt8(truncatingIfNeeded: unit)
                return bigEndian ? [high, low] : [low, high]
            }
        }
        let tooMany = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel><title>t</title><item \(attributes)/></channel></rss>"
        for bytes in [Array(subset.utf8), utf16(tooMany, bigEndian: false), utf16(tooMany, bigEndian: true)] {
            let report = FeedValidator.validate(bytes: bytes)
            #expect(report.diagnostics.contains { $0.rule == "ValidatorLimit" && $0.message.contains("attributes") }, "\(report.diagnostics.prefix(3))")
        }
        let equals = String(repeating: "x = 1; ", count: 2 * MarkupGuard.attributeLimit)
        let valid = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss version=\"2.0\"><channel><title>t</title><link>https://e.org/</link><description><![CDATA[\(equals)]]></description><!-- \(equals) --></channel></rss>"
        let report = FeedValidator.validate(bytes: utf16(valid, bigEndian: false))
        #expect(report.format == .rss20)
        #expect(!report.diagnostics.contains { $0.rule == "ValidatorLimit" }, "\(report.diagnostics)")
    }

    /// An RSS feed whose one item's description is a CDATA section holding `content`.
    static func rss(cdata content: [UInt8]) -> [UInt8] {
        Array("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>T</title><link>https://e.org/</link><description>D</description>\n<item><title>I</title><guid>https://e.org/1</guid><description><![CDATA[".utf8)
            + content + Array("]]></description></item>\n</channel></rss>\n".utf8)
    }

    /// 1-based column of the CDATA section in `rss(cdata:)`, on line 3.
    static let cdataColumn = "<item><title>I</title><guid>https://e.org/1</guid><description>".count + 1

    /// libxml2's push parser, which the streaming reader feeds, took a CDATA section
    /// without its end 300 bytes at a time, while it was fed 512: it fell behind and
    /// searched all it held for the end again and again. 4.3 MB of HTML-like content took
    /// 8 s; fed in smaller pieces it keeps up.
    @Test func aLongCDATASectionFullOfMarkupIsReadInLinearTime() throws {
        let bytes = Self.rss(cdata: Array(String(repeating: "<p>x</p>", count: 540_000).utf8))
        #expect(bytes.count > XMLStreamReader.wholeDocumentLimit)
        let start = ContinuousClock.now
        let report = FeedValidator.validate(bytes: bytes, fileName: "feed.xml")
        #expect(ContinuousClock.now - start < .seconds(3))
        #expect(!report.hasErrors, "\(report.diagnostics)")
    }

    /// A CDATA section longer than libxml2's limit on a text stops the reading where it
    /// passes the limit, not after libxml2 has read it all (a 40 MB one took 100 s), and
    /// the finding points at the section.
    @Test func aCDATASectionOverTheTextLimitStopsTheReaderAtOnce() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("feed.xml")
        try Data(Self.rss(cdata: Array(String(repeating: ">xxxxxxx", count: 2_000_000).utf8))).write(to: file)
        let start = ContinuousClock.now
        let report = try FeedValidator.validate(filePath: file.path)
        #expect(ContinuousClock.now - start < .seconds(5))
        let errors = report.diagnostics.filter { $0.severity == .error }
        #expect(errors.map { "\($0.rule)@\($0.line):\($0.column)" } == ["ValidatorLimit@3:\(Self.cdataColumn)"], "\(errors)")
        #expect(errors.first?.message.contains("CDATA section of more than 10,000,000 bytes") == true)
        #expect(errors.first?.stopsTheParser == true)
    }

    /// A long run without `>` in a CDATA section leaves libxml2 holding all of it, to be
    /// taken 300 bytes at a time and searched again each time once `>` come: the reader
    /// stops before that takes long.
    @Test func aCDATASectionLibxml2WouldRereadEndlesslyIsStopped() throws {
        let content = Array(String(repeating: "x", count: 3_000_000).utf8) + Array(String(repeating: ">", count: 3_000_000).utf8)
        let start = ContinuousClock.now
        let report = FeedValidator.validate(bytes: Self.rss(cdata: content), fileName: "feed.xml")
        #expect(ContinuousClock.now - start < .seconds(10))
        let errors = report.diagnostics.filter { $0.severity == .error }
        #expect(errors.map { "\($0.rule)@\($0.line):\($0.column)" } == ["ValidatorLimit@3:\(Self.cdataColumn)"], "\(errors)")
        #expect(errors.first?.message.contains("read over and over") == true)
    }

    @Test func invalidUTF8IsAnError() {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>caf".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("</title></feed>".utf8)
        let report = FeedValidator.validate(bytes: bytes)
        let error = report.diagnostics.first { $0.rule == "UnicodeError" }
        #expect(error?.severity == .error)
        #expect(error?.line == 3)
    }

    @Test func undeclaredPrefixIsAnError() {
        let xml = """
        <rss version="2.0"><channel><title>t</title><link>https://example.com/</link><description>d</description>
        <item><title>i</title><dc:creator>Ed</dc:creator></item></channel></rss>
        """
        let report = FeedValidator.validate(bytes: Array(xml.utf8))
        let error = report.diagnostics.first { $0.rule == "UndeclaredPrefix" }
        #expect(error?.severity == .error)
        #expect(error?.line == 2)
    }

    @Test func oversizedFileIsRefusedWithoutReading() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("big.xml")
        // Sparse: 64 MiB on paper, nothing on disk; the limit is 1 MiB.
        #expect(FileManager.default.createFile(atPath: file.path, contents: Data("<feed>".utf8)))
        let handle = try FileHandle(forWritingTo: file)
        try handle.truncate(atOffset: 64 << 20)
        try handle.close()
        let start = ContinuousClock.now
        let report = try FeedValidator.validate(filePath: file.path, options: ValidationOptions(maxBytes: 1 << 20))
        #expect(ContinuousClock.now - start < .seconds(1))
        #expect(report.diagnostics.map(\.rule) == ["ValidatorLimit"])
        #expect(report.hasErrors)
    }

    @Test func oversizedStreamIsCutOff() throws {
        // A pipe has no size up front: the limit applies while reading.
        signal(SIGPIPE, SIG_IGN)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let writer = fds[1]
        Thread.detachNewThread {
            var chunk = Array("<feed xmlns=\"http://www.w3.org/2005/Atom\">".utf8)
            chunk += Array(repeating: UInt8(ascii: " "), count: 1 << 16)
            _ = chunk.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
            let spaces = [UInt8](repeating: UInt8(ascii: " "), count: 1 << 16)
            for _ in 0..<64 where spaces.withUnsafeBytes({ write(writer, $0.baseAddress, $0.count) }) > 0 {}
            close(writer)
        }
        let report = try FeedValidator.validate(filePath: "/dev/fd/\(fds[0])", options: ValidationOptions(maxBytes: 1 << 20))
        close(fds[0])
        #expect(report.diagnostics.contains { $0.rule == "ValidatorLimit" && $0.severity == .error })
    }

    /// A limit below the 1 KiB read first from a pipe (to tell JSON from XML) is still the
    /// limit: before, the parser got the document cut short and said "Extra content at
    /// the end of the document".
    @Test(arguments: [100, 1000, 1023, 1500]) func aSmallLimitOnAPipeIsTheLimit(limit: Int) throws {
        signal(SIGPIPE, SIG_IGN)
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let writer = fds[1]
        Thread.detachNewThread {
            let entry = "<entry><id>urn:x</id><title>t</title><updated>2024-01-01T00:00:00Z</updated></entry>\n"
            let text = "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n" + String(repeating: entry, count: 60) + "</feed>\n"
            _ = Array(text.utf8).withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
            close(writer)
        }
        let report = try FeedValidator.validate(filePath: "/dev/fd/\(fds[0])", options: ValidationOptions(maxBytes: limit))
        close(fds[0])
        #expect(report.diagnostics.contains { $0.rule == "ValidatorLimit" && $0.severity == .error }, "\(report.diagnostics.map(\.message))")
    }

    @Test func missingFileIsAReadFailureNotADiagnostic() {
        #expect(throws: ValidationInputError.self) {
            try FeedValidator.validate(filePath: "/nonexistent/crier/feed.xml")
        }
    }
}

final class ReportBox: @unchecked Sendable {
    var report: ValidationReport?
}
