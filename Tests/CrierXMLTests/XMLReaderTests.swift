import Foundation
import Testing
import CrierXML

@Suite struct XMLReaderTests {
    @Test func walksElementsWithDepthAndNames() throws {
        let reader = try XMLStreamReader(bytes: Array(#"<a xmlns="urn:x:a"><b k="v">text</b><c/></a>"#.utf8))
        var seen: [String] = []
        while try reader.read() {
            if reader.kind == .element { seen.append("\(reader.depth):\(reader.localName)") }
        }
        #expect(seen == ["0:a", "1:b", "1:c"])
    }

    @Test func expandCopiesOneSubtreeAndSkipMovesPastIt() throws {
        let xml = """
        <feed xmlns="http://www.w3.org/2005/Atom">
          <entry><title>One</title></entry>
          <entry><title>Two</title></entry>
        </feed>
        """
        let reader = try XMLStreamReader(bytes: Array(xml.utf8))
        var titles: [String] = []
        var lines: [Int] = []
        var more = try reader.read()
        while more {
            if reader.kind == .element && reader.depth == 1 {
                let entry = try reader.expand()
                titles.append(entry.element(named: "title", namespace: "http://www.w3.org/2005/Atom")?.text ?? "")
                lines.append(entry.line)
                more = try reader.skip()
            } else {
                more = try reader.read()
            }
        }
        #expect(titles == ["One", "Two"])
        #expect(lines == [2, 3])
    }

    /// Every element is numbered in document order, read or expanded; after a subtree
    /// skipped unread the count is lost, and later elements have no number.
    @Test func elementsAreNumberedInDocumentOrderWhileNothingIsSkippedUnread() throws {
        let xml = #"<a><b><c/><d>t</d></b><e/><f><g/></f><h/></a>"#
        let reader = try XMLStreamReader(bytes: Array(xml.utf8))
        var seen: [String] = []
        var more = try reader.read()
        while more {
            guard reader.kind == .element else { more = try reader.read(); continue }
            switch reader.localName {
            case "b":
                let b = try reader.expand()
                seen.append("b=\(b.ordinal ?? -1) " + b.elements.map { "\($0.name)=\($0.ordinal ?? -1)" }.joined(separator: " "))
                more = try reader.skip()
            case "f":
                seen.append("f=\(reader.ordinal ?? -1)")
                more = try reader.skip()
            default:
                seen.append("\(reader.localName)=\(reader.ordinal.map(String.init) ?? "nil")")
                more = try reader.read()
            }
        }
        #expect(seen == ["a=0", "b=1 c=2 d=3", "e=4", "f=5", "h=nil"])
        let document = try XMLDocument(parsing: Array(xml.utf8))
        #expect(document.root.ordinal == 0 && document.root.elements.map(\.ordinal) == [1, 4, 5, 7])
    }

    @Test func namespaceErrorIsReportedButReadingContinues() throws {
        let reader = try XMLStreamReader(bytes: Array("<a>\n<dc:b/></a>".utf8))
        while try reader.read() {}
        let issue = reader.issues.first { $0.isNamespaceError }
        #expect(issue?.line == 2)
    }

    @Test func malformedDocumentThrowsWithPosition() throws {
        let reader = try XMLStreamReader(bytes: Array("<a>\n<b></a>".utf8))
        let error = #expect(throws: XMLParseError.self) {
            while try reader.read() {}
        }
        #expect(error?.issues.contains { $0.line == 2 } == true)
    }

    @Test func lineNumbersPast65535AreExact() throws {
        var xml = "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        xml += String(repeating: "<!-- filler -->\n", count: 70_000)
        xml += "<entry/>\n</feed>\n"
        let reader = try XMLStreamReader(bytes: Array(xml.utf8))
        var line = 0
        while try reader.read() {
            if reader.kind == .element && reader.localName == "entry" { line = reader.line }
        }
        #expect(line == 70_002)
    }

    /// Reading from a descriptor goes through read(2) with a limit: a stream longer than
    /// the limit fails clearly instead of being read to the end.
    @Test func descriptorLimitStopsReading() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("crier-reader-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: url) }
        let body = "<feed>" + String(repeating: "<entry>x</entry>", count: 100_000) + "</feed>"
        try body.write(to: url, atomically: true, encoding: .utf8)
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        let reader = try XMLStreamReader(fileDescriptor: fd, maxBytes: 64 * 1024)
        let error = #expect(throws: XMLParseError.self) {
            while try reader.read() {}
        }
        #expect(reader.exceededLimit)
        #expect(error?.description.contains("limit") == true)
    }

