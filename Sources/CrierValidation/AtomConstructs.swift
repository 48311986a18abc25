import CrierXML

/// The Atom 1.0 elements inside a feed, entry or source (RFC 4287 §3, §4.2): text
/// constructs, persons, dates, ids, links, categories. They are checked alike in Atom
/// documents and where RSS carries them (`atom:updated`, `atom:author`, ... in a channel
/// or an item), as the W3C validator checks them in both.
struct AtomConstructs {
    let sink: DiagnosticSink
    let common: CommonChecks
    /// Whether an element in no namespace counts as Atom: yes in an Atom document that
    /// lacks the Atom namespace (reported once, on its root), no in RSS.
    let unqualifiedIsAtom: Bool

    /// Whether `e` is an Atom element here.
    func isAtom(_ e: XMLElement) -> Bool { e.namespace == NS.atom || (e.namespace == nil && unqualifiedIsAtom) }

    /// Checks `e`, an Atom element, by its name: a text construct, a person, a date, a
    /// link, ... Names that are not such a construct (`feed`, `entry`, `source`, names
    /// Atom does not define) are left to the caller.
    func check(_ e: XMLElement) {
        switch e.name {
        case "title", "subtitle", "rights", "summary":
            checkAttributes(e, allowed: ["type"])
            validateText(e, isContent: false)
        case "content":
            checkAttributes(e, allowed: ["type", "src"])
            validateText(e, isContent: true)
        case "id":
            checkAttributes(e, allowed: [])
            checkNoChildren(e)
            checkURIText(e, absolute: true, spec: "RFC 4287 §4.2.6")
        case "updated", "published":
            checkAttributes(e, allowed: [])
            checkNoChildren(e)
            checkDate(e)
        case "icon", "logo":
            checkAttributes(e, allowed: [])
            checkNoChildren(e)
            checkURIText(e, absolute: false, spec: "RFC 4287 §4.2.5")
        case "author", "contributor":
            checkAttributes(e, allowed: [])
            validatePerson(e)
        case "category":
            checkAttributes(e, allowed: ["term", "scheme", "label"])
            if !e.has("term") {
                sink.error("MissingAttribute", at: e, "<\(e.qualifiedName)> has no term attribute.", spec: "RFC 4287 §4.2.2.1")
            }
            if let scheme = e.attribute("scheme") {
                common.checkURI(scheme, at: e, absolute: false, what: "<\(e.qualifiedName) scheme>", spec: "RFC 4287 §4.2.2.2", attribute: true)
            }
        case "generator":
            checkAttributes(e, allowed: ["uri", "version"])
            checkNoChildren(e)
            if let uri = e.attribute("uri") {
                common.checkURI(uri, at: e, absolute: false, what: "<\(e.qualifiedName) uri>", spec: "RFC 4287 §4.2.4", attribute: true)
            }
        case "link":
            validateLink(e)
        default:
            break
        }
    }

    /// An element whose text is a URI (`id`, `icon`, `logo`): no white space around it,
    /// then the URI rules.
    private func checkURIText(_ e: XMLElement, absolute: Bool, spec: String) {
        let value = e.text
        if value.trimmingWhitespace() != value[...] {
            sink.error("UnexpectedWhitespace", at: e, "<\(e.qualifiedName)> has white space around its value.", spec: spec)
        } else {
            common.checkURI(value, at: e, absolute: absolute, what: "<\(e.qualifiedName)>", spec: spec)
        }
    }

    /// `type` values for which content is base64 (RFC 4287 §4.1.3.3 rule 5).
    static func isBase64Type(_ type: String) -> Bool {
        guard type.contains("/") else { return false }
        let lower = type.lowercased()
        return !(lower.hasSuffix("+xml") || lower.hasSuffix("/xml") || lower.hasPrefix("text/"))
    }

    /// RFC 4287 §4.1.3.1: atom:content's type MUST NOT be a composite type (RFC 4288
    /// §4.2.6: `multipart/*` and `message/*`).
    private func isCompositeMediaType(_ type: String) -> Bool {
        let lower = type.lowercased().trimmingWhitespace()
        return lower.hasPrefix("multipart/") || lower.hasPrefix("message/")
    }

