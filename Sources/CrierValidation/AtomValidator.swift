import CrierXML

/// Atom 1.0 rules (RFC 4287), applied one entry at a time as the walker delivers them.
final class AtomValidator: FeedStreamHandler {
    private let sink: DiagnosticSink
    private let common: CommonChecks
    /// The feed's metadata seen so far (its entries are not kept).
    private var feed = XMLElement(name: "feed")
    private var isEntryDocument = false
    private var entryCount = 0
    private var sawEntry = false
    private var firstEntryID: String?
    private var allEntryIDsEqual = true
    /// `id` + `updated` of every entry so far, to spot repeats; small per entry.
    private var seenEntryKeys = SeenSet()

    init(sink: DiagnosticSink) {
        self.sink = sink
        self.common = CommonChecks(sink: sink)
    }

    // MARK: Streaming

    func start(root: XMLElement, namespaces: [XMLNamespaceDeclaration]) {
        feed = root
        common.checkLanguage(root)
        if root.namespace == nil {
            sink.error("MissingNamespace", at: root, "The <\(root.name)> element is in no namespace; Atom 1.0 needs xmlns=\"\(NS.atom)\".", spec: "RFC 4287 §2")
        } else if root.namespace != NS.atom {
            sink.error("InvalidNamespace", at: root, "The namespace \"\(root.namespace ?? "")\" is not Atom 1.0's (\(NS.atom)).", spec: "RFC 4287 §2")
        }
        checkAttributes(root, allowed: [])
        if root.name == "entry" {
            isEntryDocument = true
        }
    }

    func shouldEnter(_ element: XMLElement, path: [XMLElement]) -> Bool { false }

    func child(_ element: XMLElement, path: [XMLElement]) {
        if isEntryDocument {
            feed.children.append(.element(element))
            return
        }
        if isAtom(element) && element.name == "entry" {
            sawEntry = true
            validateEntry(element, feedHasAuthor: feed.element(named: "author", namespace: NS.atom) != nil)
            return
        }
        if sawEntry && isAtom(element) {
            sink.error("MisplacedMetadata", at: element, "<\(element.qualifiedName)> comes after the first entry; feed metadata must precede the entries.", spec: "RFC 4287 §4.1.1")
        }
        feed.children.append(.element(element))
    }

    func text(_ text: String, line: Int, path: [XMLElement]) {
        sink.add(.error, "UnexpectedText", line: line, "Text directly inside <\(path.last?.qualifiedName ?? "feed")> is not allowed.", spec: "RFC 4287 §4.1.1")
    }

    func end(_ container: XMLElement, path: [XMLElement]) {
        guard path.isEmpty else { return }
        if isEntryDocument {
            validateEntry(feed, feedHasAuthor: false)
        } else {
            validateFeed(feed)
        }
    }

    private func isAtom(_ e: XMLElement) -> Bool { e.namespace == NS.atom || (e.namespace == nil && feed.namespace != NS.atom) }

    // MARK: Feed

    static let feedSingletons: Set<String> = ["generator", "icon", "id", "logo", "rights", "subtitle", "title", "updated"]
    static let feedRepeatable: Set<String> = ["author", "category", "contributor", "link", "entry"]

    private func validateFeed(_ feed: XMLElement) {
        validateMetadata(feed, singletons: AtomValidator.feedSingletons, repeatable: AtomValidator.feedRepeatable, context: "feed")
        // `checkLanguage` covers a whole subtree: entries are checked as they stream past
        // (validateEntry), the feed's own Atom metadata here.
        for case .element(let child) in feed.children where isAtom(child) && child.name != "entry" {
            common.checkLanguage(child)
        }
        for name in ["title", "id", "updated"] where feed.element(named: name, namespace: feed.namespace) == nil {
            sink.error("MissingElement", at: feed, "<feed> has no <\(name)>; every Atom feed must have one.", spec: "RFC 4287 §4.1.1")
        }
        // An authorless feed is fine while every entry names its own author: each entry
        // checks that as it streams past (validateEntry).
        let links = feed.elements(named: "link", namespace: feed.namespace)
        if !links.contains(where: { $0.attribute("rel") == "self" }) {
            sink.warning("MissingSelf", at: feed, "<feed> has no <link rel=\"self\">; readers use it to find the feed's own address.", spec: "RFC 4287 §4.1.1")
        }
        checkDuplicateAlternates(links)
        checkFeedHistory(feed, links: links)
        // Two entries sharing an id may be an update in progress (a warning); a whole feed
        // of entries with one id is a broken generator.
        if entryCount > 2 && allEntryIDsEqual {
            sink.error("DuplicateIds", at: feed, "All \(entryCount) entries have the same <id>; each entry needs its own.", spec: "RFC 4287 §4.1.1")
        }
    }

