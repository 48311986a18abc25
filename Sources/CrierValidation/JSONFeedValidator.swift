/// JSON Feed 1.1 rules (https://www.jsonfeed.org/version/1.1/), also accepting 1.0.
struct JSONFeedValidator {
    let sink: DiagnosticSink
    private let spec = "JSON Feed 1.1"

    /// Whether the document starts (after a BOM and white space) like JSON.
    static func looksLikeJSON(_ bytes: [UInt8]) -> Bool {
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        return i < bytes.count && (bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "["))
    }

    func validate(_ bytes: [UInt8]) -> FeedFormat {
        let root: JSONNode
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            sink.add(.error, "InvalidJSON", line: error.line, column: error.column, "Not valid JSON: \(error.message).", spec: "RFC 8259")
            return .unknown
        }
        guard root.isObject else {
            error("InvalidJSON", at: root, "A JSON Feed is an object, not \(root.typeName).", section: "top-level")
            return .unknown
        }
        guard let version = root["version"] else {
            error("MissingElement", at: root, "The feed has no \"version\"; use \"https://jsonfeed.org/version/1.1\".", section: "top-level")
            checkFeed(root)
            return .jsonFeed
        }
        var format = FeedFormat.jsonFeed
        if let v = version.string {
            if v == "https://jsonfeed.org/version/1" {
                format = .jsonFeed10
                warning("ObsoleteVersion", at: version, "This is JSON Feed 1.0; version 1.1 is current.", section: "top-level")
            } else if v != "https://jsonfeed.org/version/1.1" {
                error("InvalidValue", at: version, "\"version\" \"\(v)\" is not a JSON Feed version URL.", section: "top-level")
            }
        } else {
            error("InvalidValue", at: version, "\"version\" must be a string.", section: "top-level")
        }
        checkFeed(root)
        return format
    }

    private func checkFeed(_ root: JSONNode) {
        requireString("title", in: root, section: "top-level")
        // The feed's own addresses identify it: nothing to resolve them against.
        for key in ["home_page_url", "feed_url"] { checkURL(key, in: root, absolute: true, section: "top-level") }
        for key in ["next_url", "icon", "favicon"] { checkURL(key, in: root, section: "top-level") }
        checkHubs(root)
        for key in ["description", "user_comment", "language"] { optionalString(key, in: root, section: "top-level") }
        if root["home_page_url"] == nil {
            info("MissingElement", at: root, "The feed has no \"home_page_url\"; readers link to it.", section: "top-level")
        }
        checkAuthors(root, section: "top-level")
        if let expired = root["expired"], case .bool = expired.value {} else if let expired = root["expired"] {
            error("InvalidValue", at: expired, "\"expired\" must be true or false.", section: "top-level")
        }
        guard let items = root["items"] else {
            error("MissingElement", at: root, "The feed has no \"items\" array.", section: "top-level")
            return
        }
        guard let list = items.array else {
            error("InvalidValue", at: items, "\"items\" must be an array.", section: "top-level")
            return
        }
        var ids: Set<String> = []
        for item in list { checkItem(item, ids: &ids) }
    }

    private func checkItem(_ item: JSONNode, ids: inout Set<String>) {
        let section = "items"
        guard item.isObject else {
            error("InvalidValue", at: item, "Each item must be an object.", section: section)
            return
        }
        if let id = item["id"] {
            let value: String?
            switch id.value {
            case .string, .longString: value = id.string
            case .number(let n):
                value = n
                warning("InvalidValue", at: id, "Item \"id\" should be a string.", section: section)
            default:
                value = nil
                error("InvalidValue", at: id, "Item \"id\" must be a string.", section: section)
            }
            if let value {
                if value.isEmpty { error("InvalidValue", at: id, "Item \"id\" is empty.", section: section) }
                if !ids.insert(value).inserted {
                    error("DuplicateIds", at: id, "Another item has the id \"\(value)\".", section: section)
                }
            }
        } else {
            error("MissingElement", at: item, "The item has no \"id\".", section: section)
        }
        if item["content_html"] == nil && item["content_text"] == nil {
            error("MissingElement", at: item, "The item has neither \"content_html\" nor \"content_text\".", section: section)
        }
        for key in ["url", "external_url", "image", "banner_image"] { checkURL(key, in: item, section: section) }
        for key in ["title", "content_html", "content_text", "summary", "language"] { optionalString(key, in: item, section: section) }
        for key in ["date_published", "date_modified"] {
            guard let node = item[key] else { continue }
            if let s = node.string, DateValues.isRFC3339(s) { continue }
            error("InvalidRFC3339Date", at: node, "\"\(key)\" must be an RFC 3339 date-time such as 2024-05-01T12:00:00Z.", section: section)
        }
        if let tags = item["tags"] {
            if let list = tags.array {
                for tag in list where !tag.isString { error("InvalidValue", at: tag, "Each tag must be a string.", section: section) }
            } else {
                error("InvalidValue", at: tags, "\"tags\" must be an array of strings.", section: section)
            }
        }
        checkAuthors(item, section: section)
        if let attachments = item["attachments"] {
            guard let list = attachments.array else {
                error("InvalidValue", at: attachments, "\"attachments\" must be an array.", section: section)
                return
            }
            for attachment in list {
                guard attachment.isObject else {
                    error("InvalidValue", at: attachment, "Each attachment must be an object.", section: "attachments")
                    continue
                }
                if attachment["url"] == nil { error("MissingElement", at: attachment, "The attachment has no \"url\".", section: "attachments") }
                checkURL("url", in: attachment, section: "attachments")
                if let mime = attachment["mime_type"] {
                    if !(mime.string.map(OtherValues.isMediaType) ?? false) {
                        error("InvalidMIMEType", at: mime, "\"mime_type\" is not a media type.", section: "attachments")
                    }
                } else {
                    error("MissingElement", at: attachment, "The attachment has no \"mime_type\".", section: "attachments")
                }
                for key in ["size_in_bytes", "duration_in_seconds"] {
                    if let n = attachment[key], case .number = n.value {} else if let n = attachment[key] {
                        error("InvalidValue", at: n, "\"\(key)\" must be a number.", section: "attachments")
                    }
                }
            }
        }
    }

    /// `hubs`: an array of objects, each with a `type` (such as "WebSub") and the hub's
    /// `url`, both strings.
    private func checkHubs(_ root: JSONNode) {
        guard let hubs = root["hubs"] else { return }
        guard let list = hubs.array else {
            error("InvalidValue", at: hubs, "\"hubs\" must be an array of objects with a \"type\" and a \"url\".", section: "top-level")
            return
        }
        for hub in list {
            guard hub.isObject else {
                error("InvalidValue", at: hub, "Each hub must be an object with a \"type\" and a \"url\".", section: "top-level")
                continue
            }
            requireString("type", in: hub, section: "top-level")
            guard let url = hub["url"] else {
                error("MissingElement", at: hub, "The hub has no \"url\".", section: "top-level")
                continue
            }
            checkURL("url", in: hub, absolute: true, section: "top-level")
            // Subscribers reach a hub over HTTP (WebSub, rssCloud).
            if let s = url.string, URIValues.check(s, absolute: true) == .valid, !["http", "https"].contains(URIValues.scheme(of: s) ?? "") {
                error("InvalidFullLink", at: url, "The hub's \"url\" \"\(s)\" must be an http(s) URL.", section: "top-level")
            }
        }
    }

    private func checkAuthors(_ node: JSONNode, section: String) {
        if let author = node["author"] {
            info("ObsoleteAuthor", at: author, "\"author\" is JSON Feed 1.0; 1.1 uses an \"authors\" array.", section: section)
        }
        guard let authors = node["authors"] else { return }
        guard let list = authors.array else {
            error("InvalidValue", at: authors, "\"authors\" must be an array.", section: section)
            return
        }
        for author in list {
            guard author.isObject, ["name", "url", "avatar"].contains(where: { author[$0] != nil }) else {
                error("InvalidValue", at: author, "An author must be an object with at least a name, url or avatar.", section: "authors")
                continue
            }
            optionalString("name", in: author, section: "authors")
            checkURL("url", in: author, section: "authors")
            checkURL("avatar", in: author, section: "authors")
        }
    }

    private func requireString(_ key: String, in node: JSONNode, section: String) {
        guard let value = node[key] else {
            error("MissingElement", at: node, "Missing \"\(key)\".", section: section)
            return
        }
        if !value.isString { error("InvalidValue", at: value, "\"\(key)\" must be a string.", section: section) }
    }

    private func optionalString(_ key: String, in node: JSONNode, section: String) {
        if let value = node[key], !value.isString {
            error("InvalidValue", at: value, "\"\(key)\" must be a string.", section: section)
        }
    }

    /// A URL: an error unless it is one, relative where `absolute` included. JSON Feed
    /// names no base to resolve a relative URL against, so elsewhere one is a warning
    /// (some readers resolve it against the feed's address, others drop it).
    private func checkURL(_ key: String, in node: JSONNode, absolute: Bool = false, section: String) {
        guard let value = node[key] else { return }
        guard let s = value.string else {
            error("InvalidValue", at: value, "\"\(key)\" must be a string.", section: section)
            return
        }
        switch URIValues.check(s, absolute: absolute) {
        case .valid:
            if URIValues.scheme(of: s) == nil {
                warning("ContainsRelRef", at: value, "\"\(key)\" \"\(s)\" is not an absolute URL; JSON Feed gives readers nothing to resolve it against.", section: section)
            }
        case .invalidCharacter(let c):
            error("InvalidUriChar", at: value, "\"\(key)\" contains \"\(c)\", which must be percent-encoded.", section: section)
        case .notAbsolute:
            error("InvalidFullLink", at: value, "\"\(key)\" \"\(s)\" must be an absolute URL (with a scheme such as https:).", section: section)
        default:
            error("InvalidFullLink", at: value, "\"\(key)\" \"\(s)\" is not a valid URL.", section: section)
        }
    }

    private func error(_ rule: String, at node: JSONNode, _ message: String, section: String) {
        sink.add(.error, rule, line: node.line, column: node.column, message, spec: "\(spec) §\(section)")
    }

    private func warning(_ rule: String, at node: JSONNode, _ message: String, section: String) {
        sink.add(.warning, rule, line: node.line, column: node.column, message, spec: "\(spec) §\(section)")
    }

    private func info(_ rule: String, at node: JSONNode, _ message: String, section: String) {
        sink.add(.info, rule, line: node.line, column: node.column, message, spec: "\(spec) §\(section)")
    }
}
