/// An author or contributor.
public struct Person: Sendable, Hashable, Codable {
    /// Display name; RSS writes it after the e-mail address in `<author>`, or alone in
    /// `dc:creator`.
    public var name: String
    /// E-mail address, without `mailto:`; `nil` for none (RSS's `<author>` needs one).
    public var email: String?
    /// Home page or profile URL; `nil` for none (JSON Feed then writes a `mailto:` URL when
    /// there is an e-mail address).
    public var uri: String?

    /// A person named `name`, with no e-mail address or URI unless given.
    public init(name: String, email: String? = nil, uri: String? = nil) {
        self.name = name
        self.email = email
        self.uri = uri
    }
}
