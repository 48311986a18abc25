import Foundation
import Testing
@testable import Crier

/// A site previewed at an IP address (`http://127.0.0.1:4000`, `http://[::1]:4000`) gets
/// feeds that pass the gate; an address no entry id can be made from is an error at the
/// line that sets it.
@Suite struct SiteAddressTests {
    static let loopbackName = "1." + String(repeating: "0.", count: 31) + "ip6.arpa"

    func build(_ files: [(String, String)]) throws -> BuildOutcome {
        let site = try TemporarySite()
        defer { site.remove() }
        for (path, text) in files { try site.write(path, text) }
        return BuildPipeline.run([BuildJob(source: .site(site.root), formats: [.atom, .rss, .json])], options: BuildOptions())
    }

    func atom(_ outcome: BuildOutcome) throws -> String {
        #expect(outcome.succeeded, "\(outcome.postErrors) \(outcome.feedFailures)")
        return String(decoding: try #require(outcome.files.first { $0.format == .atom }).bytes, as: UTF8.self)
    }

    /// RFC 4151 names the tagging entity by a DNS name, which `[::1]` is not: the id names
    /// the address by its own DNS name under `ip6.arpa`. An IPv4 address already has a DNS
    /// name's shape, and its ids are what they always were.
    @Test func aSiteAtAnIPAddressGetsFeedsThatPassTheGate() throws {
        let ipv4 = try atom(build([("_config.yml", "title: J\nurl: http://127.0.0.1:4000\n"), ("_posts/2024-01-01-a.md", "---\ntitle: A\n---\nx\n")]))
        #expect(ipv4.contains("<id>tag:127.0.0.1,2024-01-01:_posts/2024-01-01-a</id>"), "\(ipv4)")

        let jekyll = try atom(build([("_config.yml", "title: J\nurl: \"http://[::1]:4000\"\n"), ("_posts/2024-01-01-a.md", "---\ntitle: A\n---\nx\n")]))
        #expect(jekyll.contains("<id>tag:\(Self.loopbackName),2024-01-01:_posts/2024-01-01-a</id>"), "\(jekyll)")
        #expect(jekyll.contains("href=\"http://[::1]:4000/2024/01/01/a.html\""), "\(jekyll)")

        let hugo = try atom(build([("hugo.toml", "baseURL = \"http://[2001:DB8::a:1]:1313/\"\ntitle = \"H\"\n"),
                                   ("content/posts/a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nx\n")]))
        #expect(hugo.contains("<id>tag:1.0.0.0.a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa,2024-01-01:content/posts/a</id>"), "\(hugo)")
    }

    @Test func theIPv6AuthorityIsTheAddresssIp6ArpaName() {
        #expect(Site.tagAuthority(ofHost: "[::1]") == Self.loopbackName)
        // Every spelling of one address is one name.
        #expect(Site.tagAuthority(ofHost: "[0:0:0:0:0:0:0:1]") == Self.loopbackName)
        #expect(Site.tagAuthority(ofHost: "[::FFFF:127.0.0.1]") == Site.tagAuthority(ofHost: "[::ffff:7f00:1]"))
        #expect(Site.tagAuthority(ofHost: "[fe80::1%25eth0]") == nil)
        #expect(Site.tagAuthority(ofHost: "[v1.x]") == nil)
        #expect(Site.tagAuthority(ofHost: "Example.ORG") == "example.org")
        // A DNS name's labels: none empty, none longer than 63 bytes, none starting or
        // ending with `-`; a final dot stays as written (ids made with it are kept).
        for bad in ["a..b", ".example.org", "-a.org", "a-.org", "a.b-", String(repeating: "x", count: 64) + ".org", "..", "."] {
            #expect(Site.tagAuthority(ofHost: bad) == nil, "\(bad)")
        }
        for good in ["example.org.", "a-b.example", "xn--bcher-kva.example", "1.2.3", String(repeating: "x", count: 63) + ".org", "localhost"] {
            #expect(Site.tagAuthority(ofHost: good) == good, "\(good)")
        }
        #expect(EntryID.authority("http://[::1]:4000/") == Self.loopbackName)
    }

    /// No id can be made from an IPv6 zone (and no link may hold one), nor from a host that
    /// is no DNS name: each is an error where the address is written.
    @Test func anAddressNoIdCanBeMadeFromIsAnErrorAtItsLine() throws {
        for (url, expected) in [("http://[fe80::1%25eth0]:4000", "which is no IPv6 address a link can hold"),
                                ("http://my_host:4000", "has the host `my_host`, which is no DNS name"),
                                ("http://ex%41mple.org", "which is no DNS name"),
                                // A password in the address would be in every link and id.
                                ("https://ann:secret@example.org/", "has a user name or password"),
                                ("https://ann@example.org/", "has a user name or password"),
                                // Characters no URI holds as written: the gate refused the ids, naming the feed.
                                ("https://example.org/{x}/", "has `{`, which no URL holds as written: write it percent-encoded (%7B)"),
                                ("https://example.org/a<b>/", "has `<`"),
                                ("https://example.org/a|b/", "has `|`"),
                                ("https://example.org/a[b/", "has `[` after its host"),
                                ("https://example.org/a%zzb/", "has `%zz`, and `%` must start two hex digits"),
                                ("https://example.org/a%", "and `%` must start two hex digits")] {
            let outcome = try build([("_config.yml", "title: J\nurl: \"\(url)\"\n"), ("_posts/2024-01-01-a.md", "---\ntitle: A\n---\nx\n")])
            #expect(outcome.feedFailures.isEmpty, "\(url): \(outcome.feedFailures)")
            let error = try #require(outcome.postErrors.first, "\(url)")
            #expect(error.path.hasSuffix("_config.yml") && error.line == 2 && error.message.contains(expected), "\(url): \(error)")
        }
        let hugo = try build([("hugo.toml", "title = \"H\"\nbaseURL = \"http://[fe80::1%25en0]/\"\n"), ("content/posts/a.md", "---\ntitle: A\n---\nx\n")])
        let error = try #require(hugo.postErrors.first)
        #expect(error.path.hasSuffix("hugo.toml") && error.line == 2 && error.message.contains("write the address without a zone"), "\(error)")

        let site = try TemporarySite()
        defer { site.remove() }
        let definition = try site.write("feeds/b.yml", "title: B\nbase_url: http://a_b.example/\nposts: p\n")
        #expect(throws: PostError.self) { try FeedDefinition.load(definition) }
        #expect(Site.addressProblem("http://[::1]:4000/") == nil && Site.addressProblem("http://127.0.0.1:4000/") == nil)
        #expect(Site.addressProblem("https://bücher.example/") == nil)
        #expect(Site.addressProblem("https://example.org/caf%C3%A9/") == nil && Site.addressProblem("http://[::1]/blog/") == nil)
        // A bad `baseurl` is said at its own line, not `url`'s.
        let based = try build([("_config.yml", "title: J\nbaseurl: /a{b\nurl: https://example.org\n"), ("_posts/2024-01-01-a.md", "---\ntitle: A\n---\nx\n")])
        let baseError = try #require(based.postErrors.first)
        #expect(baseError.line == 2 && baseError.message.contains("has `{`"), "\(baseError)")
    }
}
