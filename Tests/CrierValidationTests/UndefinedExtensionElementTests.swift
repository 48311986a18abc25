import Testing
import CrierValidation

/// Elements the W3C validator does not define, in namespaces it knows: it looks each one up
/// among the elements defined where it stands and reports any other name as
/// `UndefinedElement`, whatever the namespace (Dublin Core, Atom in RSS, the RSS 1.0
/// modules, ...). Namespaces it does not know stay open.
@Suite struct UndefinedExtensionElementTests {
    /// A namespace, and elements it defines that must stay clean where they stand.
    struct Vocabulary: Sendable, CustomTestStringConvertible {
        var prefix: String
        var uri: String
        var inChannel = ""
        var inItem = ""
        var testDescription: String { prefix + " " + uri }
    }

    static let vocabularies: [Vocabulary] = [
        Vocabulary(prefix: "wfw", uri: "http://wellformedweb.org/CommentAPI/",
                   inItem: "<wfw:comment>https://example.com/c</wfw:comment><wfw:commentRss>https://example.com/c.rss</wfw:commentRss>"),
        Vocabulary(prefix: "feedburner", uri: "http://rssnamespace.org/feedburner/ext/1.0",
                   inChannel: "<feedburner:browserFriendly>Subscribe</feedburner:browserFriendly>",
                   inItem: "<feedburner:origLink>https://example.com/1</feedburner:origLink>"),
        Vocabulary(prefix: "geo", uri: "http://www.w3.org/2003/01/geo/wgs84_pos#",
                   inItem: "<geo:lat>51.5</geo:lat><geo:long>-0.1</geo:long><geo:alt>12</geo:alt>"),
        Vocabulary(prefix: "cn", uri: "http://conversationsnetwork.org/rssNamespace-1.0/",
                   inItem: "<cn:ratingAverage>4.5</cn:ratingAverage><cn:ratingTimestamp>yesterday</cn:ratingTimestamp>"),
        Vocabulary(prefix: "app", uri: "http://www.w3.org/2007/app",
                   inItem: "<app:edited>2024-05-01T12:00:00Z</app:edited>"),
        Vocabulary(prefix: "ev", uri: "http://purl.org/rss/1.0/modules/event/",
                   inItem: "<ev:startdate>2024-05-01</ev:startdate><ev:type>talk</ev:type><ev:location>Hall B</ev:location><ev:organizer>Ed</ev:organizer>"),
        Vocabulary(prefix: "dcterms", uri: "http://purl.org/dc/terms/",
                   inChannel: "<dcterms:alternative>Other name</dcterms:alternative><dcterms:spatial>Earth</dcterms:spatial>",
                   inItem: "<dcterms:abstract>Short</dcterms:abstract><dcterms:isPartOf>https://example.com/</dcterms:isPartOf><dcterms:rightsHolder>Ed</dcterms:rightsHolder>"),
        Vocabulary(prefix: "os", uri: "http://a9.com/-/spec/opensearchrss/1.0/",
                   inChannel: "<os:totalResults>3</os:totalResults><os:itemsPerPage>10</os:itemsPerPage>"),
        Vocabulary(prefix: "admin", uri: "http://webns.net/mvcb/",
                   inChannel: "<admin:generatorAgent>https://example.com/generator</admin:generatorAgent>"),
        Vocabulary(prefix: "ag", uri: "http://purl.org/rss/1.0/modules/aggregation/",
                   inItem: "<ag:source>Example</ag:source><ag:sourceURL>https://example.com/</ag:sourceURL>"),
        Vocabulary(prefix: "annotate", uri: "http://purl.org/rss/1.0/modules/annotate/", inItem: "<annotate:reference/>"),
        Vocabulary(prefix: "cc", uri: "http://web.resource.org/cc/", inItem: "<cc:license/>"),
        Vocabulary(prefix: "cf", uri: "http://www.microsoft.com/schemas/rss/core/2005",
                   inChannel: #"<cf:treatAs>list</cf:treatAs><cf:listinfo><cf:sort element="title"/></cf:listinfo>"#),
        Vocabulary(prefix: "foaf", uri: "http://xmlns.com/foaf/0.1/", inItem: "<foaf:maker/><foaf:primaryTopic/>"),
        Vocabulary(prefix: "l", uri: "http://purl.org/rss/1.0/modules/link/", inItem: "<l:link/>"),
        Vocabulary(prefix: "rdfs", uri: "http://www.w3.org/2000/01/rdf-schema#", inItem: "<rdfs:seeAlso/>"),
        Vocabulary(prefix: "taxo", uri: "http://purl.org/rss/1.0/modules/taxonomy/", inItem: "<taxo:topics/>"),
        Vocabulary(prefix: "wiki", uri: "http://purl.org/rss/1.0/modules/wiki/", inItem: "<wiki:diff>https://example.com/diff</wiki:diff>"),
        Vocabulary(prefix: "thr", uri: "http://purl.org/rss/1.0/modules/threading/", inItem: "<thr:total>2</thr:total>"),
        Vocabulary(prefix: "gml", uri: "http://www.opengis.net/gml"),
        Vocabulary(prefix: "svg", uri: "http://www.w3.org/2000/svg"),
    ]

    /// An RSS 2.0 feed with no problem of its own; `channel`, `image`, `input` and `item`
    /// are each put on a line of their own.
    static func rss(_ v: Vocabulary?, channel: String = "", image: String = "", input: String = "", item: String = "", root: String = "") -> String {
        let declaration = v.map { #" xmlns:\#($0.prefix)="\#($0.uri)""# } ?? ""
        return """
        <?xml version="1.0" encoding="utf-8"?>
        <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/"\(declaration)>
          \(root)
          <channel>
            <title>Example feed</title>
            <link>https://example.com/</link>
            <description>Posts from example.com</description>
            <atom:link rel="self" type="application/rss+xml" href="https://example.com/feed.rss"/>
            <image><url>https://example.com/logo.png</url><title>Example feed</title><link>https://example.com/</link>
              \(image)
            </image>
            <textInput><title>Search</title><description>Search the site</description><name>q</name><link>https://example.com/search</link>
              \(input)
            </textInput>
            \(channel)
            <item>
              <title>First post</title>
              <link>https://example.com/posts/1</link>
              <guid>https://example.com/posts/1</guid>
              \(item)
            </item>
          </channel>
        </rss>

        """
    }

    /// An Atom feed with no problem of its own.
    static func atom(_ v: Vocabulary?, feed: String = "", entry: String = "", author: String = "") -> String {
        let declaration = v.map { #" xmlns:\#($0.prefix)="\#($0.uri)""# } ?? ""
        return """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/"\(declaration)>
          <title>Example feed</title>
          <id>tag:example.com,2024:feed</id>
          <updated>2024-05-01T12:00:00Z</updated>
          <author><name>Ed Example</name>
            \(author)
          </author>
          <link rel="self" href="https://example.com/feed.atom"/>
          \(feed)
          <entry>
            <title>First post</title>
            <id>tag:example.com,2024:post-1</id>
            <updated>2024-05-01T12:00:00Z</updated>
            <link href="https://example.com/posts/1"/>
            \(entry)
          </entry>
        </feed>

        """
    }

    /// The errors and warnings of `xml`, as `rule@line`.
    static func problems(_ xml: String) -> [String] {
        FeedValidator.validate(bytes: Array(xml.utf8), fileName: "feed.xml").diagnostics
            .filter { $0.severity != .info }.map { "\($0.rule)@\($0.line)" }
    }

    /// `rule@line` for the line of `xml` holding `marker`.
    static func expected(_ rule: String, at marker: String, in xml: String) -> String {
        let lines = xml.split(separator: "\n", omittingEmptySubsequences: false)
        let line = (lines.firstIndex { $0.contains(marker) } ?? -1) + 1
        return "\(rule)@\(line)"
    }

    @Test(arguments: vocabularies)
    func aNameTheNamespaceDoesNotDefineIsUndefinedWhereverItStands(_ v: Vocabulary) {
        let bogus = "<\(v.prefix):bogus>x</\(v.prefix):bogus>"
        for xml in [Self.rss(v, channel: bogus), Self.rss(v, image: bogus), Self.rss(v, input: bogus), Self.rss(v, item: bogus),
                    Self.atom(v, feed: bogus), Self.atom(v, entry: bogus), Self.atom(v, author: bogus)] {
            #expect(Self.problems(xml) == [Self.expected("UndefinedElement", at: bogus, in: xml)], "\(xml)")
        }
        // The elements it defines stay clean.
        #expect(Self.problems(Self.rss(v, channel: v.inChannel, item: v.inItem)) == [])
        #expect(Self.problems(Self.atom(v, feed: v.inChannel, entry: v.inItem)) == [])
    }

    @Test func aHyphenAndAnUnderscoreAreTheSameInAName() {
        let slash = Vocabulary(prefix: "slash", uri: "http://purl.org/rss/1.0/modules/slash/")
        #expect(Self.problems(Self.rss(slash, item: "<slash:hit-parade>1,2,3</slash:hit-parade>")) == [])
        #expect(Self.problems(Self.rss(slash, item: "<slash:hit_parade>1,2,3</slash:hit_parade>")) == [])
        let bad = Self.rss(slash, item: "<slash:hit-parades>1</slash:hit-parades>")
        #expect(Self.problems(bad) == [Self.expected("UndefinedElement", at: "hit-parades", in: bad)])
    }

    @Test func qualifiedDublinCoreIsCheckedAsTheElementItRefines() {
        #expect(Self.problems(Self.rss(nil, item: "<dc:title.alternative>Other title</dc:title.alternative>")) == [])
        let bad = Self.rss(nil, item: "<dc:heading.alternative>Other title</dc:heading.alternative>")
        #expect(Self.problems(bad) == [Self.expected("UndefinedElement", at: "dc:heading", in: bad)])
    }

    @Test func atomInRSSTakesOnlyTheElementsOfAChannelOrAnItem() {
        for (channel, item) in [("<atom:entry><atom:title>x</atom:title></atom:entry>", ""), ("<atom:published>2024-05-01T12:00:00Z</atom:published>", ""),
                                ("", "<atom:feed/>"), ("", "<atom:subtitle>x</atom:subtitle>"), ("", "<atom:bogus/>")] {
            let xml = Self.rss(nil, channel: channel, item: item)
            #expect(Self.problems(xml) == [Self.expected("UndefinedElement", at: channel + item, in: xml)], "\(channel)\(item)")
        }
        #expect(Self.problems(Self.rss(nil, channel: "<atom:subtitle>x</atom:subtitle><atom:updated>2024-05-01T12:00:00Z</atom:updated>",
                                       item: "<atom:published>2024-05-01T12:00:00Z</atom:published><atom:summary>x</atom:summary>")) == [])
    }