    /// Many entries, one at a time: every entry is visited and the reader never holds
    /// more than the current one (the copies are dropped as the walk goes).
    @Test func streamsManyEntries() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("crier-stream-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: url) }
        var body = "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
        for i in 0..<20_000 { body += "<entry><id>tag:example.com,2024:\(i)</id><title>Entry \(i)</title></entry>\n" }
        body += "</feed>\n"
        try body.write(to: url, atomically: true, encoding: .utf8)
        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        let reader = try XMLStreamReader(fileDescriptor: fd)
        var count = 0
        var more = try reader.read()
        while more {
            if reader.kind == .element && reader.depth == 1 {
                let entry = try reader.expand()
                #expect(entry.elements.count == 2)
                count += 1
                more = try reader.skip()
            } else {
                more = try reader.read()
            }
        }
        #expect(count == 20_000)
        #expect(reader.bytesRead == body.utf8.count)
    }

    @Test func externalEntityReferencesAreLoggedNotLoaded() throws {
        let xml = """
        <!DOCTYPE a [<!ENTITY ext SYSTEM "file:///etc/hostname"><!ENTITY inner "inside">]>
        <a><b>&ext; and &inner;</b></a>
        """
        let reader = try XMLStreamReader(bytes: Array(xml.utf8))
        var text = ""
        var more = try reader.read()
        while more {
            if reader.kind == .element && reader.depth == 1 {
                text = try reader.expand().text
                more = try reader.skip()
            } else {
                more = try reader.read()
            }
        }
        #expect(text == " and inside")
        #expect(reader.externalEntityReferences.map(\.name) == ["ext"])
    }
}

@Suite struct XMLReaderEntityTests {
    /// An `xml:id` libxml2 finds wrong (not an NCName, or used twice) is a validity error:
    /// reading goes on, and the issue is kept as such, not as the document being broken.
    @Test func anInvalidXMLIDIsAValidityErrorNotAFatalOne() throws {
        let xml = "<a>\n<b xml:id='1b'/><c xml:id='c'/><d xml:id='c'/></a>"
        let reader = try XMLStreamReader(bytes: Array(xml.utf8))
        var names: [String] = []
        while try reader.read() {
            if reader.kind == .element { names.append(reader.localName) }
        }
        #expect(names == ["a", "b", "c", "d"])
        #expect(reader.issues.count == 2)
        #expect(reader.issues.allSatisfy { $0.isValidityError && $0.isRecoverable && $0.level == .error && !$0.isNamespaceError })
        #expect(reader.issues.first?.line == 2)
        // A fatal error is not one.
        let broken = try XMLStreamReader(bytes: Array("<a>\n<b xml:id='1b' x='1' x='2'/></a>".utf8))
        let error = #expect(throws: XMLParseError.self) { while try broken.read() {} }
        #expect(error?.issues.contains { !$0.isRecoverable && !$0.isValidityError } == true)
    }

    /// A reference directly inside the element being read expands to its replacement:
    /// text and elements, entities within it expanded too, external ones logged.
    @Test func anEntityReferenceTheReaderIsOnExpandsToItsReplacement() throws {
        let xml = """
        <!DOCTYPE a [<!ENTITY t "x<b k='v'>y&u;</b>&u;"><!ENTITY u "z"><!ENTITY ext SYSTEM "file:///etc/hostname">]>
        <a>
        &t;&ext;</a>
        """
        let reader = try XMLStreamReader(bytes: Array(xml.utf8))
        var expansions: [[XMLContent]] = []
        var lines: [Int] = []
        let container = XMLElement(name: "a", line: 2)
        while try reader.read() {
            guard reader.kind == .entityReference else { continue }
            expansions.append(reader.expandEntityReference(in: container))
            lines.append(reader.line)
        }
        #expect(expansions.count == 2)
        #expect(expansions.first?.count == 3)
        if case .text(let text)? = expansions.first?.first { #expect(text.string == "x") } else { Issue.record("no text first") }
        if case .element(let b)? = expansions.first?.dropFirst().first {
            #expect(b.name == "b" && b.text == "yz" && b.attribute("k") == "v" && b.ordinal == nil)
        } else {
            Issue.record("no element second")
        }
        if case .text(let text)? = expansions.first?.last { #expect(text.string == "z") } else { Issue.record("no text last") }
        #expect(expansions.last == [])
        #expect(lines == [3, 3])
        #expect(reader.externalEntityReferences.map(\.name) == ["ext"])
        #expect(!reader.entityExpansionExceeded)
    }
}
