import CLibXML2

extension HTMLFragment {
    /// The text of an HTML fragment as a reader would see it: parsed with libxml2's HTML
    /// parser, markup dropped, character references decoded, blocks (paragraphs, list
    /// items, headings, line breaks) parted by a space, scripts and styles left out, runs
    /// of white space folded into single spaces. For fields that must not hold markup
    /// (JSON Feed's `summary`).
    ///
    /// Safe to call from many threads at once.
    public static func plainText(_ html: String) -> String {
        guard html.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }) else {
            return foldingWhitespace(html)
        }
        LibXML.ensureInitialised()
        var bytes = Array(("<html><body>" + html + "</body></html>").utf8)
        let text: String? = bytes.withUnsafeMutableBufferPointer { raw -> String? in
            guard let start = raw.baseAddress else { return nil }
            let chars = UnsafeMutableRawPointer(start).assumingMemoryBound(to: CChar.self)
            guard let doc = htmlReadMemory(chars, Int32(clamping: raw.count), "fragment.html", "UTF-8",
                                           Int32(bitPattern: HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                                                 | HTML_PARSE_NONET.rawValue | HTML_PARSE_NODEFDTD.rawValue
                                                 | HTML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_HUGE.rawValue)) else { return nil }
            defer { xmlFreeDoc(doc) }
            guard let root = xmlDocGetRootElement(doc) else { return nil }
            return String(decoding: visibleText(of: root), as: UTF8.self)
        }
        return foldingWhitespace(text ?? html)
    }

    /// Elements whose start and end part the text around them (`<p>a</p><p>b</p>` reads
    /// "a b", not "ab").
    private static let blocks: Set<String> = [
        "address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "figcaption",
        "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol",
        "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul",
    ]

    /// Elements whose text no reader sees.
    private static let hidden: Set<String> = ["script", "style", "template", "noscript"]

    /// The UTF-8 text under `root` in document order, walked without recursion (nesting
    /// is as deep as the post makes it), with a space at each block's start and end.
    private static func visibleText(of root: xmlNodePtr) -> [UInt8] {
        var out: [UInt8] = []
        func isBlock(_ node: xmlNodePtr) -> Bool {
            node.pointee.type == XML_ELEMENT_NODE && node.pointee.name.map { blocks.contains(String(cString: $0)) } == true
        }
        var node = root.pointee.children
        while let current = node {
            var descends = false
            switch current.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content {
                    out.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
                }
            case XML_ELEMENT_NODE:
                if let name = current.pointee.name, !hidden.contains(String(cString: name)) {
                    if isBlock(current) { out.append(0x20) }
                    descends = current.pointee.children != nil
                }
            default:
                break
            }
            if descends {
                node = current.pointee.children
                continue
            }
            // Leave the node, and each ancestor whose last child it was.
            node = nil
            var leaving: xmlNodePtr? = current
            while let left = leaving, left != root {
                if isBlock(left) { out.append(0x20) }
                if let next = left.pointee.next {
                    node = next
                    break
                }
                leaving = left.pointee.parent
            }
        }
        return out
    }

    private static func foldingWhitespace(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r" {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.unicodeScalars.append(" ") }
                pendingSpace = false
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
