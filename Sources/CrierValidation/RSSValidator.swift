import CrierXML

/// RSS 2.0 rules (RSS Advisory Board specification 2.0.11), also applied to RSS 0.91-0.94,
/// which RSS 2.0 keeps compatible. Items are checked one at a time.
final class RSSValidator: FeedStreamHandler {
    private let sink: DiagnosticSink
    private let common: CommonChecks
    private let spec = "RSS 2.0"
    private var channel: XMLElement?
    private var channelCount = 0
    private var seenGuids = SeenSet()
    private var rssRoot: XMLElement?

    init(sink: DiagnosticSink) {
        self.sink = sink
        self.common = CommonChecks(sink: sink)
    }

    func start(root: XMLElement, namespaces: [XMLNamespaceDeclaration]) {
        rssRoot = root
        common.checkLanguage(root)
        if let version = root.attribute("version") {
            if version.isEmpty {
                sink.error("InvalidRSSVersion", at: root, "<rss version> is empty.", spec: "\(spec) §rss")
            }
        } else {
            sink.error("MissingAttribute", at: root, "<rss> has no version attribute; RSS 2.0 needs version=\"2.0\".", spec: "\(spec) §rss")
        }
        checkAttributes(root, allowed: ["version"])
    }

    func shouldEnter(_ element: XMLElement, path: [XMLElement]) -> Bool {
        guard path.count == 1, element.namespace == nil, element.name == "channel" else { return false }
        channelCount += 1
        if channelCount > 1 {
            sink.error("DuplicateElement", at: element, "<rss> has more than one <channel>.", spec: "\(spec) §channel")
        }
        checkAttributes(element, allowed: [])
        common.checkLanguage(element)
        channel = element
        return true
    }

    func child(_ element: XMLElement, path: [XMLElement]) {
        if path.count == 1 {
            // Children of <rss> other than <channel>.
            if element.namespace == nil {
                sink.error("UndefinedElement", at: element, "<\(element.name)> is not allowed in <rss>; it belongs inside <channel>.", spec: "\(spec) §rss")
            } else {
                common.checkExtension(element, parent: rssRoot ?? element, format: .rss20)
            }
            return
        }
        if element.namespace == nil && element.name == "item" {
            validateItem(element)
            return
        }
        channel?.children.append(.element(element))
    }

    func text(_ text: String, at place: TextPlace, path: [XMLElement]) {
        sink.add(.error, "UnexpectedText", at: place, "Text directly inside <\(path.last?.qualifiedName ?? "rss")> is not allowed.", spec: spec)
    }

    func end(_ container: XMLElement, path: [XMLElement]) {
        if container.name == "channel" && path.count == 1 {
            if let channel { validateChannel(channel) }
        } else if path.isEmpty && channelCount == 0 {
            sink.error("MissingElement", at: container, "<rss> has no <channel>.", spec: "\(spec) §rss")
        }
    }

    // MARK: Channel

    static let channelSingletons: Set<String> = [
        "title", "link", "description", "language", "copyright", "managingEditor", "webMaster", "pubDate",
        "lastBuildDate", "generator", "docs", "cloud", "ttl", "image", "rating", "textInput", "skipHours", "skipDays",
    ]

