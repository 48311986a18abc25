import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// HTML fragments (a post's rendered content), read with libxml2's HTML parser.
public enum HTMLFragment {
    /// Returns `html` with every relative URL in `href`, `src`, `poster` and each
    /// candidate of `srcset` resolved against `base` (RFC 3986, through `xmlBuildURI`).
    ///
    /// URLs that already have a scheme (`https:`, `mailto:`, `data:`) are kept as
    /// written. A fragment with no relative URL candidate at all is returned unchanged
    /// without being parsed. Otherwise the fragment is parsed as the content of a
    /// `<body>` and written back from the tree: names lowercased, attributes
    /// double-quoted, character references decoded to the characters they stand for
    /// (`&`, `<`, `>` and `"` escaped again), unclosed elements closed. No `html`,
    /// `head` or `body` wrapper is added.
    ///
    /// Safe to call from many threads at once.
    public static func absolutizingURLs(in html: String, base: String) -> String {
        guard mayHaveRelativeURL(html) else { return html }
        LibXML.ensureInitialised()
        // libxml2 drops control characters (form feed, escape) from HTML text; they belong
        // to the post until the feed writer decides, so they cross the parser disguised.
        let hidesControls = html.utf8.withContiguousStorageIfAvailable { $0.contains(where: isHiddenControlByte) }
            ?? html.utf8.contains(where: isHiddenControlByte)
        let source = hidesControls ? disguisingControls(html) : html
        let open = "<html><body>".utf8, close = "</body></html>".utf8
        var bytes: [UInt8] = []
        bytes.reserveCapacity(open.count + source.utf8.count + close.count)
        bytes.append(contentsOf: open)
        bytes.append(contentsOf: source.utf8)
        bytes.append(contentsOf: close)
        let result: String? = bytes.withUnsafeMutableBufferPointer { raw -> String? in
            guard let start = raw.baseAddress else { return nil }
            let chars = UnsafeMutableRawPointer(start).assumingMemoryBound(to: CChar.self)
            guard let ctxt = htmlCreateMemoryParserCtxt(chars, Int32(clamping: raw.count)) else { return nil }
            defer {
                if let doc = ctxt.pointee.myDoc { xmlFreeDoc(doc) }
                ctxt.pointee.myDoc = nil
                htmlFreeParserCtxt(ctxt)
            }
            // Nothing to report: browsers accept whatever the parser recovers.
            crier_setContextErrorHandler(ctxt, ignoreIssue, nil)
            _ = htmlCtxtUseOptions(ctxt, Int32(bitPattern: htmlOptions))
            _ = xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8)
            _ = htmlParseDocument(ctxt)
            // A parser that stopped (out of memory, say) left the rest of the post unread:
            // the post is kept as written rather than cut off.
            guard ctxt.pointee.disableSAX == 0, let doc = ctxt.pointee.myDoc, let body = findBody(in: doc) else { return nil }
            var writer = FragmentWriter(base: base)
            writer.writeSiblings(from: body.pointee.children)
            return String(decoding: writer.output, as: UTF8.self)
        }
        guard let result else { return html }
        return hidesControls ? revealingControls(result) : result
    }

    /// Control characters libxml2's HTML parser would drop, and the private-use
    /// characters (U+10FF00 + code) that stand for them while parsing.
    private static func isHiddenControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x01...0x08, 0x0B, 0x0C, 0x0E...0x1F, 0x7F: return true
        default: return false
        }
    }

    /// The same test on a UTF-8 byte: the hidden controls are ASCII, and bytes below 0x80
    /// only ever stand for themselves in UTF-8.
    private static func isHiddenControlByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x01...0x08, 0x0B, 0x0C, 0x0E...0x1F, 0x7F: return true
        default: return false
        }
    }

    private static let disguiseBase: UInt32 = 0x10FF00

    private static func disguisingControls(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isHiddenControl(scalar), let stand = Unicode.Scalar(disguiseBase + scalar.value) {
                scalars.append(stand)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    private static func revealingControls(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.value >= disguiseBase, scalar.value <= disguiseBase + 0x7F,
               let original = Unicode.Scalar(scalar.value - disguiseBase), isHiddenControl(original) {
                scalars.append(original)
            } else {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Resolves one URL reference against `base`; returns `reference` unchanged when it
    /// is already absolute or cannot be resolved.
    public static func resolve(_ reference: String, against base: String) -> String {
        let trimmed = trimHTMLSpace(reference)
        if hasScheme(trimmed) { return reference }
        if let resolved = resolvedPlainly(trimmed, against: base) { return resolved }
        LibXML.ensureInitialised()
        if let resolved = buildURI(trimmed, base: base) { return resolved }
        // libxml2 refuses references with spaces or non-ASCII characters: escape them.
        let escaped = percentEncodeUnsafe(trimmed)
        return buildURI(escaped, base: base) ?? reference
    }

    /// `HTML_PARSE_COMPACT` keeps short text inside its node (fewer allocations); the tree
    /// is only read, never modified, as that option requires. `HTML_PARSE_IGNORE_ENC`: the
    /// text is UTF-8 whatever a `<meta charset>` in a post says (obeyed, it decoded the
    /// post again as windows-1252, and cut it off at a byte that charset lacks).
    /// `XML_PARSE_HUGE`: past 256 nested elements the parser stopped, and the post was
    /// left with its links relative (the writer walks any depth without recursion).
    private static let htmlOptions: UInt32 =
        HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NODEFDTD.rawValue
        | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_HUGE.rawValue

    private static func findBody(in doc: xmlDocPtr) -> xmlNodePtr? {
        guard let root = xmlDocGetRootElement(doc) else { return nil }
        var child = root.pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE, nodeName(node) == "body" { return node }
            child = node.pointee.next
        }
        return nil
    }

    /// `reference` resolved against `base` (RFC 3986, section 5.2) without libxml2, for
    /// the plain shapes that make up most of a post's relative links: `base` an `http` or
    /// `https` URL of a host name, an optional port and a path, `reference` a path
    /// (`../notes/`, `/images/a.png`, `about/`) with an optional fragment, both of
    /// unreserved characters and `/` alone, and no `..` climbing above the root. `nil`
    /// for anything else, which `buildURI` resolves; where both answer, they agree (a test
    /// compares them).
    static func resolvedPlainly(_ reference: String, against base: String) -> String? {
        var reference = reference
        var base = base
        return base.withUTF8 { base in reference.withUTF8 { reference in resolvedPlainly(reference, against: base) } }
    }

    private static func resolvedPlainly(_ reference: UnsafeBufferPointer<UInt8>, against base: UnsafeBufferPointer<UInt8>) -> String? {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: "."), hashSign = UInt8(ascii: "#")
        /// Unreserved characters (RFC 3986): letters, digits, `-` `.` `_` `~`.
        func isUnreserved(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): true
            default: false
            }
        }
        /// Whether `bytes[start..<end]` is `.` or `..`.
        func isDotSegment(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
            (end - start == 1 && bytes[start] == dot) || (end - start == 2 && bytes[start] == dot && bytes[start + 1] == dot)
        }
        func starts(_ bytes: UnsafeBufferPointer<UInt8>, with prefix: StaticString) -> Bool {
            bytes.count >= prefix.utf8CodeUnitCount
                && memcmp(bytes.baseAddress!, prefix.utf8Start, prefix.utf8CodeUnitCount) == 0
        }
        // The base: `http(s)://`, a host (and port), and a path of plain segments.
        var i: Int
        if starts(base, with: "https://") { i = 8 } else if starts(base, with: "http://") { i = 7 } else { return nil }
        let hostStart = i
        while i < base.count, base[i] != slash {
            guard (isUnreserved(base[i]) && base[i] != UInt8(ascii: "~")) || base[i] == UInt8(ascii: ":") else { return nil }
            i += 1
        }
        guard i > hostStart, i < base.count else { return nil }
        let pathStart = i
        var lastSlash = i
        var segmentStart = i + 1
        i += 1
        while i < base.count {
            if base[i] == slash {
                guard i > segmentStart, !isDotSegment(base, segmentStart, i) else { return nil }
                lastSlash = i
                segmentStart = i + 1
            } else if !isUnreserved(base[i]) {
                return nil
            }
            i += 1
        }
        guard !isDotSegment(base, segmentStart, base.count) else { return nil }
        // The reference: a path of plain segments, and a fragment after `#`.
        var hash = reference.count
        for j in 0..<reference.count {
            let byte = reference[j]
            if byte == hashSign {
                hash = j
                break
            }
            guard isUnreserved(byte) || (byte == slash && (j == 0 || reference[j - 1] != slash)) else { return nil }
        }
        if hash < reference.count {
            for j in (hash + 1)..<reference.count where !isUnreserved(reference[j]) { return nil }
        }
        var out: [UInt8] = []
        out.reserveCapacity(base.count + reference.count + 1)
        if hash == 0 || reference[0] == slash {
            // No path: the base's, with the fragment. An absolute path is taken as it is:
            // libxml2 2.9 leaves its dot segments (RFC 2396), and links must keep giving
            // what it gave.
            out += hash == 0 ? base[...] : base[..<pathStart]
            out += reference
            return String(decoding: out, as: UTF8.self)
        }
        // Merged with the base's folder (section 5.2.3), dot segments removed as they come.
        out += base[...lastSlash]
        let root = pathStart + 1
        var start = 0
        while start <= hash {
            var end = start
            while end < hash, reference[end] != slash { end += 1 }
            if end - start == 1, reference[start] == dot {
                // `.`: the folder itself.
            } else if end - start == 2, reference[start] == dot, reference[start + 1] == dot {
                // `..`: up from the folder `out` ends in, never above the root.
                guard out.count > root else { return nil }
                out.removeLast()
                while out.last != slash { out.removeLast() }
            } else {
                out += reference[start..<end]
                if end < hash { out.append(slash) }
            }
            start = end + 1
        }
        out += reference[hash...]
        return String(decoding: out, as: UTF8.self)
    }

    static func buildURI(_ reference: String, base: String) -> String? {
        let built = reference.withCString { ref in
            base.withCString { b in
                xmlBuildURI(UnsafeRawPointer(ref).assumingMemoryBound(to: xmlChar.self),
                            UnsafeRawPointer(b).assumingMemoryBound(to: xmlChar.self))
            }
        }
        return String(ownedXMLChars: built)
    }

    /// Whether the text looks like it has any `href`, `src`, `poster` or `srcset`
    /// attribute whose value could be relative. Cheap, and errs on the side of `true`.
    static func mayHaveRelativeURL(_ html: String) -> Bool {
        var html = html
        return html.withUTF8 { bytes -> Bool in
            guard let base = bytes.baseAddress else { return false }
            let count = bytes.count
            var i = 0
            // Every attribute value follows an `=`, rarer than letters: jump from one `=`
            // to the next with memchr, and look at the name before it and the value after.
            while i < count, let found = memchr(base + i, Int32(UInt8(ascii: "=")), count - i) {
                let equals = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                i = equals + 1
                var end = equals
                while end > 0, isHTMLSpace(bytes[end - 1]) { end -= 1 }
                guard let name = attributeName(endingAt: end, in: bytes) else { continue }
                if name == .srcset { return true }
                var j = equals + 1
                while j < count, isHTMLSpace(bytes[j]) { j += 1 }
                if j < count, bytes[j] == UInt8(ascii: "\"") || bytes[j] == UInt8(ascii: "'") { j += 1 }
                while j < count, isHTMLSpace(bytes[j]) { j += 1 }
                if !startsWithScheme(bytes, at: j) { return true }
            }
            return false
        }
    }

    private enum URLAttribute { case href, src, srcset, poster }

    /// The URL attribute whose name ends at `end` (case-insensitively) and starts after
    /// white space, if any.
    private static func attributeName(endingAt end: Int, in bytes: UnsafeBufferPointer<UInt8>) -> URLAttribute? {
        func named(_ name: StaticString) -> Bool {
            let length = name.utf8CodeUnitCount
            guard end > length, isHTMLSpace(bytes[end - length - 1]) else { return false }
            let letters = name.utf8Start
            for k in 0..<length where bytes[end - length + k] | 0x20 != letters[k] { return false }
            return true
        }
        guard end > 0 else { return nil }
        switch bytes[end - 1] | 0x20 {
        case UInt8(ascii: "f"): return named("href") ? .href : nil
        case UInt8(ascii: "c"): return named("src") ? .src : nil
        case UInt8(ascii: "t"): return named("srcset") ? .srcset : nil
        case UInt8(ascii: "r"): return named("poster") ? .poster : nil
        default: return nil
        }
    }

    private static func startsWithScheme(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        var j = start
        guard j < bytes.count, isASCIILetter(bytes[j]) else { return false }
        j += 1
        while j < bytes.count {
            let b = bytes[j]
            if b == UInt8(ascii: ":") { return true }
            guard isASCIILetter(b) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "+")
                    || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") else { return false }
            j += 1
        }
        return false
    }

    /// Whether `value` starts with a URL scheme and its colon (`https:`): an ASCII letter,
    /// then ASCII letters, digits, `+`, `-` or `.` (RFC 3986 §3.1).
    public static func hasScheme(_ value: String) -> Bool {
        var value = value
        return value.withUTF8 { startsWithScheme($0, at: 0) }
    }

    /// Rewrites each candidate URL of a `srcset` value, keeping its descriptors.
    static func resolveSrcset(_ value: String, against base: String) -> String {
        let scalars = Array(value.unicodeScalars)
        var i = 0
        var parts: [String] = []
        func isSpace(_ s: Unicode.Scalar) -> Bool { s.value < 0x80 && isHTMLSpace(UInt8(s.value)) }
        while i < scalars.count {
            while i < scalars.count, isSpace(scalars[i]) || scalars[i] == "," { i += 1 }
            guard i < scalars.count else { break }
            var url = String.UnicodeScalarView()
            while i < scalars.count, !isSpace(scalars[i]) {
                url.append(scalars[i])
                i += 1
            }
            var descriptor = String.UnicodeScalarView()
            var urlText = String(url)
            if urlText.hasSuffix(",") {
                // HTML: a URL ending in commas ends the candidate; the commas are separators.
                while urlText.hasSuffix(",") { urlText.removeLast() }
            } else {
                var depth = 0
                while i < scalars.count {
                    let s = scalars[i]
                    if s == "(" { depth += 1 }
                    if s == ")" { depth = max(0, depth - 1) }
                    if s == ",", depth == 0 { break }
                    descriptor.append(s)
                    i += 1
                }
            }
            let resolved = resolve(urlText, against: base)
            let trimmedDescriptor = trimHTMLSpace(String(descriptor))
            parts.append(trimmedDescriptor.isEmpty ? resolved : resolved + " " + trimmedDescriptor)
        }
        return parts.joined(separator: ", ")
    }
}