    @Test func knownNamespacesOtherThanAccessAreUndefinedDirectlyInRSS() {
        for element in ["<dc:title>x</dc:title>", "<atom:link rel=\"self\" href=\"https://example.com/feed.rss\"/>"] {
            let xml = Self.rss(nil, root: element)
            #expect(Self.problems(xml) == [Self.expected("UndefinedElement", at: element, in: xml)], "\(element)")
        }
        let access = Vocabulary(prefix: "access", uri: "http://www.bloglines.com/about/specs/fac-1.0")
        #expect(Self.problems(Self.rss(access, root: #"<access:restriction relationship="deny"/>"#)) == [])
    }

    @Test func anElementWhoseValueIsTextHoldsNoElement() {
        let rdf = Vocabulary(prefix: "rdf", uri: "http://www.w3.org/1999/02/22-rdf-syntax-ns#")
        let cases: [(xml: String, child: String)] = [
            (Self.rss(rdf, channel: "<dc:creator><rdf:Description>Ed</rdf:Description></dc:creator>"), "<rdf:Description>"),
            (Self.atom(rdf, entry: "<dc:subject>\n<rdf:Bag/></dc:subject>"), "<rdf:Bag/>"),
            (Self.rss(nil, item: "<description>A <dc:b>bold</dc:b> claim</description>"), "<dc:b>"),
            (Self.rss(nil, channel: "<copyright>Ed <dc:x/></copyright>"), "<dc:x/>"),
            (Self.rss(nil, item: "<category>News<dc:x/></category>"), "<dc:x/>"),
            (Self.rss(nil, image: "<width>88<dc:x/></width>"), "<dc:x/>"),
            (Self.rss(Vocabulary(prefix: "slash", uri: "http://purl.org/rss/1.0/modules/slash/"),
                      item: "<slash:section><slash:comments>1</slash:comments></slash:section>"), "<slash:comments>"),
            (Self.rss(Vocabulary(prefix: "dcterms", uri: "http://purl.org/dc/terms/"),
                      item: "<dcterms:modified>2024-05-01<dcterms:x/></dcterms:modified>"), "<dcterms:x/>"),
        ]
        for (xml, child) in cases {
            #expect(Self.problems(xml) == [Self.expected("UndefinedElement", at: child, in: xml)], "\(xml)")
        }
        // Terms with structured values, and RSS 1.0 (RDF), may hold elements.
        let dcterms = Vocabulary(prefix: "dcterms", uri: "http://purl.org/dc/terms/")
        #expect(Self.problems(Self.rss(dcterms, item: "<dcterms:spatial><dcterms:x/></dcterms:spatial>")) == [])
    }

