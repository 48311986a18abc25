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
        constructs.checkAttributes(root, allowed: [])
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

    func text(_ text: String, at place: TextPlace, path: [XMLElement]) {
        sink.add(.error, "UnexpectedText", at: place, "Text directly inside <\(path.last?.qualifiedName ?? "feed")> is not allowed.", spec: "RFC 4287 §4.1.1")
    }

    func end(_ container: XMLElement, path: [XMLElement]) {
        guard path.isEmpty else { return }
        if isEntryDocument {
            validateEntry(feed, feedHasAuthor: false)
        } else {
            validateFeed(feed)
        }
    }

    /// The checks of Atom's elements, with unprefixed names taken for Atom ones when the
    /// feed itself is in no namespace (or a wrong one).
    private var constructs: AtomConstructs {
        AtomConstructs(sink: sink, common: common, unqualifiedIsAtom: feed.namespace != NS.atom)
    }

    private func isAtom(_ e: XMLElement) -> Bool { constructs.isAtom(e) }

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
        if !links.contains(where: { AtomConstructs.relation(of: $0) == "self" }) {
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
            if name == "source" {
                validateSource(child)
            } else {
                constructs.check(child)
            }
        }
    }

    private func validateSource(_ source: XMLElement) {
        constructs.checkAttributes(source, allowed: [])
        common.checkNoText(source, spec: "RFC 4287 §4.2.11")
        var singletons = AtomValidator.feedSingletons
        singletons.remove("entry")
        var repeatable = AtomValidator.feedRepeatable
        repeatable.remove("entry")
        validateMetadata(source, singletons: singletons, repeatable: repeatable, context: "source")
    }

    // MARK: Entry

    static let entrySingletons: Set<String> = ["content", "id", "published", "rights", "source", "summary", "title", "updated"]
    static let entryRepeatable: Set<String> = ["author", "category", "contributor", "link"]

    private func validateEntry(_ entry: XMLElement, feedHasAuthor: Bool) {
        entryCount += 1
        common.checkLanguage(entry)
        common.checkNoText(entry, spec: "RFC 4287 §4.1.2")
        constructs.checkAttributes(entry, allowed: [])
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
        if content == nil && !links.contains(where: { AtomConstructs.relation(of: $0) == "alternate" }) {
            sink.error("MissingContentOrAlternate", at: entry, "<entry> has neither <content> nor <link rel=\"alternate\">.", spec: "RFC 4287 §4.1.2")
        }
        if let content, entry.element(named: "summary", namespace: ns) == nil {
            let type = content.attribute("type") ?? "text"
            if content.has("src") || AtomConstructs.isBase64Type(type) {
                sink.error("MissingSummary", at: entry, "<entry> has <content> with src or binary content but no <summary>.", spec: "RFC 4287 §4.1.2")
            }
        }
        checkDuplicateAlternates(links)
        for link in links where ["current", "first", "last", "next", "previous", "prev", "next-archive", "prev-archive"].contains(AtomConstructs.relation(of: link)) && !isEntryDocument {
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

    private func checkDuplicateAlternates(_ links: [XMLElement]) {
        var seen: Set<String> = []
        for link in links where AtomConstructs.relation(of: link) == "alternate" {
            let key = (link.attribute("type") ?? "") + "\u{0}" + (link.attribute("hreflang") ?? "")
            if !seen.insert(key).inserted {
                sink.error("DuplicateAtomLink", at: link, "Two alternate links have the same type and hreflang.", spec: "RFC 4287 §4.1.1")
            }
        }
    }

    /// RFC 5005: a complete feed has no paging links and its `current` is itself; paging
    /// must stop at the ends.
    private func checkFeedHistory(_ feed: XMLElement, links: [XMLElement]) {
        func href(_ rel: String) -> String? { links.first { AtomConstructs.relation(of: $0) == rel }?.attribute("href") }
        let spec = "RFC 5005 §2"
        let selfHref = href("self")
        if feed.element(named: "complete", namespace: ExtensionTable.history) != nil {
            for link in links {
                let rel = AtomConstructs.relation(of: link)
                if ["first", "last", "previous", "prev", "next", "prev-archive", "next-archive"].contains(rel) {
                    sink.error("FeedRelInCompleteFeed", at: link, "A complete feed (fh:complete) cannot have rel=\"\(rel)\" links.", spec: spec)
                } else if rel == "current", let selfHref, link.attribute("href") != selfHref {
                    sink.error("CurrentNotSelfInCompleteFeed", at: link, "In a complete feed, rel=\"current\" must point at the feed itself.", spec: spec)
                }
            }
        }
        if let selfHref {
            if href("last") == selfHref, let next = links.first(where: { AtomConstructs.relation(of: $0) == "next" }) {
                sink.error("LinkPastEnd", at: next, "This is the last page (rel=\"last\" is itself), so it cannot have rel=\"next\".", spec: "RFC 5005 §3")
            }
            if href("first") == selfHref, let previous = links.first(where: { ["previous", "prev"].contains(AtomConstructs.relation(of: $0)) }) {
                sink.error("LinkPastEnd", at: previous, "This is the first page (rel=\"first\" is itself), so it cannot have rel=\"previous\".", spec: "RFC 5005 §3")
            }
        }
    }
}
