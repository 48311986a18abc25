import CLibXML2

extension HTMLFragment {
    /// The text of an HTML fragment as a reader would see it: parsed with libxml2's HTML
    /// parser, markup dropped, character references decoded, runs of white space folded
    /// into single spaces. For fields that must not hold markup (JSON Feed's `summary`).
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
                                                 | HTML_PARSE_IGNORE_ENC.rawValue)) else { return nil }
            defer { xmlFreeDoc(doc) }
            guard let root = xmlDocGetRootElement(doc) else { return nil }
            return String(ownedXMLChars: xmlNodeGetContent(root))
        }
        return foldingWhitespace(text ?? html)
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