    /// Checks the children of a feed, entry or source: known Atom elements, repeats, values.
    private func validateMetadata(_ parent: XMLElement, singletons: Set<String>, repeatable: Set<String>, context: String) {
        var seen: Set<String> = []
        for case .element(let child) in parent.children {
            guard isAtom(child) else {
                common.checkExtension(child, parent: parent, format: .atom)
                continue
            }
            let name = child.name
            if singletons.contains(name) {
                if !seen.insert(name).inserted {
                    sink.error("DuplicateElement", at: child, "<\(context)> has more than one <\(name)>.", spec: "RFC 4287 §4.1")
                }
            } else if !repeatable.contains(name) {
                sink.error("UndefinedElement", at: child, "<\(name)> is not an Atom element allowed in <\(context)>.", spec: "RFC 4287 §4.1")
                continue
            }
            validateAtomElement(child, parent: parent)
        }
    }

    private func validateAtomElement(_ e: XMLElement, parent: XMLElement) {
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
            let value = e.text
            if value.trimmingWhitespace() != value[...] {
                sink.error("UnexpectedWhitespace", at: e, "<id> has white space around its value.", spec: "RFC 4287 §4.2.6")
            } else {
                common.checkURI(value, at: e, absolute: true, what: "<id>", spec: "RFC 4287 §4.2.6")
            }
        case "updated", "published":
            checkAttributes(e, allowed: [])
            checkNoChildren(e)
            checkDate(e)
        case "icon", "logo":
            checkAttributes(e, allowed: [])
            checkNoChildren(e)
            let value = e.text
            if value.trimmingWhitespace() != value[...] {
                sink.error("UnexpectedWhitespace", at: e, "<\(e.name)> has white space around its value.", spec: "RFC 4287 §4.2.5")
            } else {
                common.checkURI(value, at: e, absolute: false, what: "<\(e.name)>", spec: "RFC 4287 §4.2.5")
            }
        case "author", "contributor":
            checkAttributes(e, allowed: [])
            validatePerson(e)
        case "category":
            checkAttributes(e, allowed: ["term", "scheme", "label"])
            if !e.has("term") {
                sink.error("MissingAttribute", at: e, "<category> has no term attribute.", spec: "RFC 4287 §4.2.2.1")
            }
            if let scheme = e.attribute("scheme") {
                common.checkURI(scheme, at: e, absolute: false, what: "<category scheme>", spec: "RFC 4287 §4.2.2.2", attribute: true)
            }
        case "generator":
            checkAttributes(e, allowed: ["uri", "version"])
            checkNoChildren(e)
            if let uri = e.attribute("uri") {
                common.checkURI(uri, at: e, absolute: false, what: "<generator uri>", spec: "RFC 4287 §4.2.4", attribute: true)
            }
        case "link":
            validateLink(e)
        case "source":
            checkAttributes(e, allowed: [])
            common.checkNoText(e, spec: "RFC 4287 §4.2.11")
            var singletons = AtomValidator.feedSingletons
            singletons.remove("entry")
            var repeatable = AtomValidator.feedRepeatable
            repeatable.remove("entry")
            validateMetadata(e, singletons: singletons, repeatable: repeatable, context: "source")
        default:
            break
        }
    }

    // MARK: Entry

    static let entrySingletons: Set<String> = ["content", "id", "published", "rights", "source", "summary", "title", "updated"]
    static let entryRepeatable: Set<String> = ["author", "category", "contributor", "link"]

    private func validateEntry(_ entry: XMLElement, feedHasAuthor: Bool) {
        entryCount += 1
        common.checkLanguage(entry)
        common.checkNoText(entry, spec: "RFC 4287 §4.1.2")
        checkAttributes(entry, allowed: [])
        validateMetadata(entry, singletons: AtomValidator.entrySingletons, repeatable: AtomValidator.entryRepeatable, context: "entry")
        let ns = entry.namespace
        for name in ["title", "id", "updated"] where entry.element(named: name, namespace: ns) == nil {
            sink.error("MissingElement", at: entry, "<entry> has no <\(name)>; every Atom entry must have one.", spec: "RFC 4287 §4.1.2")
        }
        let hasAuthor = entry.element(named: "author", namespace: ns) != nil
            || entry.element(named: "source", namespace: ns)?.element(named: "author", namespace: ns) != nil
        if !hasAuthor && !feedHasAuthor {
            sink.error("MissingElement", at: entry, "<entry> has no <author>, and neither has the feed before it.", spec: "RFC 4287 §4.1.2")
        }
        let links = entry.elements(named: "link", namespace: ns)
        let content = entry.element(named: "content", namespace: ns)
        if content == nil && !links.contains(where: { ($0.attribute("rel") ?? "alternate") == "alternate" }) {
            sink.error("MissingContentOrAlternate", at: entry, "<entry> has neither <content> nor <link rel=\"alternate\">.", spec: "RFC 4287 §4.1.2")
        }
        if let content, entry.element(named: "summary", namespace: ns) == nil {
            let type = content.attribute("type") ?? "text"
            if content.has("src") || AtomValidator.isBase64Type(type) {
                sink.error("MissingSummary", at: entry, "<entry> has <content> with src or binary content but no <summary>.", spec: "RFC 4287 §4.1.2")
            }
        }
        checkDuplicateAlternates(links)
        for link in links where ["current", "first", "last", "next", "previous", "prev", "next-archive", "prev-archive"].contains(link.attribute("rel") ?? "") && !isEntryDocument {
            sink.warning("FeedHistoryRelInEntry", at: link, "rel=\"\(link.attribute("rel") ?? "")\" describes feed paging and belongs on the feed, not an entry.", spec: "RFC 5005 §3")
        }
        if let id = entry.element(named: "id", namespace: ns)?.text {
            if let first = firstEntryID {
                if first != id { allEntryIDsEqual = false }
            } else {
                firstEntryID = id
            }
            let updated = entry.element(named: "updated", namespace: ns)?.text ?? ""
            if !seenEntryKeys.insert(id + "\u{0}" + updated) {
                sink.warning("DuplicateEntries", at: entry, "Another entry has the same <id> and <updated>.", spec: "RFC 4287 §4.1.1")
            }
        } else {
            allEntryIDsEqual = false
        }
    }

    // MARK: Constructs

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
            sink.error("InvalidTextType", at: e, "type=\"\(type)\" is not allowed on <\(e.name)>: use text, html or xhtml.", spec: "RFC 4287 §3.1.1")
        }
        if ["text", "html", "xhtml"].contains(type) && src == nil {
            // Fine.
        } else if !type.isEmpty && (!OtherValues.isMediaType(type) || (isContent && isCompositeMediaType(type)) || (src != nil && ["text", "html", "xhtml"].contains(type))) {
            sink.error("InvalidMIMEType", at: e, "type=\"\(type)\" is not a valid media type here.", spec: spec)
        }
        if let src {
            common.checkURI(src, at: e, absolute: false, what: "<content src>", spec: "RFC 4287 §4.1.3.2", attribute: true)
            if !e.text.trimmingWhitespace().isEmpty || e.hasElementChildren {
                sink.error("UnexpectedText", at: e, "<content> with src must be empty.", spec: "RFC 4287 §4.1.3.2")
            }
        }
        if e.attribute("mode") == "escaped" && e.hasElementChildren {
            sink.error("NotEscaped", at: e, "<\(e.name)> says mode=\"escaped\" but holds markup.", spec: spec)
        }
        let lower = type.lowercased()
        let xmlType = lower.hasSuffix("+xml") || lower.hasSuffix("/xml")
        let elements = e.elements
        if elements.isEmpty && src == nil && e.text.trimmingWhitespace().isEmpty {
            sink.warning("NotBlank", at: e, "<\(e.name)> is empty.", spec: spec)
            return
        }
        if type == "xhtml" {
            let leadingText = e.children.prefix { if case .text = $0 { true } else { false } }
                .map { if case .text(let t) = $0 { t } else { "" } }.joined()
            if let first = elements.first {
                if first.name != "div" || !leadingText.trimmingWhitespace().isEmpty {
                    sink.error("MissingXhtmlDiv", at: e, "xhtml <\(e.name)> must hold one XHTML <div>.", spec: "RFC 4287 §3.1.1.3")
                } else if elements.count > 1 || !e.ownText.trimmingWhitespace().isEmpty {
                    sink.error("UnexpectedText", at: e, "xhtml <\(e.name)> must hold only its <div>.", spec: "RFC 4287 §3.1.1.3")
                } else if first.namespace != NS.xhtml {
                    sink.warning("NotHtml", at: first, "The <div> of xhtml <\(e.name)> should be in the XHTML namespace (\(NS.xhtml)).", spec: "RFC 4287 §3.1.1.3")
                }
            } else {
                sink.error("MissingXhtmlDiv", at: e, "xhtml <\(e.name)> must hold one XHTML <div>.", spec: "RFC 4287 §3.1.1.3")
            }
            return
        }
        if !elements.isEmpty && !xmlType {
            for child in elements {
                sink.error("UndefinedElement", at: child, "<\(e.name)> of type \(type.isEmpty ? "text" : type) cannot contain elements; escape the markup or use type=\"xhtml\".", spec: spec)
            }
        }
        if !elements.isEmpty && !e.ownText.trimmingWhitespace().isEmpty {
            sink.error("UnexpectedText", at: e, "<\(e.name)> mixes text and elements.", spec: spec)
        }
        if AtomValidator.isBase64Type(type) && src == nil && !AtomValidator.isBase64(e.text) {
            sink.error("NotBase64", at: e, "<\(e.name)> of type \(type) must hold base64 data.", spec: "RFC 4287 §4.1.3.3")
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
                    sink.error("DuplicateElement", at: child, "<\(person.name)> has more than one <\(child.name)>.", spec: "RFC 4287 §3.2")
                }
                checkNoChildren(child)
                if child.name == "uri" {
                    common.checkURI(child.text, at: child, absolute: false, what: "<uri>", spec: "RFC 4287 §3.2.2")
                } else if child.name == "email", !OtherValues.isEmail(child.text) {
                    sink.error("InvalidAddrSpec", at: child, "\"\(child.text)\" is not an e-mail address.", spec: "RFC 4287 §3.2.3")
                }
            default:
                sink.error("UndefinedElement", at: child, "<\(child.name)> is not allowed in <\(person.name)>.", spec: "RFC 4287 §3.2")
            }
        }
        if !seen.contains("name") {
            sink.error("MissingElement", at: person, "<\(person.name)> has no <name>.", spec: "RFC 4287 §3.2.1")
        }
    }

    static let registeredRels: Set<String> = [
        "alternate", "related", "self", "enclosure", "via", "license", "replies", "edit", "edit-media", "first", "last",
        "next", "previous", "prev", "payment", "current", "hub", "search", "service", "describedby", "up", "archives",
        "next-archive", "prev-archive", "duplicate", "alternate", "canonical", "author", "icon", "help", "index", "start",
    ]

    private func validateLink(_ link: XMLElement) {
        checkAttributes(link, allowed: ["href", "rel", "type", "hreflang", "title", "length"])
        if let href = link.attribute("href") {
            common.checkURI(href, at: link, absolute: false, what: "<link href>", spec: "RFC 4287 §4.2.7.1", attribute: true)
        } else {
            sink.error("MissingHref", at: link, "<link> has no href attribute.", spec: "RFC 4287 §4.2.7.1")
        }
        if let rel = link.attribute("rel") {
            if URIValues.scheme(of: rel) != nil {
                common.checkURI(rel, at: link, absolute: true, what: "<link rel>", spec: "RFC 4287 §4.2.7.2", attribute: true)
            } else if !AtomValidator.registeredRels.contains(rel) {
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
        if link.hasElementChildren || !link.text.trimmingWhitespace().isEmpty {
            sink.warning("AtomLinkNotEmpty", at: link, "<link> should be empty.", spec: "RFC 4287 §4.2.7")
        }
    }

    private func checkDuplicateAlternates(_ links: [XMLElement]) {
        var seen: Set<String> = []
        for link in links where (link.attribute("rel") ?? "alternate") == "alternate" {
            let key = (link.attribute("type") ?? "") + "\u{0}" + (link.attribute("hreflang") ?? "")
            if !seen.insert(key).inserted {
                sink.error("DuplicateAtomLink", at: link, "Two alternate links have the same type and hreflang.", spec: "RFC 4287 §4.1.1")
            }
        }
    }

    /// RFC 5005: a complete feed has no paging links and its `current` is itself; paging
    /// must stop at the ends.
    private func checkFeedHistory(_ feed: XMLElement, links: [XMLElement]) {
        func href(_ rel: String) -> String? { links.first { $0.attribute("rel") == rel }?.attribute("href") }
        let spec = "RFC 5005 §2"
        let selfHref = href("self")
        if feed.element(named: "complete", namespace: ExtensionTable.history) != nil {
            for link in links {
                let rel = link.attribute("rel") ?? ""
                if ["first", "last", "previous", "prev", "next", "prev-archive", "next-archive"].contains(rel) {
                    sink.error("FeedRelInCompleteFeed", at: link, "A complete feed (fh:complete) cannot have rel=\"\(rel)\" links.", spec: spec)
                } else if rel == "current", let selfHref, link.attribute("href") != selfHref {
                    sink.error("CurrentNotSelfInCompleteFeed", at: link, "In a complete feed, rel=\"current\" must point at the feed itself.", spec: spec)
                }
            }
        }
        if let selfHref {
            if href("last") == selfHref, let next = links.first(where: { $0.attribute("rel") == "next" }) {
                sink.error("LinkPastEnd", at: next, "This is the last page (rel=\"last\" is itself), so it cannot have rel=\"next\".", spec: "RFC 5005 §3")
            }
            if href("first") == selfHref, let previous = links.first(where: { ["previous", "prev"].contains($0.attribute("rel") ?? "") }) {
                sink.error("LinkPastEnd", at: previous, "This is the first page (rel=\"first\" is itself), so it cannot have rel=\"previous\".", spec: "RFC 5005 §3")
            }
        }
    }

    // MARK: Helpers

    private func checkDate(_ e: XMLElement) {
        let value = e.text
        if value.trimmingWhitespace() != value[...] {
            sink.error("UnexpectedWhitespace", at: e, "<\(e.name)> has white space around its value.", spec: "RFC 4287 §3.3")
        } else if !DateValues.isRFC3339(value) {
            sink.error("InvalidRFC3339Date", at: e, "<\(e.name)> \"\(value)\" is not an RFC 3339 date-time such as 2024-05-01T12:00:00Z.", spec: "RFC 4287 §3.3")
        }
    }

    private func checkNoChildren(_ e: XMLElement) {
        for case .element(let child) in e.children {
            sink.error("UndefinedElement", at: child, "<\(e.name)> cannot contain elements.", spec: "RFC 4287 §4.2")
        }
    }

    /// Unprefixed attributes other than `allowed` are not part of Atom.
    private func checkAttributes(_ e: XMLElement, allowed: Set<String>) {
        common.checkAttributes(e, allowed: allowed, spec: "RFC 4287 §6.4")
    }
}
