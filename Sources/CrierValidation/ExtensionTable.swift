/// Where an extension element may appear.
enum ExtensionScope {
    /// Anywhere.
    case any
    /// In the feed's metadata: RSS `channel`, Atom `feed`.
    case feed
    /// In an RSS `item` or Atom `entry`.
    case item
    /// Directly in the document element (RSS `rss`).
    case document
}

/// What an extension namespace defines for one element.
struct ExtensionElement {
    var scope: ExtensionScope = .any
    /// At most one per parent.
    var singleton = false
    /// A check on the element's text.
    var text: ValueCheck?
    /// Checks on attributes, by name.
    var attributes: [String: ValueCheck] = [:]
    /// Attributes that must be present.
    var required: [String] = []
    /// Whether child elements of the same namespace are checked against the table too.
    var nested = false
    /// Whether its value is text even without a `text` check (a name, a label): then, as
    /// with every element that has a `text` check, a child element is `UndefinedElement`.
    var textOnly = false
    /// Defined for RSS 1.0 only (RDF markup): `UndefinedElement` in RSS 2.0 and Atom.
    var rss10Only = false

    /// Whether the element holds text alone, so that any child element is misplaced.
    var holdsText: Bool { textOnly || text != nil }
}

/// An extension namespace the validator knows.
struct ExtensionNamespace {
    var name: String
    var spec: String
    /// Whether the element list is complete, so other names are `UndefinedElement`.
    var closed: Bool
    var elements: [String: ExtensionElement]

    /// The entry for `name`. As in the W3C validator, which looks elements up by a method
    /// name with `-` made `_`, the two are the same in names (`in-reply-to`, `in_reply_to`).
    func element(named name: String) -> ExtensionElement? {
        if let element = elements[name] { return element }
        guard name.contains("-") || name.contains("_") else { return nil }
        let key = ExtensionNamespace.methodName(name)
        return elements.first { ExtensionNamespace.methodName($0.key) == key }?.value
    }

    static func methodName(_ name: String) -> String {
        String(name.map { $0 == "-" ? "_" : $0 })
    }
}

/// Namespaces feeds commonly use, with the rules their specifications state.
enum ExtensionTable {
    static let syndication = "http://purl.org/rss/1.0/modules/syndication/"
    static let slash = "http://purl.org/rss/1.0/modules/slash/"
    static let feedburner = "http://rssnamespace.org/feedburner/ext/1.0"
    static let feedsync = "http://feedsync.org/2007/feedsync"
    static let sse = "http://www.microsoft.com/schemas/rss/sse"
    static let thread = "http://purl.org/syndication/thread/1.0"
    static let history = "http://purl.org/syndication/history/1.0"
    static let geo = "http://www.w3.org/2003/01/geo/wgs84_pos#"
    static let icbm = "http://postneo.com/icbm"
    static let geourl = "http://geourl.org/rss/module/"
    static let conversationsNetwork = "http://conversationsnetwork.org/rssNamespace-1.0/"
    static let openSearch = "http://a9.com/-/spec/opensearch/1.1/"
    static let access = "http://www.bloglines.com/about/specs/fac-1.0"
    static let creativeCommons = "http://backend.userland.com/creativeCommonsRssModule"
    static let wfw = "http://wellformedweb.org/CommentAPI/"
    static let trackback = "http://madskills.com/public/xml/rss/module/trackback/"
    static let app = "http://www.w3.org/2007/app"
    static let event = "http://purl.org/rss/1.0/modules/event/"
    static let blogChannel = "http://backend.userland.com/blogChannelModule"
    static let georss = "http://www.georss.org/georss"
    static let admin = "http://webns.net/mvcb/"
    static let aggregation = "http://purl.org/rss/1.0/modules/aggregation/"
    static let annotation = "http://purl.org/rss/1.0/modules/annotate/"
    static let ccREL = "http://web.resource.org/cc/"
    static let simpleList = "http://www.microsoft.com/schemas/rss/core/2005"
    static let changedPage = "http://my.theinfo.org/changed/1.0/rss/"
    static let foaf = "http://xmlns.com/foaf/0.1/"
    static let gml = "http://www.opengis.net/gml"
    static let imageModule = "http://purl.org/rss/1.0/modules/image/"
    static let linkModule = "http://purl.org/rss/1.0/modules/link/"
    static let rdfSchema = "http://www.w3.org/2000/01/rdf-schema#"
    static let taxonomy = "http://purl.org/rss/1.0/modules/taxonomy/"
    static let threading = "http://purl.org/rss/1.0/modules/threading/"
    static let wiki = "http://purl.org/rss/1.0/modules/wiki/"
    static let usemodWiki = "http://www.usemod.com/cgi-bin/mb.pl?ModWiki"
    static let svg = "http://www.w3.org/2000/svg"
    static let mathML = "http://www.w3.org/1998/Math/MathML"