    private func validateText(_ e: XMLElement, isContent: Bool) {
        let src = isContent ? e.attribute("src") : nil
        let type = e.attribute("type") ?? (src == nil ? "text" : "")
        let spec = isContent ? "RFC 4287 §4.1.3" : "RFC 4287 §3.1"
        if type.contains("/") && !isContent {
            sink.error("InvalidTextType", at: e, "type=\"\(type)\" is not allowed on <\(e.qualifiedName)>: use text, html or xhtml.", spec: "RFC 4287 §3.1.1")
        }
        if ["text", "html", "xhtml"].contains(type) && src == nil {
            // Fine.
        } else if !type.isEmpty && (!OtherValues.isMediaType(type) || (isContent && isCompositeMediaType(type)) || (src != nil && ["text", "html", "xhtml"].contains(type))) {
            sink.error("InvalidMIMEType", at: e, "type=\"\(type)\" is not a valid media type here.", spec: spec)
        }
        if let src {
            common.checkURI(src, at: e, absolute: false, what: "<\(e.qualifiedName) src>", spec: "RFC 4287 §4.1.3.2", attribute: true)
            if !e.text.trimmingWhitespace().isEmpty || e.hasElementChildren {
                sink.error("UnexpectedText", at: e, "<\(e.qualifiedName)> with src must be empty.", spec: "RFC 4287 §4.1.3.2")
            }
        }
        if e.attribute("mode") == "escaped" && e.hasElementChildren {
            sink.error("NotEscaped", at: e, "<\(e.qualifiedName)> says mode=\"escaped\" but holds markup.", spec: spec)
        }
        let lower = type.lowercased()
        let xmlType = lower.hasSuffix("+xml") || lower.hasSuffix("/xml")
        let elements = e.elements
        // With no child elements, the text is the element's own.
        if elements.isEmpty && src == nil && e.ownTextIsBlank {
            sink.warning("NotBlank", at: e, "<\(e.qualifiedName)> is empty.", spec: spec)
            return
        }
        if type == "xhtml" {
            let leadingText = e.children.prefix { if case .text = $0 { true } else { false } }
                .map { if case .text(let t) = $0 { t.string } else { "" } }.joined()
            if let first = elements.first {
                if first.name != "div" || !leadingText.trimmingWhitespace().isEmpty {
                    sink.error("MissingXhtmlDiv", at: e, "xhtml <\(e.qualifiedName)> must hold one XHTML <div>.", spec: "RFC 4287 §3.1.1.3")
                } else if elements.count > 1 || !e.ownTextIsBlank {
                    sink.error("UnexpectedText", at: e, "xhtml <\(e.qualifiedName)> must hold only its <div>.", spec: "RFC 4287 §3.1.1.3")
                } else if first.namespace != NS.xhtml {
                    sink.warning("NotHtml", at: first, "The <div> of xhtml <\(e.qualifiedName)> should be in the XHTML namespace (\(NS.xhtml)).", spec: "RFC 4287 §3.1.1.3")
                }
            } else {
                sink.error("MissingXhtmlDiv", at: e, "xhtml <\(e.qualifiedName)> must hold one XHTML <div>.", spec: "RFC 4287 §3.1.1.3")
            }
            return
        }
        if !elements.isEmpty && !xmlType {
            for child in elements {
                sink.error("UndefinedElement", at: child, "<\(e.qualifiedName)> of type \(type.isEmpty ? "text" : type) cannot contain elements; escape the markup or use type=\"xhtml\".", spec: spec)
            }
        }
        if !elements.isEmpty && !e.ownTextIsBlank {
            sink.error("UnexpectedText", at: e, "<\(e.qualifiedName)> mixes text and elements.", spec: spec)
        }
        if AtomConstructs.isBase64Type(type) && src == nil && !AtomConstructs.isBase64(e.text) {
            sink.error("NotBase64", at: e, "<\(e.qualifiedName)> of type \(type) must hold base64 data.", spec: "RFC 4287 §4.1.3.3")
        }
    }

    /// Base64 as lenient decoders read it: other characters are skipped, but the data must
    /// end on a whole group.
    static func isBase64(_ text: String) -> Bool {
        var data = 0
        var padding = 0
        for c in text.utf8 {
            switch c {
            case 65...90, 97...122, 48...57, 43, 47:
                if padding > 0 { return false }
                data += 1
            case 61: padding += 1
            default: continue
            }
        }
        let remainder = data % 4
        if remainder == 0 { return true }
        if remainder == 1 { return false }
        return padding >= 4 - remainder
    }

    private func validatePerson(_ person: XMLElement) {
        common.checkNoText(person, spec: "RFC 4287 §3.2")
        var seen: Set<String> = []
        for case .element(let child) in person.children {
            guard isAtom(child) else {
                common.checkExtension(child, parent: person, format: .atom)
                continue
            }
            switch child.name {
            case "name", "uri", "email":
                if !seen.insert(child.name).inserted {
                    sink.error("DuplicateElement", at: child, "<\(person.qualifiedName)> has more than one <\(child.qualifiedName)>.", spec: "RFC 4287 §3.2")
                }
                checkNoChildren(child)
                if child.name == "uri" {
                    common.checkURI(child.text, at: child, absolute: false, what: "<\(child.qualifiedName)>", spec: "RFC 4287 §3.2.2")
                } else if child.name == "email", !OtherValues.isEmail(child.text) {
                    sink.error("InvalidAddrSpec", at: child, "\"\(child.text)\" is not an e-mail address.", spec: "RFC 4287 §3.2.3")
                }
            default:
                sink.error("UndefinedElement", at: child, "<\(child.qualifiedName)> is not allowed in <\(person.qualifiedName)>.", spec: "RFC 4287 §3.2")
            }
        }
        if !seen.contains("name") {
            sink.error("MissingElement", at: person, "<\(person.qualifiedName)> has no <name>.", spec: "RFC 4287 §3.2.1")
        }
    }