    private func validateChannel(_ channel: XMLElement) {
        var seen: Set<String> = []
        for case .element(let child) in channel.children {
            common.checkLanguage(child)
            guard child.namespace == nil else {
                common.checkExtension(child, parent: channel, format: .rss20)
                continue
            }
            let name = child.name
            if RSSValidator.channelSingletons.contains(name) {
                if !seen.insert(name).inserted {
                    sink.error("DuplicateElement", at: child, "<channel> has more than one <\(name)>.", spec: "\(spec) §channel")
                }
            } else if name == "category" {
                // Repeatable.
            } else if name == "textinput" {
                // RSS 1.0's name. In an RSS 2.0 channel the W3C validator takes it for a
                // misspelt <textInput>, unless the channel is RDF (has rdf:about), where it
                // leaves the element unchecked.
                if channel.attribute("about", namespace: NS.rdf) == nil {
                    sink.error("UndefinedElement", at: child, "<textinput> is not an RSS 2.0 <channel> element; RSS 2.0 spells it <textInput>.", spec: "\(spec) §textinput")
                }
                continue
            } else if name == "blink" {
                sink.error("NoBlink", at: child, "There is no <blink> element in RSS.", spec: spec)
                continue
            } else {
                sink.error("UndefinedElement", at: child, "<\(name)> is not an RSS 2.0 <channel> element.", spec: "\(spec) §channel")
                continue
            }
            validateChannelElement(child)
        }
        if !seen.contains("title") {
            sink.error("MissingTitle", at: channel, "<channel> has no <title>.", spec: "\(spec) §channel")
        }
        if !seen.contains("link") {
            sink.error("MissingLink", at: channel, "<channel> has no <link>.", spec: "\(spec) §channel")
        }
        if !seen.contains("description") {
            sink.error("MissingDescription", at: channel, "<channel> has no <description>.", spec: "\(spec) §channel")
        }
        let selfLinks = channel.elements(named: "link", namespace: NS.atom).filter { AtomConstructs.relation(of: $0) == "self" }
        if selfLinks.isEmpty {
            sink.warning("MissingAtomSelfLink", at: channel, "<channel> has no <atom:link rel=\"self\">; readers use it to find the feed's own address.", spec: "RSS Best Practices Profile")
        }
    }

    private func validateChannelElement(_ e: XMLElement) {
        switch e.name {
        case "title", "description", "copyright", "generator", "rating":
            checkAttributes(e, allowed: [])
            checkNoChildren(e)
        case "link", "docs":
            checkAttributes(e, allowed: [])
            checkNoChildren(e)
            common.checkURI(e.text.trimmingWhitespace().description, at: e, absolute: true, iri: false, what: "<\(e.name)>", spec: "\(spec) §channel")
        case "language":
            checkAttributes(e, allowed: [])
            checkNoChildren(e)
            let value = e.text.trimmingWhitespace()
            if !LanguageCodes.isValid(String(value)) {
                sink.error("InvalidLanguage", at: e, "<language> \"\(value)\" is not a language code such as en-us.", spec: "\(spec) §channel")
            }
        case "managingEditor", "webMaster":
            checkAttributes(e, allowed: [])
            checkNoChildren(e)
            checkContact(e)
        case "pubDate", "lastBuildDate":
            checkAttributes(e, allowed: [])
            checkNoChildren(e)
            common.checkRFC822(e, spec: "\(spec) §channel")
        case "ttl":
            checkAttributes(e, allowed: [])
            checkNoChildren(e)
            let value = String(e.text.trimmingWhitespace())
            if !OtherValues.isPositiveInteger(value) {
                sink.error("InvalidPositiveInteger", at: e, "<ttl> \"\(value)\" is not a whole number of minutes greater than zero.", spec: "\(spec) §ttl")
            }
        case "cloud":
            checkAttributes(e, allowed: ["domain", "port", "path", "registerProcedure", "protocol"])
            for attribute in ["domain", "port", "path", "registerProcedure", "protocol"] where !e.has(attribute) {
                sink.error("MissingAttribute", at: e, "<cloud> has no \(attribute) attribute.", spec: "\(spec) §cloud")
            }
            if let port = e.attribute("port"), !OtherValues.isPositiveInteger(port) {
                sink.error("InvalidIntegerAttribute", at: e, "<cloud port> \"\(port)\" is not a port number.", spec: "\(spec) §cloud")
            }
        case "image":
            checkAttributes(e, allowed: [])
            validateImage(e)
        case "textInput":
            checkAttributes(e, allowed: [])
            validateTextInput(e)
        case "skipHours":
            checkAttributes(e, allowed: [])
            for hour in e.elements(named: "hour", namespace: nil) where OtherValues.integerValue(hour.text) == 24 {
                sink.warning("UseZeroForMidnight", at: hour, "Write midnight as 0, not 24.", spec: "\(spec) §skipHours")
            }
            // 24 is midnight, as some publishers write it.
            validateSkip(e, child: "hour", rule: "InvalidHour", limit: 24, normalise: { value in
                let hour = OtherValues.integerValue(value) ?? -1
                return String(hour == 24 ? 0 : hour)
            }) { value in
                (0...24).contains(OtherValues.integerValue(value) ?? -1)
            }
        case "skipDays":
            checkAttributes(e, allowed: [])
            validateSkip(e, child: "day", rule: "InvalidDay", limit: 7) { value in
                ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"].contains(value)
            }
        case "category":
            checkAttributes(e, allowed: ["domain"])
            checkNoChildren(e)
        default:
            break
        }
    }