    /// The namespace of the table, Dublin Core or `content` that `uri` is taken for: itself,
    /// or the one it differs from only in letter case or in what follows its last letter,
    /// digit or `_`, as the W3C validator matches namespaces
    /// (`http://www.itunes.com/DTDs/Podcast-1.0.dtd`, `http://purl.org/dc/elements/1.1`);
    /// `nil` for any other. Atom's and XHTML's namespaces are matched exactly.
    static func knownNamespace(_ uri: String) -> String? {
        if uri == NS.dc || uri == NS.content || namespaces[uri] != nil { return uri }
        return nearMisses[nearMissKey(uri)]
    }

    static func nearMissKey(_ uri: String) -> String {
        guard let last = uri.lastIndex(where: { $0.isLetter || $0.isNumber || $0 == "_" }) else { return uri }
        return uri[...last].lowercased()
    }

    private static let nearMisses: [String: String] = {
        var table: [String: String] = [:]
        for uri in namespaces.keys where uri != NS.mediaOld {
            table[nearMissKey(uri)] = uri
        }
        table[nearMissKey(NS.dc)] = NS.dc
        table[nearMissKey(NS.content)] = NS.content
        return table
    }()

    /// Every namespace listed is closed: the W3C validator looks each element of a namespace
    /// it knows up among the ones defined where it stands, and reports any other name as
    /// `UndefinedElement`. Namespaces it does not know are left alone (Atom §6, RSS 2.0
    /// "Extending RSS"); so is Google Base, whose attribute list changed over the years.
    static let namespaces: [String: ExtensionNamespace] = {
        var table: [String: ExtensionNamespace] = [:]
        table[syndication] = ExtensionNamespace(name: "sy", spec: "RSS syndication module", closed: true, elements: [
            "updatePeriod": .init(scope: .feed, singleton: true, text: .oneOf(["hourly", "daily", "weekly", "monthly", "yearly"], rule: "InvalidUpdatePeriod", caseSensitive: true)),
            "updateFrequency": .init(scope: .feed, singleton: true, text: .positiveInteger),
            "updateBase": .init(scope: .feed, singleton: true, text: .w3cdtf),
        ])
        table[slash] = ExtensionNamespace(name: "slash", spec: "RSS slash module", closed: true, elements: [
            "section": .init(scope: .item, singleton: true, textOnly: true),
            "department": .init(scope: .item, singleton: true, textOnly: true),
            "comments": .init(scope: .item, singleton: true, text: .nonNegativeInteger),
            "hit_parade": .init(scope: .item, singleton: true, text: .commaSeparatedIntegers),
        ])
        table[feedburner] = ExtensionNamespace(name: "feedburner", spec: "FeedBurner namespace", closed: true, elements: [
            "awareness": .init(singleton: true, text: .uri),
            "origLink": .init(scope: .item, singleton: true, text: .uri),
            "origEnclosureLink": .init(scope: .item, singleton: true, text: .uri),
            "feedburnerHostname": .init(scope: .feed, singleton: true, text: .uri),
            "emailServiceId": .init(scope: .feed, singleton: true),
            "browserFriendly": .init(scope: .feed, singleton: true),
            "feedFlare": .init(scope: .feed, attributes: ["href": .uri, "src": .uri]),
            "info": .init(scope: .feed, singleton: true, attributes: ["uri": .uri]),
        ])
        let feedSync = ExtensionNamespace(name: "sx", spec: "FeedSync 1.0", closed: true, elements: [
            "sharing": .init(scope: .feed, singleton: true, attributes: ["since": .rfc3339, "until": .rfc3339, "expires": .rfc3339], nested: true),
            "related": .init(attributes: ["link": .fullURI, "type": .oneOf(["complete", "aggregated"], rule: "InvalidSseType", caseSensitive: true)], required: ["link", "type"]),
            "sync": .init(scope: .item, singleton: true, attributes: ["updates": .positiveInt32, "deleted": .trueFalse, "noconflicts": .trueFalse], required: ["id", "updates"], nested: true),
            "history": .init(attributes: ["sequence": .positiveInt32, "when": .rfc3339, "by": .nss], required: ["sequence"]),
            "conflicts": .init(),
        ])
        table[feedsync] = feedSync
        table[sse] = feedSync
        table[thread] = ExtensionNamespace(name: "thr", spec: "RFC 4685", closed: true, elements: [
            "in-reply-to": .init(attributes: ["ref": .fullURI, "href": .uri, "type": .mediaType, "source": .uri], required: ["ref"]),
            "total": .init(scope: .item, singleton: true, text: .nonNegativeInteger),
            // The RSS 1.0 threading module's list of replies, an rdf:Seq.
            "children": .init(rss10Only: true),
        ])
        // The W3C validator gives the RSS 1.0 threading module RFC 4685's prefix, and so
        // its elements.
        if var threading = table[thread] {
            threading.spec = "RSS threading module"
            table[ExtensionTable.threading] = threading
        }
        table[history] = ExtensionNamespace(name: "fh", spec: "RFC 5005", closed: true, elements: [
            "complete": .init(scope: .feed, singleton: true),
            "archive": .init(scope: .feed, singleton: true),
        ])
        table[geo] = ExtensionNamespace(name: "geo", spec: "W3C Basic Geo", closed: true, elements: [
            "lat": .init(singleton: true, text: .latitude),
            "long": .init(singleton: true, text: .longitude),
            "alt": .init(textOnly: true),
            "Point": .init(nested: true),
        ])
        table[icbm] = ExtensionNamespace(name: "icbm", spec: "ICBM module", closed: true, elements: [
            "latitude": .init(singleton: true, text: .latitude),
            "longitude": .init(singleton: true, text: .longitude),
        ])
        table[geourl] = ExtensionNamespace(name: "geourl", spec: "GeoURL module", closed: true, elements: [
            "latitude": .init(singleton: true, text: .latitude),
            "longitude": .init(singleton: true, text: .longitude),
        ])
        table[conversationsNetwork] = ExtensionNamespace(name: "conversationsNetwork", spec: "Conversations Network namespace", closed: true, elements: [
            "introMilliseconds": .init(singleton: true, text: .nonNegativeInteger),
            "ratingAverage": .init(singleton: true, text: .float),
            "ratingCount": .init(singleton: true, text: .nonNegativeInteger),
            "ratingIndividual": .init(singleton: true, text: .positiveInteger),
            "ratingTimestamp": .init(singleton: true, textOnly: true),
            "image": .init(singleton: true, text: .uri),
        ])
        table[openSearch] = ExtensionNamespace(name: "opensearch", spec: "OpenSearch 1.1", closed: true, elements: [
            "totalResults": .init(scope: .feed, singleton: true, text: .nonNegativeInteger),
            "startIndex": .init(scope: .feed, singleton: true, text: .integer),
            "itemsPerPage": .init(scope: .feed, singleton: true, text: .nonNegativeInteger),
            "Query": .init(scope: .feed, attributes: [
                "role": .oneOf(["request", "example", "related", "correction", "subset", "superset"], rule: "InvalidValue", caseSensitive: true),
                "totalResults": .nonNegativeInteger, "count": .nonNegativeInteger, "startIndex": .integer, "startPage": .integer,
                "language": .language, "inputEncoding": .encoding, "outputEncoding": .encoding,
            ], required: ["role"]),
        ])
        // OpenSearch 1.0 used its own namespace for the same response elements.
        if var openSearch10 = table[openSearch] {
            openSearch10.spec = "OpenSearch RSS 1.0"
            table["http://a9.com/-/spec/opensearchrss/1.0/"] = openSearch10
        }
        table[access] = ExtensionNamespace(name: "access", spec: "Bloglines access restriction", closed: true, elements: [
            "restriction": .init(scope: .document, singleton: true, attributes: ["relationship": .oneOf(["allow", "deny"], rule: "InvalidAccessRestrictionRel", caseSensitive: true)], required: ["relationship"]),
        ])
        table[creativeCommons] = ExtensionNamespace(name: "creativeCommons", spec: "Creative Commons RSS module", closed: true, elements: [
            "license": .init(text: .fullURI),
        ])
        table[wfw] = ExtensionNamespace(name: "wfw", spec: "Comment API", closed: true, elements: [
            "comment": .init(scope: .item, singleton: true, text: .uri),
            "commentRss": .init(scope: .item, singleton: true, text: .uri),
            "commentRSS": .init(scope: .item, singleton: true, text: .uri),
        ])
        table[trackback] = ExtensionNamespace(name: "trackback", spec: "TrackBack module", closed: true, elements: [
            "ping": .init(scope: .item, singleton: true, text: .fullURI),
            "about": .init(scope: .item, text: .fullURI),
        ])
        table[app] = ExtensionNamespace(name: "app", spec: "RFC 5023", closed: true, elements: [
            "edited": .init(scope: .item, singleton: true, text: .rfc3339),
            "control": .init(scope: .item, singleton: true, nested: true),
            "draft": .init(singleton: true, text: .oneOf(["yes", "no"], rule: "InvalidValue", caseSensitive: true)),
            // RFC 5023 §8.3.3: a feed may name the collection it comes from.
            "collection": .init(),
        ])
        table[event] = ExtensionNamespace(name: "ev", spec: "RSS event module", closed: true, elements: [
            "startdate": .init(scope: .item, singleton: true, text: .w3cdtfOptionalZone),
            "enddate": .init(scope: .item, singleton: true, text: .w3cdtfOptionalZone),
            "type": .init(textOnly: true),
            "location": .init(),
            "organizer": .init(),
        ])
        table[GoogleBaseChecks.uri] = GoogleBaseChecks.namespace
        table[blogChannel] = ExtensionNamespace(name: "blogChannel", spec: "blogChannel RSS module", closed: true, elements: [
            "blogRoll": .init(scope: .feed, singleton: true, text: .fullURI),
            "mySubscriptions": .init(scope: .feed, singleton: true, text: .fullURI),
            "blink": .init(scope: .feed, singleton: true, text: .fullURI),
            "changes": .init(scope: .feed, singleton: true, text: .fullURI),
        ])
        var terms: [String: ExtensionElement] = [
            "created": .init(singleton: true, text: .w3cdtf),
            "issued": .init(singleton: true, text: .w3cdtf),
            "modified": .init(singleton: true, text: .w3cdtf),
            "dateAccepted": .init(singleton: true, text: .w3cdtf),
            "dateCopyrighted": .init(singleton: true, text: .w3cdtf),
            "dateSubmitted": .init(singleton: true, text: .w3cdtf),
        ]
        // Refinements whose value is a text or a URI.
        for name in ["alternative", "abstract", "tableOfContents", "extent", "audience", "mediator", "isVersionOf", "hasVersion",
                     "isReplacedBy", "replaces", "isRequiredBy", "requires", "isPartOf", "hasPart", "isReferencedBy",
                     "references", "isFormatOf", "hasFormat", "conformsTo"] {
            terms[name] = .init(textOnly: true)
        }
        // Terms with a structured value (DCMI Period, Point, ...), or with no XML form
        // defined: any content.
        for name in ["valid", "available", "spatial", "temporal", "accessRights", "accrualMethod", "accrualPeriodicity",
                     "accrualPolicy", "bibliographicCitation", "educationLevel", "instructionalMethod", "license",
                     "provenance", "rightsHolder"] {
            terms[name] = .init()
        }
        // `dcterms:medium` is left undefined: DCMI says not to use it.
        table[NS.dcterms] = ExtensionNamespace(name: "dcterms", spec: "DCMI Metadata Terms", closed: true, elements: terms)
        table[georss] = ExtensionNamespace(name: "georss", spec: "GeoRSS Simple", closed: true, elements: [
            "point": .init(singleton: true, text: .coordinates(minimum: 2, maximum: 2)),
            "line": .init(text: .coordinates(minimum: 4, maximum: nil)),
            "polygon": .init(text: .coordinates(minimum: 8, maximum: nil)),
            "box": .init(singleton: true, text: .coordinates(minimum: 4, maximum: 4)),
            "where": .init(singleton: true),
            "featuretypetag": .init(), "relationshiptag": .init(), "featurename": .init(),
            "elev": .init(singleton: true, text: .float),
            "floor": .init(singleton: true, text: .integer),
            "radius": .init(singleton: true, text: .float),
        ])
        // Older RSS 1.0 modules and vocabularies the W3C validator also knows.
        table[admin] = ExtensionNamespace(name: "admin", spec: "RSS admin module", closed: true, elements: [
            "generatorAgent": .init(), "errorReportsTo": .init(),
        ])
        table[aggregation] = ExtensionNamespace(name: "ag", spec: "RSS aggregation module", closed: true, elements: [
            "source": .init(textOnly: true), "sourceURL": .init(text: .fullURI), "timestamp": .init(textOnly: true),
        ])
        table[annotation] = ExtensionNamespace(name: "annotate", spec: "RSS annotation module", closed: true, elements: [
            "reference": .init(),
        ])
        table[ccREL] = ExtensionNamespace(name: "cc", spec: "Creative Commons RDF", closed: true, elements: [
            "license": .init(),
        ])
        table[simpleList] = ExtensionNamespace(name: "cf", spec: "Simple List Extensions", closed: true, elements: [
            "treatAs": .init(textOnly: true),
            "listinfo": .init(nested: true),
            "sort": .init(), "group": .init(),
        ])
        table[changedPage] = ExtensionNamespace(name: "cp", spec: "Changed Page module", closed: true, elements: [
            "server": .init(),
        ])
        table[foaf] = ExtensionNamespace(name: "foaf", spec: "FOAF", closed: true, elements: [
            "maker": .init(), "primaryTopic": .init(),
        ])
        table[imageModule] = ExtensionNamespace(name: "image", spec: "RSS image module", closed: true, elements: [
            "item": .init(), "favicon": .init(),
        ])
        table[linkModule] = ExtensionNamespace(name: "l", spec: "RSS link module", closed: true, elements: [
            "link": .init(), "permalink": .init(),
        ])
        table[rdfSchema] = ExtensionNamespace(name: "rdfs", spec: "RDF Schema", closed: true, elements: [
            "seeAlso": .init(),
        ])
        table[taxonomy] = ExtensionNamespace(name: "taxo", spec: "RSS taxonomy module", closed: true, elements: [
            "topics": .init(),
        ])
        let wikiModule = ExtensionNamespace(name: "wiki", spec: "RSS wiki module", closed: true, elements: [
            "interwiki": .init(textOnly: true), "diff": .init(textOnly: true), "history": .init(textOnly: true),
            "importance": .init(textOnly: true), "status": .init(textOnly: true), "version": .init(textOnly: true),
        ])
        table[wiki] = wikiModule
        table[usemodWiki] = wikiModule
        // Vocabularies for content (GML inside georss:where, SVG and MathML inside XHTML):
        // none of their elements stands directly in a feed or an entry.
        table[gml] = ExtensionNamespace(name: "gml", spec: "GeoRSS GML", closed: true, elements: [:])
        table[svg] = ExtensionNamespace(name: "svg", spec: "SVG", closed: true, elements: [:])
        table[mathML] = ExtensionNamespace(name: "mathml", spec: "MathML", closed: true, elements: [:])
        table[NS.itunes] = ITunesChecks.namespace
        table[NS.media] = MediaChecks.namespace
        table[NS.mediaOld] = MediaChecks.namespace
        return table
    }()
}
