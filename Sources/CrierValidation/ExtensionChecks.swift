import CrierXML

/// Checks for the extension namespaces feeds commonly use: Dublin Core, `content`, Atom
/// inside RSS, iTunes, Media RSS and the others of `ExtensionTable`. Elements of
/// namespaces not listed here are allowed; in a namespace listed, a name it does not define
/// where the element stands is `UndefinedElement`, as the W3C validator reports it.
struct ExtensionChecks {
    let sink: DiagnosticSink
    let common: CommonChecks

    func check(_ e: XMLElement, parent: XMLElement, format: FeedFormat) {
        if format == .rss20, let stray = ExtensionChecks.firstUnqualified(in: e) {
            sink.error("NotInANamespace", at: stray, "<\(stray.name)> inside <\(e.qualifiedName)> is in no namespace; extension content must be namespaced.", spec: "RSS 2.0 §extending-rss")
        }
        // A namespace written with another letter case or end is checked as the one meant.
        let namespace = e.namespace.map { ExtensionTable.knownNamespace($0) ?? $0 }
        // The W3C validator's <rss> takes only <channel> and access:restriction (in the
        // table) from the namespaces it knows.
        if ExtensionChecks.level(of: parent) == .document, let uri = namespace, [NS.dc, NS.content, NS.atom].contains(uri) {
            sink.error("UndefinedElement", at: e, "<\(e.qualifiedName)> is not allowed directly in <\(parent.qualifiedName)>; it belongs inside <channel>.", spec: "RSS 2.0 §extending-rss")
            return
        }
        switch namespace {
        case NS.rdf? where format == .rss20:
            sink.error("UndefinedElement", at: e, "<\(e.qualifiedName)> is RDF (RSS 1.0) markup, not part of RSS 2.0.", spec: "RSS 2.0 §extending-rss")
        case NS.dc?:
            checkDublinCore(e, parent: parent, format: format)
        case NS.content?:
            checkContentModule(e, parent: parent)
        case NS.atom? where format != .atom:
            checkAtomInRSS(e, parent: parent, format: format)
        case NS.xhtml? where e.name == "meta":
            checkRobotsMeta(e)
        case NS.xhtml? where !["div", "body"].contains(e.name) && format != .rss10:
            // The one known namespace whose stray elements the W3C validator only warns
            // about (MisplacedXHTMLContent): HTML belongs inside content.
            sink.warning("MisplacedXHTMLContent", at: e, "<\(e.qualifiedName)> is XHTML outside any content; put HTML inside <\(format == .atom ? "content" : "description")>.", spec: "XHTML 1.0")
        case NS.mediaOld?:
            sink.error("MediaRssNamespace", at: e, "<\(e.qualifiedName)> uses \(NS.mediaOld); the Media RSS namespace is \(NS.media) (with the final slash).", spec: "Media RSS 1.5.1 §namespace")
            checkTable(e, parent: parent, uri: NS.mediaOld, namespace: MediaChecks.namespace, format: format, nested: false)
        case let uri? where ExtensionTable.namespaces[uri] != nil:
            checkTable(e, parent: parent, uri: uri, namespace: ExtensionTable.namespaces[uri]!, format: format, nested: false)
        default:
            break
        }
    }