    /// Calls `check` with each child of `container` (`<image>`, `<textInput>`) in no
    /// namespace and its trimmed text, in order, after reporting a child not in `allowed`
    /// (then left out) or repeated; returns the names seen. Children in a namespace are
    /// extensions, checked as in a channel.
    private func forEachKnownChild(of container: XMLElement, allowed: [String], section: String,
                                   _ check: (XMLElement, String) -> Void) -> Set<String> {
        var seen: Set<String> = []
        for case .element(let child) in container.children {
            guard child.namespace == nil else {
                common.checkExtension(child, parent: container, format: .rss20)
                continue
            }
            guard allowed.contains(child.name) else {
                sink.error("UndefinedElement", at: child, "<\(child.name)> is not allowed in <\(section)>.", spec: "\(spec) §\(section)")
                continue
            }
            if !seen.insert(child.name).inserted {
                sink.error("DuplicateElement", at: child, "<\(section)> has more than one <\(child.name)>.", spec: "\(spec) §\(section)")
            }
            checkNoChildren(child)
            check(child, String(child.text.trimmingWhitespace()))
        }
        return seen
    }

    private func validateImage(_ image: XMLElement) {
        common.checkNoText(image, spec: "\(spec) §image")
        let seen = forEachKnownChild(of: image, allowed: ["url", "title", "link", "width", "height", "description"], section: "image") { child, value in
            switch child.name {
            case "url", "link":
                common.checkURI(value, at: child, absolute: true, iri: false, what: "<image> <\(child.name)>", spec: "\(spec) §image")
            case "width":
                if !(1...144).contains(OtherValues.integerValue(value) ?? 0) {
                    sink.error("InvalidWidth", at: child, "<image> <width> \"\(value)\" must be a whole number from 1 to 144.", spec: "\(spec) §image")
                }
            case "height":
                if !(1...400).contains(OtherValues.integerValue(value) ?? 0) {
                    sink.error("InvalidHeight", at: child, "<image> <height> \"\(value)\" must be a whole number from 1 to 400.", spec: "\(spec) §image")
                }
            default:
                break
            }
        }
        if !seen.contains("url") {
            sink.error("MissingElement", at: image, "<image> has no <url>.", spec: "\(spec) §image")
        }
        if !seen.contains("title") {
            sink.error("MissingTitle", at: image, "<image> has no <title>.", spec: "\(spec) §image")
        }
        if !seen.contains("link") {
            sink.error("MissingLink", at: image, "<image> has no <link>.", spec: "\(spec) §image")
        }
    }

    private func validateTextInput(_ input: XMLElement) {
        common.checkNoText(input, spec: "\(spec) §textInput")
        let seen = forEachKnownChild(of: input, allowed: ["title", "description", "name", "link"], section: "textInput") { child, value in
            if child.name == "link" {
                common.checkURI(value, at: child, absolute: true, iri: false, what: "<textInput> <link>", spec: "\(spec) §textInput")
            } else if child.name == "name" && !RSSValidator.isFormComponentName(value) {
                sink.error("InvalidFormComponentName", at: child, "<textInput> <name> \"\(value)\" is not a form field name.", spec: "\(spec) §textInput")
            }
        }
        if !seen.contains("title") {
            sink.error("MissingTitle", at: input, "<textInput> has no <title>.", spec: "\(spec) §textInput")
        }
        if !seen.contains("description") {
            sink.error("MissingDescription", at: input, "<textInput> has no <description>.", spec: "\(spec) §textInput")
        }
        if !seen.contains("name") {
            sink.error("MissingElement", at: input, "<textInput> has no <name>.", spec: "\(spec) §textInput")
        }
        if !seen.contains("link") {
            sink.error("MissingLink", at: input, "<textInput> has no <link>.", spec: "\(spec) §textInput")
        }
    }

