import CrierXML

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Limits for validating untrusted documents.
public struct ValidationOptions: Sendable {
    /// The largest document accepted, in bytes; larger ones end in a `ValidatorLimit` error
    /// without being read in full. Default 1 GiB.
    public var maxBytes: Int

    /// Limits accepting documents of up to `maxBytes` bytes (1 GiB by default).
    public init(maxBytes: Int = 1 << 30) {
        self.maxBytes = maxBytes
    }
}

/// A document that could not be read at all (missing file, directory, I/O error): not a
/// verdict on the feed.
public struct ValidationInputError: Error, Sendable, CustomStringConvertible {
    /// The path and what failed (`feed.xml: is a directory`).
    public var message: String
    /// An error with `message`, which should start with the path.
    public init(_ message: String) { self.message = message }
    /// `message`.
    public var description: String { message }
}

/// Validates Atom 1.0, RSS 2.0 (and RSS 0.9x/1.0, named) and JSON Feed 1.1 documents.
///
/// XML is read with libxml2 in streaming mode with safe options: no DTD or external entity
/// is ever loaded, libxml2's entity, depth and text-size limits stay on, and entries are
/// checked one at a time, so memory does not grow with the number of entries.
public struct FeedValidator: Sendable {
    /// Validates a document held in memory. `fileName` is only used in the report.
    public static func validate(bytes: [UInt8], fileName: String = "feed", options: ValidationOptions = ValidationOptions()) -> ValidationReport {
        validate(bytes: bytes, fileName: fileName, options: options, sniffing: 4096)
    }

    /// `validate(bytes:fileName:options:)`, guessing the format of a document it could
    /// not parse from its first `sniffing` bytes; `walking: false` always streams (tests
    /// compare the two).
    static func validate(bytes: [UInt8], fileName: String, options: ValidationOptions, sniffing: Int,
                         walking: Bool = true) -> ValidationReport {
        var sink = DiagnosticSink()
        if bytes.count > options.maxBytes {
            sink.add(.error, "ValidatorLimit", line: 0, "The document is \(bytes.count) bytes, over the \(options.maxBytes)-byte limit.", spec: "Crier")
            return report(fileName: fileName, format: .unknown, sink: sink, lines: LineSource(bytes: []))
        }
        if isBlank(bytes[...]) { return emptyReport(fileName: fileName) }
        if JSONFeedValidator.looksLikeJSON(bytes) {
            let format = JSONFeedValidator(sink: sink).validate(bytes)
            return report(fileName: fileName, format: format, sink: sink, lines: LineSource(bytes: bytes))
        }
        // A small document libxml2 accepts without a word is parsed whole (cheaper); the
        // streaming reader reads the rest, and any that the walk hands back.
        var format: FeedFormat
        if walking, let whole = XMLStreamReader.walkingWholeDocument(bytes), let walked = validateXML(whole, sink: sink) {
            format = walked
        } else {
            sink = DiagnosticSink()
            do {
                let reader = try XMLStreamReader(bytes: bytes)
                format = validateXML(reader, sink: sink) ?? .unknown
            } catch {
                sink.add(.error, "SAXError", line: 0, "The parser could not start: \(error)", spec: "XML 1.0")
                format = .unknown
            }
        }
        if format == .unknown { format = sniffFormat(bytes.prefix(sniffing)) }
        return report(fileName: fileName, format: format, sink: sink, lines: LineSource(bytes: bytes))
    }

