/// An author or contributor.
public struct Person: Sendable, Hashable, Codable {
    public var name: String
    public var email: String?
    public var uri: String?

    public init(name: String, email: String? = nil, uri: String? = nil) {
        self.name = name
        self.email = email
        self.uri = uri
    }
}