    /// An HTML form control name: a letter, then letters, digits, `-`, `_`, `:` or `.`.
    static func isFormComponentName(_ value: String) -> Bool {
        guard let first = value.first, first.isASCII, first.isLetter else { return false }
        return value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_:.".contains($0)) }
    }

    private func validateSkip(_ e: XMLElement, child name: String, rule: String, limit: Int,
                              normalise: (String) -> String = { $0 }, isValid: (String) -> Bool) {
        var values: Set<String> = []
        var count = 0
        for case .element(let child) in e.children where child.namespace == nil {
            guard child.name == name else {
                sink.error("UndefinedElement", at: child, "<\(child.name)> is not allowed in <\(e.name)>.", spec: "\(spec) §\(e.name)")
                continue
            }
            count += 1
            let value = String(child.text.trimmingWhitespace())
            if !isValid(value) {
                sink.error(rule, at: child, "<\(name)> \"\(value)\" is not valid here.", spec: "\(spec) §\(e.name)")
            } else if !values.insert(normalise(value)).inserted {
                sink.error("DuplicateValue", at: child, "<\(e.name)> lists \"\(value)\" twice.", spec: "\(spec) §\(e.name)")
            }
        }
        if count == 0 {
            sink.error("MissingElement", at: e, "<\(e.name)> has no <\(name)>.", spec: "\(spec) §\(e.name)")
        } else if count > limit {
            sink.error(name == "day" ? "EightDaysAWeek" : "NotEnoughHoursInTheDay", at: e, "<\(e.name)> has more than \(limit) <\(name)> elements.", spec: "\(spec) §\(e.name)")
        }
    }

    // MARK: Item

    static let itemSingletons: Set<String> = ["title", "link", "description", "author", "comments", "guid", "pubDate", "source"]

    private func validateItem(_ item: XMLElement) {
        common.checkLanguage(item)
        common.checkNoText(item, spec: "\(spec) §item")
        checkAttributes(item, allowed: [])
        var seen: Set<String> = []
        for case .element(let child) in item.children {
            guard child.namespace == nil else {
                common.checkExtension(child, parent: item, format: .rss20)
                continue
            }
            let name = child.name
            if RSSValidator.itemSingletons.contains(name) {
                if !seen.insert(name).inserted {
                    sink.error("DuplicateElement", at: child, "<item> has more than one <\(name)>.", spec: "\(spec) §item")
                }
            } else if name == "category" || name == "enclosure" {
                seen.insert(name)
            } else {
                sink.error("UndefinedElement", at: child, "<\(name)> is not an RSS 2.0 <item> element.", spec: "\(spec) §item")
                continue
            }
            validateItemElement(child)
        }
        if !seen.contains("title") && !seen.contains("description") {
            sink.error("ItemMustContainTitleOrDescription", at: item, "<item> has neither <title> nor <description>.", spec: "\(spec) §item")
        }
        if !seen.contains("guid") {
            sink.warning("MissingGuid", at: item, "<item> has no <guid>; readers use it to tell items apart.", spec: "RSS Best Practices Profile")
        }
    }

    private func validateItemElement(_ e: XMLElement) {
        switch e.name {
        case "title", "description":
            checkAttributes(e, allowed: [])
            checkNoChildren(e)
        case "link", "comments":
            checkAttributes(e, allowed: [])
            checkNoChildren(e)
            common.checkURI(String(e.text.trimmingWhitespace()), at: e, absolute: true, iri: false, what: "<\(e.name)>", spec: "\(spec) §item")
        case "author":
            checkAttributes(e, allowed: [])
            checkNoChildren(e)
            checkContact(e)
        case "pubDate":
            checkAttributes(e, allowed: [])
            checkNoChildren(e)
            common.checkRFC822(e, spec: "\(spec) §item")
        case "category":
            checkAttributes(e, allowed: ["domain"])
            checkNoChildren(e)
        case "source":
            checkAttributes(e, allowed: ["url"])
            checkNoChildren(e)
            if let url = e.attribute("url") {
                common.checkURI(url, at: e, absolute: true, iri: false, what: "<source url>", spec: "\(spec) §source", attribute: true)
            } else {
                sink.error("MissingAttribute", at: e, "<source> has no url attribute.", spec: "\(spec) §source")
            }
        case "enclosure":
            validateEnclosure(e)
        case "guid":
            validateGuid(e)
        default:
            break
        }
    }