    /// Validates the file at `path`, streaming it from disk unless it is small. Throws
    /// `ValidationInputError` only when the file cannot be opened or read; every problem
    /// with its content is a diagnostic in the report.
    public static func validate(filePath path: String, displayName: String? = nil, options: ValidationOptions = ValidationOptions()) throws(ValidationInputError) -> ValidationReport {
        let name = displayName ?? path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw ValidationInputError("\(path): cannot open (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ValidationInputError("\(path): cannot read (\(String(cString: strerror(errno))))") }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw ValidationInputError("\(path): is a directory") }
        let isRegular = (info.st_mode & S_IFMT) == S_IFREG
        if isRegular && Int(info.st_size) > options.maxBytes {
            let sink = DiagnosticSink()
            sink.add(.error, "ValidatorLimit", line: 0, "The file is \(info.st_size) bytes, over the \(options.maxBytes)-byte limit; it was not read.", spec: "Crier")
            return report(fileName: name, format: .unknown, sink: sink, lines: LineSource(bytes: []))
        }
        // A small file (most feeds) is read whole: that path can parse it whole, which
        // costs less than streaming it (see `validate(bytes:)`).
        if isRegular && Int(info.st_size) <= XMLStreamReader.wholeDocumentLimit {
            guard let bytes = try readAll(fd: fd, path: path, limit: options.maxBytes, expecting: Int(info.st_size)) else {
                let sink = DiagnosticSink()
                sink.add(.error, "ValidatorLimit", line: 0, "The input is over the \(options.maxBytes)-byte limit.", spec: "Crier")
                return report(fileName: name, format: .unknown, sink: sink, lines: LineSource(bytes: []))
            }
            // As a streamed file is: its format guessed from its first kilobyte.
            return validate(bytes: bytes, fileName: name, options: options, sniffing: 1024)
        }
        // Peek at the start to choose between JSON and XML: with pread on a regular file,
        // with read on a pipe (those bytes are then handed to the parser first).
        var head: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        // A pipe may hand over only white space at first: read on to the first other byte.
        while head.count < options.maxBytes {
            let peeked = chunk.withUnsafeMutableBytes { isRegular ? pread(fd, $0.baseAddress, 1024, 0) : read(fd, $0.baseAddress, 1024) }
            if peeked < 0 && errno == EINTR { continue }
            guard peeked >= 0 else { throw ValidationInputError("\(path): cannot read (\(String(cString: strerror(errno))))") }
            head += chunk[..<peeked]
            if isRegular || peeked == 0 || !isBlank(chunk[..<peeked]) { break }
        }
        if head.count > options.maxBytes {
            let sink = DiagnosticSink()
            sink.add(.error, "ValidatorLimit", line: 0, "The input is over the \(options.maxBytes)-byte limit.", spec: "Crier")
            return report(fileName: name, format: .unknown, sink: sink, lines: LineSource(bytes: []))
        }
        if isBlank(head[...]) && (isRegular ? Int(info.st_size) == head.count : true) {
            // Only white space came before the end of a pipe (the loop above reads on
            // past it), or the file holds nothing else.
            return emptyReport(fileName: name)
        }
        if JSONFeedValidator.looksLikeJSON(head) {
            // JSON Feed has no streaming form: read it whole, within the limit, into one
            // buffer (a second copy of a large feed cost as much memory as the feed).
            if isRegular { _ = lseek(fd, 0, SEEK_SET); head = [] }
            guard let bytes = try readAll(fd: fd, path: path, limit: options.maxBytes, after: head,
                                          expecting: isRegular ? Int(info.st_size) : 0) else {
                let sink = DiagnosticSink()
                sink.add(.error, "ValidatorLimit", line: 0, "The input is over the \(options.maxBytes)-byte limit.", spec: "Crier")
                return report(fileName: name, format: .jsonFeed, sink: sink, lines: LineSource(bytes: []))
            }
            return validate(bytes: bytes, fileName: name, options: options)
        }
        let sink = DiagnosticSink()
        var format: FeedFormat
        var lines = LineSource(path: path)
        do {
            let reader: XMLStreamReader
            if isRegular {
                reader = try XMLStreamReader(fileDescriptor: fd, maxBytes: options.maxBytes)
            } else {
                // A pipe cannot be read twice: keep its first 16 MiB to find columns in.
                reader = try XMLStreamReader(prefix: head, fileDescriptor: fd, maxBytes: options.maxBytes, retaining: 16 << 20)
            }
            format = validateXML(reader, sink: sink) ?? .unknown
            if !isRegular { lines = LineSource(bytes: reader.retainedBytes) }
        } catch {
            sink.add(.error, "SAXError", line: 0, "The parser could not start: \(error)", spec: "XML 1.0")
            format = .unknown
        }
        if format == .unknown { format = sniffFormat(head[...]) }
        return report(fileName: name, format: format, sink: sink, lines: lines)
    }

    /// Whether `bytes` hold nothing but white space (and a UTF-8 byte order mark).
    static func isBlank(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.allSatisfy { [0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
    }

    /// The report on a document with nothing in it: one error that says so, rather than
    /// libxml2's "Extra content at the end of the document".
    static func emptyReport(fileName: String) -> ValidationReport {
        let sink = DiagnosticSink()
        sink.add(.error, "SAXError", line: 0, Diagnostic.notWellFormed + "the document is empty (no XML or JSON in it).", spec: "XML 1.0")
        return report(fileName: fileName, format: .unknown, sink: sink, lines: LineSource(bytes: []))
    }

    /// Reads a descriptor to the end, after the bytes `head` already taken from it; `nil`
    /// when that makes more than `limit` bytes. Room for `expecting` bytes (a regular
    /// file's size) is made at once, rather than by doubling on the way.
    static func readAll(fd: Int32, path: String, limit: Int, after head: [UInt8] = [], expecting: Int = 0) throws(ValidationInputError) -> [UInt8]? {
        var result = head
        result.reserveCapacity(min(limit, max(expecting, head.count)) + 1)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ValidationInputError("\(path): cannot read (\(String(cString: strerror(errno))))")
            }
            if n == 0 { return result }
            if result.count + n > limit { return nil }
            result.append(contentsOf: chunk[0..<n])
        }
    }

    // MARK: XML

    /// Validates what `reader` reads; `nil` when a reader walking a whole document asks to
    /// be replaced by a streaming one (`XMLStreamReader.NeedsStreaming`), with `sink` then
    /// to be dropped.
    static func validateXML(_ reader: XMLStreamReader, sink: DiagnosticSink) -> FeedFormat? {
        var format = FeedFormat.unknown
        do {
            try FeedStreamWalker.walk(reader) { root, _ in
                checkProlog(reader, root: root, sink: sink)
                let (detected, handler) = handler(for: root, sink: sink)
                format = detected
                return handler
            }
        } catch is XMLStreamReader.NeedsStreaming {
            return nil
        } catch let error as XMLParseError {
            reportParseError(error, reader: reader, sink: sink)
        } catch {
            sink.add(.error, "SAXError", line: 0, "\(error)", spec: "XML 1.0")
        }
        reportNamespaceIssues(reader.issues, sink: sink)
        for reference in reader.externalEntityReferences.prefix(100) {
            sink.add(.error, "ExternalEntity", line: reference.line, place: .before("&\(reference.name);"), "&\(reference.name); refers to an external entity, which is never loaded: readers would not see its text.", spec: "XML 1.0 §4.4.3")
        }
        // The Netscape RSS 0.91 DTD declares the HTML Latin-1 entities, and old readers know
        // them; any other external DTD is a guess, so its entities are errors.
        let netscapeDTD = reader.documentType?.publicID?.contains("RSS 0.91") ?? false
        for reference in reader.undeclaredEntityReferences.prefix(100) {
            sink.add(netscapeDTD ? .warning : .error, "UndefinedNamedEntity", line: reference.line, place: .before("&\(reference.name);"), "&\(reference.name); is not declared in the document; it may be in the external DTD, which readers do not load. Use a character reference such as &#160; instead.", spec: "XML 1.0 §4.1")
        }
        if reader.entityExpansionExceeded {
            let message = "Internal entities expand to more than 1 MiB; the rest was not expanded."
            if let element = reader.entityExpansionExceededIn {
                sink.error("ValidatorLimit", at: element, message + " The limit was reached in <\(element.qualifiedName)>.", spec: "XML 1.0 §4.4")
            } else {
                sink.add(.error, "ValidatorLimit", line: 0, message, spec: "XML 1.0 §4.4")
            }
        }
        return format
    }

    /// Picks the rules for the root element.
    static func handler(for root: XMLElement, sink: DiagnosticSink) -> (FeedFormat, (any FeedStreamHandler)?) {
        switch (root.namespace, root.name) {
        case (NS.atom?, "feed"):
            return (.atom, AtomValidator(sink: sink))
        case (NS.atom?, "entry"):
            return (.atomEntry, AtomValidator(sink: sink))
        case (NS.atom03?, "feed"):
            sink.error("ObsoleteNamespace", at: root, "This is an Atom 0.3 feed; Atom 0.3 was replaced by Atom 1.0 (RFC 4287) in 2005.", spec: "RFC 4287 §2")
            return (.atom03, nil)
        case (_, "feed"):
            return (.atom, AtomValidator(sink: sink))
        case (nil, "rss"):
            let version = root.attribute("version") ?? ""
            let format: FeedFormat = version.hasPrefix("0.9") ? .rss09x : .rss20
            return (format, RSSValidator(sink: sink))
        case (NS.rdf?, "RDF"):
            return (.rss10, RSS1Validator(sink: sink))
        default:
            sink.error("UndefinedElement", at: root, "<\(root.qualifiedName)> is not the root of a known feed format (Atom <feed>/<entry>, RSS <rss>, RSS 1.0 <rdf:RDF>).", spec: "Crier")
            return (.unknown, nil)
        }
    }

    /// Names the format from the first start tag when parsing failed before reaching it
    /// (for the report only; no rule depends on it).
    static func sniffFormat(_ head: ArraySlice<UInt8>) -> FeedFormat {
        var i = head.startIndex
        while i < head.endIndex {
            if head[i] == UInt8(ascii: "<"), i + 1 < head.endIndex, head[i + 1] != UInt8(ascii: "?"), head[i + 1] != UInt8(ascii: "!") {
                let name = head[(i + 1)...].prefix { ![UInt8(ascii: " "), UInt8(ascii: ">"), UInt8(ascii: "/"), 9, 10, 13].contains($0) }
                switch String(decoding: name, as: UTF8.self) {
                case "feed", "atom:feed": return .atom
                case "entry", "atom:entry": return .atomEntry
                case "rss": return .rss20
                case "rdf:RDF": return .rss10
                default: return .unknown
                }
            }
            i += 1
        }
        return .unknown
    }

    /// The public identifier of the RSS 0.91 DTD.
    static let netscapeRSS091PublicID = "-//Netscape Communications//DTD RSS 0.91//EN"

    /// The XML declaration and document type.
    static func checkProlog(_ reader: XMLStreamReader, root: XMLElement, sink: DiagnosticSink) {
        if let version = reader.xmlVersion, version != "1.0" {
            sink.add(.error, "BadXmlVersion", line: 1, "XML version \(version) is not supported by feed readers; use 1.0.", spec: "XML 1.0 §2.8")
        }
        // The W3C validator knows the RSS 0.91 DTD by two system identifiers: the RSS
        // Advisory Board's copy, which is fine, and Netscape's own, deprecated since
        // Netscape stopped serving it.
        if let doctype = reader.documentType, doctype.publicID == netscapeRSS091PublicID,
           doctype.systemID == "http://my.netscape.com/publish/formats/rss-0.91.dtd" {
            sink.add(.error, "DeprecatedDTD", line: 1, place: .documentType, "The DOCTYPE names Netscape's RSS 0.91 DTD at my.netscape.com, which is no longer served; use \"http://www.rssboard.org/rss-0.91.dtd\" or leave the DOCTYPE out.", spec: "RSS 0.91")
        }
        if let doctype = reader.documentType, root.name == "rss" {
            let publicID = doctype.publicID ?? ""
            if publicID.contains("RSS 0.91") && root.attribute("version") != "0.91" {
                sink.add(.error, "InvalidDoctype", line: 1, place: .documentType, "The RSS 0.91 DOCTYPE does not match version \(root.attribute("version") ?? "?").", spec: "RSS 0.91")
            }
        }
    }

    static func reportParseError(_ error: XMLParseError, reader: XMLStreamReader, sink: DiagnosticSink) {
        guard let issue = error.issues.first(where: { !$0.isRecoverable }) else { return }
        let message = issue.message
        let rule: String
        if message.contains("XML declaration allowed only at the start") {
            // Typically a blank line a WordPress theme or plugin prints before the feed.
            rule = "WPBlankLine"
        } else if message.contains("Unsupported encoding") {
            rule = "UnknownEncoding"
        } else if message.contains("UTF-8") || message.contains("encoding") || message.contains("Char 0x") || message.contains("not proper") {
            rule = "UnicodeError"
        } else if message.contains("limit") || message.contains("Excessive depth") || message.contains("huge") || message.contains("amplification")
                    || message.contains("entity reference loop") {
            rule = "ValidatorLimit"
        } else {
            rule = "SAXError"
        }
        var flat = message.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }.joined(separator: " ")
        // libxml2's words for its limits, in terms a feed's author can act on.
        if message.contains("huge text node") {
            flat = "a text of more than 10,000,000 bytes, more than libxml2 (and the feed readers built on it) reads in one piece"
        } else if message.contains("Excessive depth") {
            flat = "elements nested deeper than 256 levels, the depth limit of libxml2 (and the feed readers built on it)"
        } else if message.contains("entity reference loop") || message.contains("amplification") {
            flat = "entities that expand to far more text than they take (entities referring to each other, as in a \"billion laughs\" attack)"
        } else if message.contains("Document is empty") {
            flat = "no element: the document does not start with `<` (it is not XML, or not in the encoding it declares)"
        }
        let limit = rule == "ValidatorLimit"
        var anchor: String?
        var ordinal: Int?
        var place: DiagnosticSink.Place?
        switch issue.place {
        case .startTag(let tag, let name)?:
            (anchor, ordinal, place) = (name, tag, .startTag)
        case .cdataSection(let section)?:
            place = .cdataSection(section)
        case .markup(let markup)?:
            place = .markup(markup)
        case .entityReference?:
            place = .entityReference
        case nil:
            break
        }
        sink.add(.error, rule, line: issue.line, column: issue.column, anchor: anchor, ordinal: ordinal, place: place,
                 (limit ? Diagnostic.stoppedAtLimit : Diagnostic.notWellFormed) + flat, spec: limit ? "Crier" : "XML 1.0")
    }