/// Writes libxml2 HTML nodes back as HTML, resolving URL attributes on the way.
private struct FragmentWriter {
    let base: String
    var output: [UInt8] = []

    init(base: String) {
        self.base = base
        output.reserveCapacity(4096)
    }

    /// Writes `first` and the siblings after it, and everything under them, in document
    /// order, without recursion: a post's nesting is as deep as its author made it.
    mutating func writeSiblings(from first: xmlNodePtr?) {
        // For each open level: the next node to write, whether it is raw text (inside
        // `<script>` or `<style>`), and the element whose end tag follows the level.
        var levels: [(next: xmlNodePtr?, inRawText: Bool, closes: xmlNodePtr?)] = [(first, false, nil)]
        while let last = levels.last {
            guard let node = last.next else {
                if let element = last.closes { writeEndTag(of: element) }
                levels.removeLast()
                continue
            }
            levels[levels.count - 1].next = node.pointee.next
            if let opened = open(node, inRawText: last.inRawText) {
                levels.append((node.pointee.children, opened.inRawText, opened.hasEndTag ? node : nil))
            }
        }
    }

    /// `</name>`, the name's bytes as libxml2 holds them.
    private mutating func writeEndTag(of element: xmlNodePtr) {
        output.append(UInt8(ascii: "<"))
        output.append(UInt8(ascii: "/"))
        if let name = element.pointee.name {
            output.append(contentsOf: UnsafeBufferPointer(start: name, count: strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))))
        }
        output.append(UInt8(ascii: ">"))
    }

    /// Writes what `node` holds before its children (all of it for a leaf); for a node
    /// whose children are to be written, how to write them and what follows them.
    private mutating func open(_ node: xmlNodePtr, inRawText: Bool) -> (inRawText: Bool, hasEndTag: Bool)? {
        switch node.pointee.type {
        case XML_ELEMENT_NODE:
            return openElement(node)
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            guard let content = node.pointee.content else { return nil }
            let text = UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self)
            if inRawText {
                appendCString(text)
            } else {
                appendEscaped(text)
            }
        case XML_COMMENT_NODE:
            append("<!--")
            if let content = node.pointee.content {
                appendCString(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
            }
            append("-->")
        case XML_PI_NODE:
            append("<?")
            append(nodeName(node))
            if let content = node.pointee.content {
                append(" ")
                appendCString(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self))
            }
            append(">")
        case XML_ENTITY_REF_NODE:
            append("&" + nodeName(node) + ";")
        default:
            return (inRawText, false)
        }
        return nil
    }

    /// Writes the start tag; its children are raw text in `<script>` and `<style>`.
    private mutating func openElement(_ node: xmlNodePtr) -> (inRawText: Bool, hasEndTag: Bool) {
        // The common case, an ASCII name (libxml2's HTML parser only makes those), is
        // written and classified from its bytes, without a `String` per element.
        guard let namePointer = node.pointee.name else { return openElementNamedAsString(node) }
        let name = UnsafeBufferPointer(start: namePointer, count: strlen(UnsafeRawPointer(namePointer).assumingMemoryBound(to: CChar.self)))
        guard !name.contains(where: { $0 >= 0x80 }) else { return openElementNamedAsString(node) }
        output.append(UInt8(ascii: "<"))
        output.append(contentsOf: name)
        writeAttributes(of: node)
        output.append(UInt8(ascii: ">"))
        // See `openElementNamedAsString`.
        if voidElementBytes.contains(where: { equalsLowercased(name, $0) }) { return (false, false) }
        return (rawTextElementBytes.contains(where: { equalsLowercased(name, $0) }), true)
    }

    /// Whether ASCII `name`, lowercased, is `lowercase`.
    private func equalsLowercased(_ name: UnsafeBufferPointer<UInt8>, _ lowercase: [UInt8]) -> Bool {
        guard name.count == lowercase.count else { return false }
        for index in 0..<name.count {
            var byte = name[index]
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte |= 0x20 }
            if byte != lowercase[index] { return false }
        }
        return true
    }

    private mutating func openElementNamedAsString(_ node: xmlNodePtr) -> (inRawText: Bool, hasEndTag: Bool) {
        let name = nodeName(node)
        append("<" + name)
        writeAttributes(of: node)
        append(">")
        let lower = name.lowercased()
        // libxml2 2.9 knows HTML 4 only: it takes `<source>`, `<track>` and `<wbr>` for
        // containers of what follows. Their "children" belong after them: no end tag.
        if voidElements.contains(lower) { return (false, false) }
        return (rawTextElements.contains(lower), true)
    }

    mutating func writeAttributes(of node: xmlNodePtr) {
        var attribute = node.pointee.properties
        while let attr = attribute {
            let attrName = String(xmlChars: attr.pointee.name) ?? ""
            append(" " + attrName)
            if attr.pointee.children != nil {
                // The value with references decoded; the writer escapes it again.
                var value = String(ownedXMLChars: xmlNodeGetContent(xmlNodePtr(OpaquePointer(attr)))) ?? ""
                switch attrName.lowercased() {
                case "href", "src", "poster":
                    value = HTMLFragment.resolve(value, against: base)
                case "srcset":
                    value = HTMLFragment.resolveSrcset(value, against: base)
                default:
                    break
                }
                append("=\"")
                appendEscaped(value, attribute: true)
                append("\"")
            }
            attribute = attr.pointee.next
        }
    }

    mutating func append(_ text: String) {
        output.append(contentsOf: text.utf8)
    }

    mutating func appendCString(_ text: UnsafePointer<CChar>) {
        let length = strlenSafe(text)
        text.withMemoryRebound(to: UInt8.self, capacity: length) {
            output.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// Text straight from libxml2 (UTF-8, as it decoded the input), escaped without a
    /// detour through `String`.
    mutating func appendEscaped(_ text: UnsafePointer<CChar>) {
        let length = strlenSafe(text)
        text.withMemoryRebound(to: UInt8.self, capacity: length) { start in
            appendEscaped(UnsafeBufferPointer(start: start, count: length), attribute: false)
        }
    }

    mutating func appendEscaped(_ text: String, attribute: Bool) {
        var text = text
        text.withUTF8 { appendEscaped($0, attribute: attribute) }
    }

    mutating func appendEscaped(_ bytes: UnsafeBufferPointer<UInt8>, attribute: Bool) {
        do {
            // Copy runs that need no escaping in one go.
            var runStart = 0
            for index in 0..<bytes.count {
                let replacement: StaticString
                switch bytes[index] {
                case UInt8(ascii: "&"): replacement = "&amp;"
                case UInt8(ascii: "<"): replacement = "&lt;"
                case UInt8(ascii: ">"): replacement = "&gt;"
                case UInt8(ascii: "\"") where attribute: replacement = "&quot;"
                default: continue
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                output.append(contentsOf: UnsafeBufferPointer(start: replacement.utf8Start, count: replacement.utf8CodeUnitCount))
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        }
    }
}

private func strlenSafe(_ text: UnsafePointer<CChar>) -> Int {
    strlen(text)
}

private let voidElements: Set<String> = [
    "area", "base", "basefont", "br", "col", "embed", "frame", "hr", "img", "input",
    "isindex", "keygen", "link", "meta", "param", "source", "track", "wbr",
]
private let rawTextElements: Set<String> = ["script", "style"]
private let voidElementBytes: [[UInt8]] = voidElements.sorted().map { Array($0.utf8) }
private let rawTextElementBytes: [[UInt8]] = rawTextElements.sorted().map { Array($0.utf8) }

private func nodeName(_ node: xmlNodePtr) -> String {
    String(xmlChars: node.pointee.name) ?? ""
}

private let ignoreIssue: xmlStructuredErrorFunc = { _, _ in }

private func isHTMLSpace(_ b: UInt8) -> Bool {
    b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D
}

private func isASCIILetter(_ b: UInt8) -> Bool {
    (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z")
}

private func trimHTMLSpace(_ value: String) -> String {
    var utf8 = Substring(value).utf8
    while let first = utf8.first, isHTMLSpace(first) { utf8.removeFirst() }
    while let last = utf8.last, isHTMLSpace(last) { utf8.removeLast() }
    return String(Substring(utf8))
}

/// Percent-encodes bytes a URI may not hold (spaces, controls, non-ASCII), leaving
/// existing escapes and reserved characters alone.
private func percentEncodeUnsafe(_ value: String) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    for b in value.utf8 {
        if b <= 0x20 || b >= 0x7F || b == UInt8(ascii: "\"") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">")
            || b == UInt8(ascii: "\\") || b == UInt8(ascii: "^") || b == UInt8(ascii: "`")
            || b == UInt8(ascii: "{") || b == UInt8(ascii: "|") || b == UInt8(ascii: "}") {
            out.append(UInt8(ascii: "%"))
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0xF)])
        } else {
            out.append(b)
        }
    }
    return String(decoding: out, as: UTF8.self)
}