    private func validateEnclosure(_ e: XMLElement) {
        checkAttributes(e, allowed: ["url", "length", "type"])
        for attribute in ["url", "length", "type"] where !e.has(attribute) {
            sink.error("MissingAttribute", at: e, "<enclosure> has no \(attribute) attribute.", spec: "\(spec) §enclosure")
        }
        if let url = e.attribute("url") {
            let scheme = URIValues.scheme(of: url)
            if URIValues.check(url, absolute: true) != .valid || !(scheme == "http" || scheme == "https") {
                sink.error("InvalidURLAttribute", at: e, "<enclosure url> \"\(url)\" is not an http(s) URL.", spec: "\(spec) §enclosure")
            }
        }
        if let length = e.attribute("length") {
            if let bytes = OtherValues.integerValue(length) {
                if bytes < 0 {
                    sink.error("UseZeroForUnknown", at: e, "<enclosure length> is negative; use 0 when the size is unknown.", spec: "\(spec) §enclosure")
                }
            } else {
                sink.error("InvalidIntegerAttribute", at: e, "<enclosure length> \"\(length)\" is not a number of bytes.", spec: "\(spec) §enclosure")
            }
        }
        if let type = e.attribute("type"), !OtherValues.isMediaType(type) {
            sink.error("InvalidMIMEAttribute", at: e, "<enclosure type> \"\(type)\" is not a media type.", spec: "\(spec) §enclosure")
        }
    }

    private func validateGuid(_ e: XMLElement) {
        checkAttributes(e, allowed: ["isPermaLink"])
        checkNoChildren(e)
        var isPermaLink = true
        if let flag = e.attribute("isPermaLink") {
            if flag != "true" && flag != "false" {
                sink.error("InvalidBooleanAttribute", at: e, "<guid isPermaLink> must be \"true\" or \"false\".", spec: "\(spec) §guid")
            }
            isPermaLink = flag == "true"
        }
        let value = e.text
        if isPermaLink {
            if value.isEmpty {
                sink.error("InvalidHttpGUID", at: e, "<guid> is empty but says it is a permalink.", spec: "\(spec) §guid")
                return
            }
            switch URIValues.check(value, absolute: false) {
            case .valid:
                let lower = value.lowercased()
                if lower.hasPrefix("tag:") || lower.hasPrefix("urn:uuid:") {
                    sink.error("InvalidPermalink", at: e, "<guid> \"\(value)\" is not a URL; add isPermaLink=\"false\".", spec: "\(spec) §guid")
                }
            case .invalidCharacter(let c):
                sink.error("InvalidUriChar", at: e, "<guid> contains \"\(c)\", which a URL cannot; add isPermaLink=\"false\" if it is not a URL.", spec: "\(spec) §guid")
            default:
                sink.error("InvalidHttpGUID", at: e, "<guid> \"\(value)\" is not a URL; add isPermaLink=\"false\" if it is not one.", spec: "\(spec) §guid")
            }
        }
        if !seenGuids.insert(value) {
            sink.error("DuplicateValue", at: e, "Another item has the same <guid> \"\(value)\".", spec: "\(spec) §guid")
        }
    }

    // MARK: Helpers

    private func checkContact(_ e: XMLElement) {
        let value = String(e.text.trimmingWhitespace())
        if !OtherValues.isRSSContact(value) {
            sink.error("InvalidContact", at: e, "<\(e.name)> \"\(value)\" is not an e-mail address such as ed@example.com (Ed Smith).", spec: "\(spec) §\(e.name)")
        }
    }

    /// An element whose value is text holds no element, in a namespace or not (the W3C
    /// validator reports each as `UndefinedElement`; markup belongs escaped in the text).
    private func checkNoChildren(_ e: XMLElement) {
        for case .element(let child) in e.children {
            sink.error("UndefinedElement", at: child, "<\(e.name)> holds text; it cannot contain <\(child.qualifiedName)>.", spec: spec)
        }
    }

    /// Unprefixed attributes other than `allowed` are not part of RSS.
    private func checkAttributes(_ e: XMLElement, allowed: Set<String>) {
        common.checkAttributes(e, allowed: allowed, spec: spec)
    }
}