    /// Checks an element against its namespace's table entry, then its children of the same
    /// namespace when the entry says they are part of it.
    private func checkTable(_ e: XMLElement, parent: XMLElement, uri: String, namespace: ExtensionNamespace, format: FeedFormat, nested: Bool) {
        let spec = "\(namespace.spec) §\(namespace.name):\(e.name)"
        guard let rule = namespace.element(named: e.name) else {
            if namespace.closed {
                sink.error("UndefinedElement", at: e, "<\(e.qualifiedName)> is not defined by \(namespace.spec).", spec: namespace.spec)
            }
            return
        }
        if rule.rss10Only && format != .rss10 {
            sink.error("UndefinedElement", at: e, "<\(e.qualifiedName)> is RDF (RSS 1.0) markup; \(namespace.spec) defines it for RSS 1.0 only.", spec: spec)
            return
        }
        if !nested {
            let level = ExtensionChecks.level(of: parent)
            if (rule.scope == .feed && level == .item) || (rule.scope == .item && level == .feed) || (rule.scope == .document) != (level == .document) {
                sink.error("UndefinedElement", at: e, "<\(e.qualifiedName)> is not allowed in <\(parent.qualifiedName)>.", spec: spec)
                return
            }
        }
        if rule.singleton && ExtensionChecks.isRepeat(e, in: parent) {
            sink.error("DuplicateElement", at: e, "<\(parent.qualifiedName)> has more than one <\(e.qualifiedName)>.", spec: spec)
        }
        for name in rule.required where e.attribute(name) == nil {
            sink.error("MissingAttribute", at: e, "<\(e.qualifiedName)> has no \(name) attribute.", spec: spec)
        }
        for attribute in e.attributes where attribute.namespace == nil {
            rule.attributes[attribute.name]?.check(attribute.value, at: e, attribute: attribute.name, sink: sink, spec: spec)
        }
        rule.text?.check(e.text, at: e, attribute: nil, sink: sink, spec: spec)
        if rule.holdsText {
            checkNoChildren(e, format: format, spec: spec)
        }
        switch uri {
        case NS.itunes: ITunesChecks.check(e, parent: parent, sink: sink)
        case NS.media, NS.mediaOld: MediaChecks.check(e, parent: parent, sink: sink)
        case ExtensionTable.feedsync, ExtensionTable.sse: FeedSyncChecks.check(e, sink: sink)
        case GoogleBaseChecks.uri: GoogleBaseChecks.check(e, parent: parent, sink: sink)
        default: break
        }
        if rule.nested {
            for case .element(let child) in e.children where child.namespace == e.namespace {
                checkTable(child, parent: e, uri: uri, namespace: namespace, format: format, nested: true)
            }
        }
    }

    /// An element whose value is text holds no element, of whatever namespace (the W3C
    /// validator's text values report each as `UndefinedElement`). RSS 1.0 is RDF, where
    /// such an element may hold an RDF description instead.
    private func checkNoChildren(_ e: XMLElement, format: FeedFormat, spec: String) {
        guard format != .rss10 else { return }
        for case .element(let child) in e.children {
            sink.error("UndefinedElement", at: child, "<\(e.qualifiedName)> holds a text value; <\(child.qualifiedName)> cannot be inside it.", spec: spec)
        }
    }

    enum Level { case document, feed, item, other }

    static func level(of parent: XMLElement) -> Level {
        switch parent.name {
        case "rss": .document
        case "channel", "feed": .feed
        case "item", "entry": .item
        default: .other
        }
    }

    /// `<meta name="robots" content="...">` in XHTML, which some feeds carry to keep
    /// search engines out.
    private func checkRobotsMeta(_ e: XMLElement) {
        let spec = "Robots meta tag"
        guard let name = e.attribute("name") else {
            sink.error("MissingAttribute", at: e, "<meta> has no name attribute.", spec: spec)
            return
        }
        guard name.lowercased() == "robots" else {
            sink.error("InvalidMetaName", at: e, "<meta name=\"\(name)\"> is not meaningful in a feed; only robots is.", spec: spec)
            return
        }
        guard let content = e.attribute("content") else {
            sink.error("MissingAttribute", at: e, "<meta> has no content attribute.", spec: spec)
            return
        }
        let allowed: Set<String> = ["all", "none", "index", "noindex", "follow", "nofollow", "noarchive", "nosnippet", "noodp"]
        for token in content.split(separator: ",") where !allowed.contains(token.trimmingWhitespace().lowercased()) {
            sink.error("InvalidMetaContent", at: e, "<meta content> \"\(token)\" is not a robots directive.", spec: spec)
        }
    }

    /// The first descendant element in no namespace.
    static func firstUnqualified(in e: XMLElement) -> XMLElement? {
        for case .element(let child) in e.children {
            if child.namespace == nil { return child }
            if let found = firstUnqualified(in: child) { return found }
        }
        return nil
    }

