import CrierXML

/// Checks shared by the formats: `xml:lang`, URIs, dates, and the extension namespaces.
struct CommonChecks {
    let sink: DiagnosticSink

    /// `xml:lang` on `e` and its descendants must be a language tag (or empty, which XML
    /// allows to mean "unknown").
    func checkLanguage(_ e: XMLElement) {
        if let lang = e.attribute("lang", namespace: NS.xml), !lang.isEmpty, !LanguageCodes.isValid(lang) {
            sink.error("InvalidLanguage", at: e, "xml:lang=\"\(lang)\" is not a language tag.", spec: "XML 1.0 §2.12")
        }
        for case .element(let child) in e.children { checkLanguage(child) }
    }

    /// Elements that hold only elements: text directly inside them is a mistake.
    func checkNoText(_ e: XMLElement, spec: String) {
        // Each piece of text on its own, as always: a combining mark after a child element is
        // text here, even where it would join white space before that element.
        if e.children.contains(where: { if case .text(let t) = $0 { !t.isBlank } else { false } }) {
            sink.error("UnexpectedText", at: e, "<\(e.qualifiedName)> holds text directly; only its child elements may hold text.", spec: spec)
        }
    }

    /// Unprefixed attributes other than `allowed` are not part of the format.
    func checkAttributes(_ e: XMLElement, allowed: Set<String>, spec: String) {
        for attribute in e.attributes where attribute.namespace == nil && !allowed.contains(attribute.name) {
            sink.error("UnexpectedAttribute", at: e, "<\(e.name)> has an unexpected attribute \(attribute.name).", spec: spec)
        }
    }

    /// Reports a URI or IRI that is malformed, or relative where an absolute one is needed.
    /// `iri` allows non-ASCII characters (Atom uses IRIs; RSS uses URIs).
    func checkURI(_ value: String, at e: XMLElement, absolute: Bool, iri: Bool = true, what: String, spec: String, attribute: Bool = false) {
        switch URIValues.check(value, absolute: absolute, iri: iri) {
        case .valid:
            break
        case .invalidCharacter(let c):
            let shown = c.isWhitespace ? "white space" : "\"\(c)\""
            sink.error("InvalidUriChar", at: e, "\(what) contains \(shown), which must be percent-encoded in a URI.", spec: spec)
        case .invalid:
            sink.error(absolute ? "InvalidFullLink" : "InvalidIRI", at: e, "\(what) \"\(value)\" is not a valid \(absolute ? "absolute URI" : "IRI").", spec: spec)
        case .notAbsolute:
            sink.error("InvalidFullLink", at: e, "\(what) \"\(value)\" must be an absolute URI (with a scheme such as https:).", spec: spec)
        case .invalidTag:
            sink.error("InvalidTAG", at: e, "\(what) \"\(value)\" is not a valid tag: URI (tag:example.com,2024:name).", spec: "RFC 4151 §2.1")
        case .invalidUUID:
            sink.error("InvalidUUID", at: e, "\(what) \"\(value)\" is not a valid urn:uuid: URI.", spec: "RFC 4122 §3")
        case .invalidURN:
            sink.error("InvalidURN", at: e, "\(what) \"\(value)\" is not a valid URN.", spec: "RFC 2141 §2")
        }
    }

    /// RSS dates: RFC 822 with four-digit years (RFC 2822 §3.3).
    func checkRFC822(_ e: XMLElement, spec: String) {
        let value = String(e.text.trimmingWhitespace())
        switch DateValues.rfc822(value) {
        case .valid:
            break
        case .invalid:
            sink.error("InvalidRFC2822Date", at: e, "<\(e.qualifiedName)> \"\(value)\" is not an RFC 822 date such as Wed, 01 May 2024 12:00:00 +0000.", spec: spec)
        case .incorrectDayOfWeek:
            sink.error("IncorrectDOW", at: e, "<\(e.qualifiedName)> \"\(value)\" names the wrong day of the week.", spec: spec)
        case .problematic:
            sink.warning("ProblematicalRFC822Date", at: e, "<\(e.qualifiedName)> \"\(value)\" is valid RFC 822 but many readers misread it; use a four-digit year and a numeric zone.", spec: spec)
        }
    }

    /// Dates in W3C-DTF, as Dublin Core uses.
    func checkW3CDTF(_ e: XMLElement, spec: String) {
        let value = String(e.text.trimmingWhitespace())
        if !DateValues.isW3CDTF(value) {
            sink.error("InvalidW3CDTFDate", at: e, "<\(e.qualifiedName)> \"\(value)\" is not a W3C-DTF date such as 2024-05-01T12:00:00Z.", spec: spec)
        }
    }

    /// Elements from other namespaces: the ones the validator knows are checked, unknown
    /// ones are allowed, as both Atom (§6) and RSS 2.0 (extending RSS) say.
    func checkExtension(_ e: XMLElement, parent: XMLElement, format: FeedFormat) {
        ExtensionChecks(sink: sink, common: self).check(e, parent: parent, format: format)
    }
}