    /// Link relations registered with IANA that need no URI (RFC 4287 §4.2.7.2).
    static let registeredRels: Set<String> = [
        "alternate", "related", "self", "enclosure", "via", "license", "replies", "edit", "edit-media", "first", "last",
        "next", "previous", "prev", "payment", "current", "hub", "search", "service", "describedby", "up", "archives",
        "next-archive", "prev-archive", "duplicate", "alternate", "canonical", "author", "icon", "help", "index", "start",
    ]

    /// The URI a registered relation name stands for once appended to it (RFC 4287
    /// §4.2.7.2).
    static let ianaRelationPrefix = "http://www.iana.org/assignments/relation/"

    /// The relation of an `atom:link`, as RFC 4287 §4.2.7.2 defines it: `alternate` when
    /// it has no `rel`, and the name itself when `rel` is the IANA registry's URI for a
    /// name (`http://www.iana.org/assignments/relation/self` is `self`), so that the rules
    /// about `self`, `alternate` and paging links hold however the relation is written.
    static func relation(of link: XMLElement) -> String {
        guard let rel = link.attribute("rel") else { return "alternate" }
        guard rel.hasPrefix(ianaRelationPrefix), rel.utf8.count > ianaRelationPrefix.utf8.count else { return rel }
        return String(rel.dropFirst(ianaRelationPrefix.count))
    }

    private func validateLink(_ link: XMLElement) {
        checkAttributes(link, allowed: ["href", "rel", "type", "hreflang", "title", "length"])
        if let href = link.attribute("href") {
            common.checkURI(href, at: link, absolute: false, what: "<\(link.qualifiedName) href>", spec: "RFC 4287 §4.2.7.1", attribute: true)
        } else {
            sink.error("MissingHref", at: link, "<\(link.qualifiedName)> has no href attribute.", spec: "RFC 4287 §4.2.7.1")
        }
        if let rel = link.attribute("rel") {
            if URIValues.scheme(of: rel) != nil {
                common.checkURI(rel, at: link, absolute: true, what: "<\(link.qualifiedName) rel>", spec: "RFC 4287 §4.2.7.2", attribute: true)
            }
            // A name, or the registry's URI for one: the name must be registered.
            let name = AtomConstructs.relation(of: link)
            if URIValues.scheme(of: name) == nil && !AtomConstructs.registeredRels.contains(name) {
                sink.warning("UnregisteredAtomLinkRel", at: link, "rel=\"\(rel)\" is not a registered link relation.", spec: "RFC 4287 §4.2.7.2")
            }
        }
        if let type = link.attribute("type"), !OtherValues.isMediaType(type) {
            sink.error("InvalidMIMEType", at: link, "type=\"\(type)\" is not a media type.", spec: "RFC 4287 §4.2.7.3")
        }
        if let lang = link.attribute("hreflang"), !LanguageCodes.isValid(lang) {
            sink.error("InvalidLanguage", at: link, "hreflang=\"\(lang)\" is not a language tag.", spec: "RFC 4287 §4.2.7.4")
        }
        if let length = link.attribute("length"), !OtherValues.isNonNegativeInteger(length) {
            sink.error("InvalidNonNegativeInteger", at: link, "length=\"\(length)\" is not a whole number of bytes.", spec: "RFC 4287 §4.2.7.6")
        }
        // RFC 4685 §4: reply counts on links to comment feeds.
        if let count = link.attribute("count", namespace: ExtensionTable.thread) {
            ValueCheck.nonNegativeInteger.check(count, at: link, attribute: "thr:count", sink: sink, spec: "RFC 4685 §4")
        }
        if let updated = link.attribute("updated", namespace: ExtensionTable.thread) {
            ValueCheck.rfc3339.check(updated, at: link, attribute: "thr:updated", sink: sink, spec: "RFC 4685 §4")
        }
        // Without child elements, the text is the link's own.
        if link.hasElementChildren || !link.ownTextIsBlank {
            sink.warning("AtomLinkNotEmpty", at: link, "<\(link.qualifiedName)> should be empty.", spec: "RFC 4287 §4.2.7")
        }
    }

    private func checkDate(_ e: XMLElement) {
        let value = e.text
        if value.trimmingWhitespace() != value[...] {
            sink.error("UnexpectedWhitespace", at: e, "<\(e.qualifiedName)> has white space around its value.", spec: "RFC 4287 §3.3")
        } else if !DateValues.isRFC3339(value) {
            sink.error("InvalidRFC3339Date", at: e, "<\(e.qualifiedName)> \"\(value)\" is not an RFC 3339 date-time such as 2024-05-01T12:00:00Z.", spec: "RFC 4287 §3.3")
        }
    }

    private func checkNoChildren(_ e: XMLElement) {
        for case .element(let child) in e.children {
            sink.error("UndefinedElement", at: child, "<\(e.qualifiedName)> cannot contain elements.", spec: "RFC 4287 §4.2")
        }
    }

    /// Unprefixed attributes other than `allowed` are not part of Atom.
    func checkAttributes(_ e: XMLElement, allowed: Set<String>) {
        common.checkAttributes(e, allowed: allowed, spec: "RFC 4287 §6.4")
    }
}