    /// Whether `e` repeats an earlier sibling with the same name and namespace.
    static func isRepeat(_ e: XMLElement, in parent: XMLElement) -> Bool {
        guard let first = parent.element(named: e.name, namespace: e.namespace) else { return false }
        // Not the first of its kind: an earlier sibling has the same name.
        return !first.isSameElement(as: e)
    }

    static let dublinCore: Set<String> = [
        "title", "creator", "subject", "description", "publisher", "contributor", "date", "type", "format",
        "identifier", "source", "language", "relation", "coverage", "rights",
    ]

    private func checkDublinCore(_ e: XMLElement, parent: XMLElement, format: FeedFormat) {
        // "Qualified" Dublin Core names a refinement after the element it refines
        // (`dc:title.alternative`), which the W3C validator checks as that element.
        let element = e.name.prefix { $0 != "." }
        guard ExtensionChecks.dublinCore.contains(String(element)) else {
            sink.error("UndefinedElement", at: e, "<\(e.qualifiedName)> is not a Dublin Core element.", spec: "DCMI Metadata Terms")
            return
        }
        // Every Dublin Core element's value is text.
        checkNoChildren(e, format: format, spec: "DCMI Metadata Terms §\(element)")
        if ["date", "language"].contains(e.name) && ExtensionChecks.isRepeat(e, in: parent) {
            sink.error("DuplicateElement", at: e, "<\(parent.qualifiedName)> has more than one <\(e.qualifiedName)>.", spec: "DCMI Metadata Terms")
        }
        switch e.name {
        case "date":
            common.checkW3CDTF(e, spec: "DCMI Metadata Terms §date")
        case "language":
            let value = String(e.text.trimmingWhitespace())
            if !LanguageCodes.isValid(value) {
                sink.error("InvalidLanguage", at: e, "<\(e.qualifiedName)> \"\(value)\" is not a language code.", spec: "DCMI Metadata Terms §language")
            }
        default:
            break
        }
    }

    private func checkContentModule(_ e: XMLElement, parent: XMLElement) {
        guard ["encoded", "items", "item", "format", "encoding"].contains(e.name) else {
            sink.error("UndefinedElement", at: e, "<\(e.qualifiedName)> is not a content module element (only content:encoded is).", spec: "RSS content module")
            return
        }
        if e.name == "encoded" && ExtensionChecks.isRepeat(e, in: parent) {
            sink.error("DuplicateElement", at: e, "<\(parent.qualifiedName)> has more than one <\(e.qualifiedName)>.", spec: "RSS content module")
        }
    }

    /// The Atom elements the W3C validator's RSS 2.0 channel and item take.
    static let atomInChannel: Set<String> = [
        "author", "category", "contributor", "generator", "icon", "id", "link", "logo", "rights", "subtitle", "title", "updated",
    ]
    static let atomInItem: Set<String> = [
        "author", "category", "content", "contributor", "id", "link", "published", "rights", "summary", "title", "updated",
    ]

    /// Atom elements in RSS are checked as in an Atom feed (the W3C validator's RSS
    /// channel and item hand them to its Atom classes): dates, text constructs, persons,
    /// ids, categories, links. Other Atom names (`atom:entry`, `atom:feed`, a misspelt
    /// one) are not defined there.
    private func checkAtomInRSS(_ e: XMLElement, parent: XMLElement, format: FeedFormat) {
        if format == .rss20 {
            let allowed: Set<String>? = switch ExtensionChecks.level(of: parent) {
            case .feed: ExtensionChecks.atomInChannel
            case .item: ExtensionChecks.atomInItem
            default: nil
            }
            if let allowed, !allowed.contains(e.name) {
                sink.error("UndefinedElement", at: e, "<\(e.qualifiedName)> is not an Atom element an RSS <\(parent.qualifiedName)> can hold.", spec: "RSS 2.0 §extending-rss")
                return
            }
        }
        AtomConstructs(sink: sink, common: common, unqualifiedIsAtom: false).check(e)
    }
}
