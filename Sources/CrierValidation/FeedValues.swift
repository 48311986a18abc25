/// Rules of the validator for values a feed takes from its author's settings, so that a
/// generator can check a setting where it is written (naming the configuration file and
/// line) instead of failing the written feed at the gate.
public enum FeedValues {
    /// Whether `tag` passes as `xml:lang` or RSS `<language>`: its primary subtag is a
    /// known language code (`LanguageCodes`).
    public static func isLanguageTag(_ tag: String) -> Bool { LanguageCodes.isValid(tag) }

    /// Whether `address` passes as an Atom `<email>` or an RSS author's address.
    public static func isEmailAddress(_ address: String) -> Bool { OtherValues.isEmail(address) }

    /// Why `id` cannot be an entry's Atom `<id>`, as the validator would say it (white
    /// space around it, a character a URI cannot hold, no scheme, a malformed `tag:`,
    /// `urn:` or `urn:uuid:`): a phrase to follow the value, such as "contains white
    /// space, which must be percent-encoded in a URI"; `nil` when it passes.
    public static func problem(withID id: String) -> String? {
        if id.trimmingWhitespace() != id[...] { return "has white space around it" }
        return problem(URIValues.check(id, absolute: true), absolute: true)
    }

    /// Why `uri` cannot be a person's Atom `<uri>` (a URI or IRI reference, relative or
    /// not; a JSON Feed writer resolves a relative one first), as for
    /// `problem(withID:)`; `nil` when it passes.
    public static func problem(withURI uri: String) -> String? {
        problem(URIValues.check(uri, absolute: false), absolute: false)
    }

    private static func problem(_ result: URIValues.Result, absolute: Bool) -> String? {
        switch result {
        case .valid: nil
        case .invalidCharacter(let c): "contains \(c.isWhitespace ? "white space" : "\"\(c)\""), which must be percent-encoded in a URI"
        case .invalid: absolute ? "is not a valid absolute URI" : "is not a valid URI"
        case .notAbsolute: "is not an absolute URI (one with a scheme, such as https: or urn:)"
        case .invalidTag: "is not a valid tag: URI (such as tag:example.com,2024:name)"
        case .invalidUUID: "is not a valid urn:uuid: URI (such as urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66)"
        case .invalidURN: "is not a valid URN (such as urn:isbn:0451450523)"
        }
    }
}