    static func reportNamespaceIssues(_ issues: [XMLParseIssue], sink: DiagnosticSink) {
        for issue in issues where issue.isNamespaceError && issue.level != .warning {
            sink.add(.error, "UndeclaredPrefix", line: issue.line, column: issue.column, place: undeclaredName(in: issue.message).map { .before($0) },
                     "Namespace error: \(issue.message).", spec: "Namespaces in XML 1.0 §5")
        }
    }

    /// What libxml2's "Namespace prefix P on NAME is not defined" names, as written: `<P:NAME`
    /// (an element's start tag), or `P:ATTR` for "Namespace prefix P for ATTR on NAME".
    static func undeclaredName(in message: String) -> String? {
        let words = message.split(separator: " ")
        guard words.count >= 5, words[0] == "Namespace", words[1] == "prefix" else { return nil }
        if words[3] == "on" { return "<\(words[2]):\(words[4])" }
        if words[3] == "for" { return "\(words[2]):\(words[4])" }
        return nil
    }

    // MARK: Report

    static func report(fileName: String, format: FeedFormat, sink: DiagnosticSink, lines: LineSource) -> ValidationReport {
        var entries = sink.entries
        if sink.dropped > 0 {
            entries.append(.init(diagnostic: Diagnostic(severity: .info, rule: "ValidatorLimit", line: 0,
                                                        message: "\(sink.dropped) further diagnostics were not shown.", specSection: "Crier"), anchor: nil))
        }
        let diagnostics = ColumnResolver.resolve(entries, lines: lines)
        return ValidationReport(fileName: fileName, format: format, diagnostics: diagnostics)
    }
}
