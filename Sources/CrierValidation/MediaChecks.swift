import CrierXML

/// Media RSS (`media:`) elements (Media RSS 1.5.1).
enum MediaChecks {
    static let textType: ValueCheck = .oneOf(["plain", "html"], rule: "InvalidMediaTextType", caseSensitive: true)

    static let content = ExtensionElement(attributes: [
        "url": .fullURI, "fileSize": .nonNegativeInteger, "type": .mediaType,
        "medium": .oneOf(["image", "audio", "video", "document", "executable"], rule: "InvalidMediaMedium", caseSensitive: true),
        "isDefault": .trueFalse,
        "expression": .oneOf(["sample", "full", "nonstop"], rule: "InvalidMediaExpression", caseSensitive: true),
        "bitrate": .float, "framerate": .float, "samplingrate": .float, "channels": .nonNegativeInteger,
        "duration": .float, "height": .positiveInteger, "width": .positiveInteger, "lang": .language,
    ], nested: true)

    static let namespace = ExtensionNamespace(name: "media", spec: "Media RSS 1.5.1", closed: true, elements: [
        "group": .init(nested: true),
        "content": content,
        "rating": .init(attributes: ["scheme": .schemeURI]),
        "title": .init(singleton: true, attributes: ["type": textType]),
        "description": .init(singleton: true, attributes: ["type": textType]),
        "keywords": .init(singleton: true),
        "thumbnail": .init(attributes: ["url": .fullURI, "height": .positiveInteger, "width": .positiveInteger, "time": .npt], required: ["url"]),
        "category": .init(attributes: ["scheme": .schemeURI]),
        "hash": .init(attributes: ["algo": .oneOf(["md5", "sha-1"], rule: "InvalidMediaHash", caseSensitive: true)]),
        "player": .init(singleton: true, attributes: ["url": .fullURI, "height": .positiveInteger, "width": .positiveInteger], required: ["url"]),
        "credit": .init(attributes: ["scheme": .schemeURI]),
        "copyright": .init(singleton: true, attributes: ["url": .fullURI]),
        "text": .init(attributes: ["type": textType, "lang": .language, "start": .npt, "end": .npt]),
        "restriction": .init(attributes: [
            "relationship": .oneOf(["allow", "deny"], rule: "InvalidMediaRestrictionRel", caseSensitive: true),
            "type": .oneOf(["country", "uri", "sharing"], rule: "InvalidMediaRestrictionType", caseSensitive: true),
        ], required: ["relationship"]),
        "adult": .init(singleton: true),
        "community": .init(nested: true),
        "starRating": .init(),
        "statistics": .init(),
        "tags": .init(),
        "comments": .init(nested: true),
        "comment": .init(),
        "embed": .init(nested: true),
        "param": .init(),
        "responses": .init(nested: true),
        "response": .init(),
        "backLinks": .init(nested: true),
        "backLink": .init(text: .uri),
        "status": .init(),
        "price": .init(),
        "license": .init(),
        "subTitle": .init(),
        "peerLink": .init(),
        "location": .init(nested: true),
        "rights": .init(),
        "scenes": .init(nested: true),
        "scene": .init(nested: true),
        "sceneTitle": .init(), "sceneDescription": .init(), "sceneStartTime": .init(), "sceneEndTime": .init(),
    ])

    static let simpleRatings: Set<String> = ["adult", "nonadult"]
    static let mpaaRatings: Set<String> = ["g", "pg", "pg-13", "r", "nc-17"]
    static let vchipRatings: Set<String> = ["tv-y", "tv-y7", "tv-y7-fv", "tv-g", "tv-pg", "tv-14", "tv-ma"]
    static let creditRoles: Set<String> = [
        "actor", "anchor person", "author", "choreographer", "composer", "conductor", "director", "editor", "graphic designer",
        "grip", "illustrator", "lyricist", "music arranger", "music group", "musician", "orchestra", "performer",
        "photographer", "producer", "reporter", "vocalist", "adapter", "camera operator", "commentator", "costume designer",
        "designer", "distributor", "interviewer", "interviewee", "lighting", "make up", "narrator", "presenter", "publisher",
        "researcher", "set designer", "sound engineer", "stunt", "writer", "translator", "owner", "creator",
    ]

    /// Checks the table cannot express: ratings by scheme, credit roles, restriction values,
    /// groups of alternatives.
    static func check(_ e: XMLElement, parent: XMLElement, sink: DiagnosticSink) {
        let spec = "Media RSS 1.5.1 §media:\(e.name)"
        let value = String(e.text.trimmingWhitespace())
        switch e.name {
        case "rating":
            let scheme = e.attribute("scheme") ?? "urn:simple"
            let allowed: Set<String>? = switch scheme {
            case "urn:simple": simpleRatings
            case "urn:mpaa": mpaaRatings
            case "urn:v-chip": vchipRatings
            default: nil
            }
            if let allowed, !allowed.contains(value.lowercased()) {
                sink.error("InvalidMediaRating", at: e, "\"\(value)\" is not a \(scheme) rating.", spec: spec)
            }
        case "credit":
            let scheme = e.attribute("scheme") ?? "urn:ebu"
            if scheme == "urn:ebu", let role = e.attribute("role"), !creditRoles.contains(role.lowercased()) {
                sink.error("InvalidCreditRole", at: e, "role=\"\(role)\" is not an EBU credit role.", spec: spec)
            }
        case "restriction":
            switch e.attribute("type") {
            case "country"?:
                ValueCheck.countryList.check(e.text, at: e, attribute: nil, sink: sink, spec: spec)
            case "uri"?:
                for uri in value.split(separator: " ") where uri != "all" && uri != "none" {
                    ValueCheck.fullURI.check(String(uri), at: e, attribute: nil, sink: sink, spec: spec)
                }
            default:
                break
            }
        case "group":
            if e.elements.filter({ $0.name == "content" && $0.namespace == e.namespace }).count < 2 {
                sink.error("MediaGroupWithoutAlternatives", at: e, "<media:group> needs at least two <media:content> alternatives.", spec: spec)
            }
        default:
            break
        }
    }
}