    @Test func theThreadingModuleListsRepliesInRSS1Only() {
        let threading = "http://purl.org/rss/1.0/modules/threading/"
        let rss2 = Self.rss(Vocabulary(prefix: "thr", uri: threading), item: "<thr:children>x</thr:children>")
        #expect(Self.problems(rss2) == [Self.expected("UndefinedElement", at: "<thr:children>", in: rss2)])
        let rss1 = """
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:thr="\(threading)" xmlns:dc="http://purl.org/dc/elements/1.1/">
          <channel rdf:about="https://example.com/"><title>T</title><link>https://example.com/</link><description>D</description></channel>
          <item rdf:about="https://example.com/1"><title>One</title><link>https://example.com/1</link>
            <thr:children><rdf:Seq><rdf:li rdf:resource="https://example.com/2"/></rdf:Seq></thr:children>
            <dc:subject><rdf:Bag><rdf:li>x</rdf:li></rdf:Bag></dc:subject>
          </item>
        </rdf:RDF>
        """
        #expect(Self.problems(rss1) == [])
    }

    @Test func aNamespaceWrittenWithAnotherCaseOrEndIsCheckedAsTheOneMeant() {
        // Apple's own examples once spelt the iTunes namespace this way.
        let itunes = Vocabulary(prefix: "itunes", uri: "http://www.itunes.com/DTDs/Podcast-1.0.dtd")
        let bogus = Self.rss(itunes, channel: "<itunes:bogus>x</itunes:bogus>")
        #expect(Self.problems(bogus) == [Self.expected("UndefinedElement", at: "itunes:bogus", in: bogus)])
        #expect(Self.problems(Self.rss(itunes, channel: #"<itunes:category text="Technology"><itunes:category text="Podcasting"/></itunes:category>"#,
                                       item: "<itunes:duration>1:02:03</itunes:duration>")) == [])
        let dc = Vocabulary(prefix: "dcx", uri: "http://purl.org/dc/elements/1.1")
        let date = Self.atom(dc, entry: "<dcx:date>May 2024</dcx:date>")
        #expect(Self.problems(date) == [Self.expected("InvalidW3CDTFDate", at: "dcx:date", in: date)])
        let terms = Vocabulary(prefix: "dcterms", uri: "HTTP://PURL.ORG/DC/TERMS#")
        let medium = Self.rss(terms, item: "<dcterms:medium>paper</dcterms:medium>")
        #expect(Self.problems(medium) == [Self.expected("UndefinedElement", at: "dcterms:medium", in: medium)])
        // A different path is a different namespace.
        let other = Vocabulary(prefix: "dcx", uri: "http://purl.org/dc/elements/1.1/extra")
        #expect(Self.problems(Self.rss(other, item: "<dcx:bogus>x</dcx:bogus>")) == [])
    }

    @Test func strayXHTMLIsAWarning() {
        let xhtml = Vocabulary(prefix: "xhtml", uri: "http://www.w3.org/1999/xhtml")
        let xml = Self.atom(xhtml, entry: #"<xhtml:img src="https://example.com/a.png"/>"#)
        #expect(Self.problems(xml) == [Self.expected("MisplacedXHTMLContent", at: "xhtml:img", in: xml)])
        #expect(Self.problems(Self.rss(xhtml, item: "<xhtml:body><xhtml:p>Hi</xhtml:p></xhtml:body>")) == [])
    }

    @Test func namespacesTheValidatorDoesNotKnowStayOpenWhereKnownOnesAreChecked() {
        let feedburner = Self.vocabularies[1]
        let known = Self.rss(feedburner, image: "<feedburner:x/>")
        #expect(Self.problems(known) == [Self.expected("UndefinedElement", at: "<feedburner:x/>", in: known)])
        let other = Vocabulary(prefix: "ex", uri: "https://example.com/ns/")
        #expect(Self.problems(Self.rss(other, channel: "<ex:anything><ex:deeper/></ex:anything>", image: "<ex:x/>", item: "<ex:y>1</ex:y>")) == [])
        #expect(Self.problems(Self.atom(other, feed: "<ex:anything/>", entry: "<ex:y>1</ex:y>", author: "<ex:z/>")) == [])
        // Google Base's attribute list changed over the years: other names are allowed.
        let g = Vocabulary(prefix: "g", uri: "http://base.google.com/ns/1.0")
        #expect(Self.problems(Self.rss(g, item: "<g:custom_attribute>x</g:custom_attribute>")) == [])
    }
}

/// RSS 1.0's own elements are a closed set too: an RSS 2.0 name (`<guid>`, `<pubDate>`)
/// or a misspelling in the RSS 1.0 namespace is `UndefinedElement` where it stands, while
/// the elements each container defines, and extension elements, stay clean.
@Suite struct RSS10UndefinedElementTests {
    static func document(channel: String = "", item: String = "", image: String = "") -> [UInt8] {
        Array("""
        <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel rdf:about="https://example.com/"><title>t</title><link>https://example.com/</link><description>d</description>\(channel)
        <image rdf:resource="https://example.com/i.png"/><items><rdf:Seq><rdf:li rdf:resource="https://example.com/1"/></rdf:Seq></items></channel>
        <image rdf:about="https://example.com/i.png"><title>t</title><link>https://example.com/</link><url>https://example.com/i.png</url>\(image)</image>
        <item rdf:about="https://example.com/1"><title>One</title><link>https://example.com/1</link><description>d</description><dc:date>2024-05-01T12:00:00Z</dc:date>\(item)</item>
        </rdf:RDF>
        """.utf8)
    }

    @Test func theDefinedElementsAreClean() {
        let report = FeedValidator.validate(bytes: Self.document(image: "<dc:rights>CC BY</dc:rights>"))
        #expect(report.format == .rss10)
        #expect(!report.hasErrors, "\(report.problems)")
    }

    @Test func otherNamesInTheRSSNamespaceAreUndefined() {
        let report = FeedValidator.validate(bytes: Self.document(channel: "<language>en</language>",
                                                                 item: "<guid>y</guid><pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate>",
                                                                 image: "<width>88</width>"))
        let undefined = report.diagnostics.filter { $0.rule == "UndefinedElement" }
        #expect(undefined.map(\.message) == [
            "<language> is not an RSS 1.0 element in <channel>.",
            "<width> is not an RSS 1.0 element in <image>.",
            "<guid> is not an RSS 1.0 element in <item>.",
            "<pubDate> is not an RSS 1.0 element in <item>.",
        ], "\(report.diagnostics)")
        #expect(undefined.map(\.line) == [2, 4, 5, 5])
    }
}
