import CompressNIO
@testable import CrierServer
import Foundation
import NIOCore
import Synchronization
import Testing

@Suite struct FeedServerTests {
    @Test func feedsAreServedWithTheirTypesValidatorsAndCORS() async throws {
        let files = try PublishedFiles()
        try files.write("feed.xml", SampleFeed.atom(entries: 2))
        try files.write("feed.rss", "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title></channel></rss>")
        try files.write("feed.json", "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"t\",\"items\":[]}")
        try files.write("style.xsl", "<xsl:stylesheet/>")
        let server = try await ServerHarness.start(folder: files.url) { $0.cacheControl = "public, max-age=60" }
        defer { Task { await server.stop() } }

        let atom = try await server.get("/feed.xml")
        #expect(atom.status == 200)
        #expect(atom.header("content-type") == "application/atom+xml; charset=utf-8")
        #expect(atom.body == Array(SampleFeed.atom(entries: 2).utf8))
        #expect(atom.header("etag")?.hasPrefix("\"") == true)
        #expect(atom.header("last-modified")?.hasSuffix(" GMT") == true)
        #expect(atom.header("cache-control") == "public, max-age=60")
        #expect(atom.header("access-control-allow-origin") == "*")
        #expect(try await server.get("/feed.rss").header("content-type") == "application/rss+xml; charset=utf-8")
        #expect(try await server.get("/feed.json").header("content-type") == "application/feed+json; charset=utf-8")
        let xsl = try await server.get("/style.xsl")
        #expect(xsl.header("content-type") == "text/xsl; charset=utf-8" && xsl.header("access-control-allow-origin") == nil)
    }

    /// An output folder that is a symbolic link switched to another folder (as a
    /// deployment switches it, and as publish then writes there) is served from where it
    /// now points.
    @Test func aFolderLinkSwitchedElsewhereIsServedFromItsNewTarget() async throws {
        let files = try PublishedFiles()
        try files.write("r1/feed.xml", SampleFeed.atom(entries: 1, marker: "one"))
        try files.write("r2/feed.xml", SampleFeed.atom(entries: 1, marker: "two"))
        let link = files.url.appendingPathComponent("out")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "r1")
        let server = try await ServerHarness.start(folder: link)
        defer { Task { await server.stop() } }
        #expect(String(decoding: try await server.get("/feed.xml").body, as: UTF8.self).contains("Test one"))
        // Switched atomically: a new link renamed over the old one.
        let next = files.url.appendingPathComponent("out.next")
        try FileManager.default.createSymbolicLink(atPath: next.path, withDestinationPath: "r2")
        #expect(rename(next.path, link.path) == 0)
        #expect(String(decoding: try await server.get("/feed.xml").body, as: UTF8.self).contains("Test two"))
    }

    /// A feed's type comes from its root element, found past its prolog however long (a
    /// stylesheet instruction with a long `href`, comments, a document type), not from
    /// words anywhere in its first kilobyte.
    @Test func aFeedsTypeComesFromItsRootElementPastAnyProlog() {
        func type(_ text: String, path: String = "feed.xml") -> (String, Bool) {
            MediaTypes.type(forPath: path, prefix: Array(text.utf8).prefix(MediaTypes.prologLimit))
        }
        let href = "https://example.org/" + String(repeating: "a", count: 1_500) + ".xsl"
        let atom = ("application/atom+xml; charset=utf-8", true), rss = ("application/rss+xml; charset=utf-8", true)
        #expect(type("<?xml version=\"1.0\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"\(href)\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"/>") == atom)
        #expect(type("\u{FEFF}<!-- an <rss> comment --><!DOCTYPE feed [<!ENTITY x \"y\">]>\n<atom:feed xmlns:atom=\"http://www.w3.org/2005/Atom\"/>") == atom)
        #expect(type("<?xml version=\"1.0\"?><!-- <feed> --><rss version=\"2.0\"><channel/></rss>", path: "feed.rss") == rss)
        #expect(type("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>") == rss)
        #expect(type("<sitemap><title>&lt;feed</title></sitemap>") == ("application/xml; charset=utf-8", false))
        #expect(type("<?xml version=\"1.0\"?>") == ("application/xml; charset=utf-8", false))
    }

    /// A file rewritten in place to the same size, its modification time then set back
    /// (as `touch -r` or a copy keeping times does), is served as it now is: its status
    /// change time moved, which no program can set back.
    @Test func aFileRewrittenInPlaceWithItsTimeSetBackIsServedAnew() async throws {
        let files = try PublishedFiles()
        let first = SampleFeed.atom(entries: 2, marker: "v1")
        let second = SampleFeed.atom(entries: 2, marker: "v2")
        #expect(first.utf8.count == second.utf8.count)
        try files.write("feed.xml", first)
        let server = try await ServerHarness.start(folder: files.url)
        defer { Task { await server.stop() } }
        #expect(try await server.get("/feed.xml").body == Array(first.utf8))

        let path = files.url.appendingPathComponent("feed.xml").path
        var before = stat()
        #expect(stat(path, &before) == 0)
        // Rewritten in place (same inode), after the clock has moved on.
        try await Task.sleep(for: .milliseconds(20))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(second.utf8))
        try handle.close()
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        var after = stat()
        #expect(stat(path, &after) == 0)
        #expect(after.st_ino == before.st_ino && after.st_size == before.st_size)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)

        #expect(try await server.get("/feed.xml").body == Array(second.utf8))
    }

    @Test func conditionalRequestsAreAnsweredWith304() async throws {
        let files = try PublishedFiles()
        try files.write("feed.xml", SampleFeed.atom(entries: 3))
        let server = try await ServerHarness.start(folder: files.url)
        defer { Task { await server.stop() } }

        let first = try await server.get("/feed.xml")
        let etag = try #require(first.header("etag"))
        let lastModified = try #require(first.header("last-modified"))
        let byTag = try await server.get("/feed.xml", headers: ["If-None-Match": etag])
        #expect(byTag.status == 304 && byTag.body.isEmpty && byTag.header("etag") == etag)
        #expect(try await server.get("/feed.xml", headers: ["If-None-Match": "\"other\", \(etag)"]).status == 304)
        #expect(try await server.get("/feed.xml", headers: ["If-None-Match": "W/\(etag)"]).status == 304, "weak comparison")
        #expect(try await server.get("/feed.xml", headers: ["If-Modified-Since": lastModified]).status == 304)
        #expect(try await server.get("/feed.xml", headers: ["If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"]).status == 200)
        // A date whose numbers would overflow is no date: ignored, and the server stays up.
        #expect(try await server.get("/feed.xml", headers: ["If-Modified-Since": "Sun, 06 Nov 9223372036854775807 08:49:37 GMT"]).status == 200)
        #expect(try await server.get("/feed.xml", headers: ["If-Modified-Since": lastModified]).status == 304)
        #expect(try await server.get("/feed.xml", headers: ["If-None-Match": "\"stale\"", "If-Modified-Since": lastModified]).status == 200,
                "If-None-Match wins over If-Modified-Since")

        // If-Match (strong comparison) and If-Unmodified-Since: 412 when they fail.
        #expect(try await server.get("/feed.xml", headers: ["If-Match": etag]).status == 200)
        #expect(try await server.get("/feed.xml", headers: ["If-Match": "\"other\", \(etag)"]).status == 200)
        #expect(try await server.get("/feed.xml", headers: ["If-Match": "*"]).status == 200)
        #expect(try await server.get("/feed.xml", headers: ["If-Match": "\"other\""]).status == 412)
        #expect(try await server.get("/feed.xml", headers: ["If-Match": "W/\(etag)"]).status == 412, "strong comparison")
        #expect(try await server.get("/feed.xml", headers: ["If-Unmodified-Since": lastModified]).status == 200)
        #expect(try await server.get("/feed.xml", headers: ["If-Unmodified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"]).status == 412)
        #expect(try await server.get("/feed.xml", headers: ["If-Match": etag, "If-Unmodified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"]).status == 200,
                "If-Match wins over If-Unmodified-Since")

        try files.write("feed.xml", SampleFeed.atom(entries: 3, marker: "v2"))
        let changed = try await server.get("/feed.xml", headers: ["If-None-Match": etag])
        #expect(changed.status == 200 && changed.header("etag") != etag)
        #expect(String(decoding: changed.body, as: UTF8.self).contains("Test v2"))
    }

    @Test func headSendsTheHeadersWithoutTheBody() async throws {
        let files = try PublishedFiles()
        try files.write("feed.xml", SampleFeed.atom(entries: 5))
        let server = try await ServerHarness.start(folder: files.url)
        defer { Task { await server.stop() } }
        let head = try await server.get("/feed.xml", method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(head.header("content-length") == String(SampleFeed.atom(entries: 5).utf8.count))
        #expect(try await server.get("/feed.xml", method: "POST").status == 405)
    }

    @Test func gzipIsSentOnlyWhenTheClientAcceptsIt() async throws {
        let files = try PublishedFiles()
        let text = SampleFeed.atom(entries: 200)
        try files.write("feed.xml", text)
        let server = try await ServerHarness.start(folder: files.url)
        defer { Task { await server.stop() } }

        let zipped = try await server.get("/feed.xml", headers: ["Accept-Encoding": "br;q=1.0, gzip;q=0.8"])
        #expect(zipped.header("content-encoding") == "gzip" && zipped.header("vary") == "Accept-Encoding")
        #expect(zipped.body.count < text.utf8.count / 4)
        var buffer = ByteBuffer(bytes: zipped.body)
        let unzipped = try buffer.decompress(with: .gzip())
        #expect(Array(unzipped.readableBytesView) == Array(text.utf8))
        #expect(try await server.get("/feed.xml", headers: ["If-None-Match": zipped.header("etag")!, "Accept-Encoding": "gzip"]).status == 304)

        #expect(try await server.get("/feed.xml").header("content-encoding") == nil)
        #expect(try await server.get("/feed.xml", headers: ["Accept-Encoding": "gzip;q=0, identity"]).header("content-encoding") == nil)
        #expect(zipped.header("etag") != (try await server.get("/feed.xml").header("etag")), "each representation has its own strong ETag")
        // A client that takes no gzip, holding the gzipped one's tag, gets the body, and the
        // other way round.
        let plainWithZippedTag = try await server.get("/feed.xml", headers: ["If-None-Match": zipped.header("etag")!])
        #expect(plainWithZippedTag.status == 200 && plainWithZippedTag.body == Array(text.utf8))
        let plainTag = try await server.get("/feed.xml").header("etag")!
        #expect(try await server.get("/feed.xml", headers: ["If-None-Match": plainTag, "Accept-Encoding": "gzip"]).status == 200)
        #expect(try await server.get("/feed.xml", headers: ["If-None-Match": plainTag]).status == 304)
    }

    @Test func nothingOutsideTheFolderCanBeReached() async throws {
        let parent = try PublishedFiles()
        try parent.write("secret.txt", "do not serve")
        try parent.write("public/feed.xml", SampleFeed.atom(entries: 1))
        try parent.write("public/.crier/cache.json", "{}")
        try FileManager.default.createSymbolicLink(atPath: parent.url.appendingPathComponent("public/link.txt").path,
                                                   withDestinationPath: parent.url.appendingPathComponent("secret.txt").path)
        let server = try await ServerHarness.start(folder: parent.url.appendingPathComponent("public"))
        defer { Task { await server.stop() } }

        #expect(try await server.get("/feed.xml").status == 200)
        for attempt in ["/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/..%2fsecret.txt",
                        "/foo/..%2F..%2Fsecret.txt", "/..\\secret.txt", "/%5c..%5csecret.txt", "/link.txt",
                        "/.crier/cache.json", "/feed.xml%00", "/", "//etc/passwd", "/%zz", "secret.txt",
                        "/feed.xml/", "//feed.xml"] {
            let response = try await server.get(attempt)
            #expect(response.status == 404 || response.status == 400, "\(attempt) gave \(response.status)")
            #expect(!String(decoding: response.body, as: UTF8.self).contains("do not serve"), "\(attempt)")
        }
    }

    /// The server listens at once and serves what the folder holds (the last run's feeds)
    /// while the first publish runs; a file not there yet is 503 with `Retry-After`, not
    /// 404, and `/healthz` is 503 until the publish is done.
    @Test(.timeLimit(.minutes(1))) func theServerListensAtOnceAndIsReadyAfterTheFirstPublish() async throws {
        let files = try PublishedFiles()
        try files.write("old.xml", SampleFeed.atom(entries: 1, marker: "old"))
        let gate = AsyncStream<Void>.makeStream()
        let started = AsyncStream<Int>.makeStream()
        var configuration = FeedServer.Configuration(folder: files.url)
        configuration.port = 0
        configuration.refreshInterval = nil
        let server = FeedServer(configuration: configuration, refresh: {
            var iterator = gate.stream.makeAsyncIterator()
            _ = await iterator.next()
            try? files.write("feed.xml", SampleFeed.atom(entries: 1))
            return true
        }, onListening: { port in
            started.continuation.yield(port)
        })
        let task = Task { try await server.run() }
        var ports = started.stream.makeAsyncIterator()
        let port = try #require(await ports.next(), "listening while the first publish waits")
        func get(_ path: String) async throws -> RawHTTPResponse {
            try await OffPool.run { try RawHTTPClient.get(path, port: port) }
        }
        #expect(try await get("/healthz").status == 503)
        #expect(try await get("/old.xml").status == 200, "the last run's feed is served meanwhile")
        let early = try await get("/feed.xml")
        #expect(early.status == 503)
        #expect(early.header("Retry-After") == "5")
        #expect(try await get("/../old.xml").status == 404, "a path outside the folder is never 'not yet'")
        gate.continuation.yield()
        var ready = false
        for _ in 0..<200 where !ready {
            ready = try await get("/healthz").status == 200
            if !ready { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(ready)
        #expect(try await get("/feed.xml").status == 200)
        #expect(try await get("/missing.xml").status == 404)
        task.cancel()
        _ = await task.result
    }

    /// A publish that fails (a broken post) does not make the server ready: `/healthz`
    /// stays 503 and a feed not there yet 503 with `Retry-After`, not 404, until a later
    /// publish succeeds; the files already there are served all along.
    @Test(.timeLimit(.minutes(1))) func theServerIsNotReadyUntilAPublishSucceeds() async throws {
        let files = try PublishedFiles()
        try files.write("old.xml", SampleFeed.atom(entries: 1, marker: "old"))
        let fixed = Atomic<Bool>(false)
        let attempts = Atomic<Int>(0)
        let server = try await ServerHarness.start(folder: files.url, configure: { $0.refreshInterval = .milliseconds(20) }, refresh: {
            attempts.add(1, ordering: .sequentiallyConsistent)
            guard fixed.load(ordering: .sequentiallyConsistent) else { return false }
            try? files.write("feed.xml", SampleFeed.atom(entries: 1))
            return true
        }, waitUntilReady: false)
        defer { Task { await server.stop() } }
        // Several publishes have failed by now.
        for _ in 0..<500 where attempts.load(ordering: .sequentiallyConsistent) < 3 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(attempts.load(ordering: .sequentiallyConsistent) >= 3)
        #expect(try await server.get("/healthz").status == 503)
        let early = try await server.get("/feed.xml")
        #expect(early.status == 503)
        #expect(early.header("Retry-After") == "5")
        #expect(try await server.get("/old.xml").status == 200, "the last run's feed is served meanwhile")
        fixed.store(true, ordering: .sequentiallyConsistent)
        var ready = false
        for _ in 0..<400 where !ready {
            ready = try await server.get("/healthz").status == 200
            if !ready { try await Task.sleep(for: .milliseconds(25)) }
        }
        #expect(ready)
        #expect(try await server.get("/feed.xml").status == 200)
        #expect(try await server.get("/missing.xml").status == 404)
    }

    /// A port that cannot be had fails the run before anything is published.
    @Test func aPortInUseFailsAtOnceWithoutPublishing() async throws {
        let files = try PublishedFiles()
        let first = try await ServerHarness.start(folder: files.url)
        defer { Task { await first.stop() } }
        var configuration = FeedServer.Configuration(folder: files.url)
        configuration.port = first.port
        let published = Atomic<Bool>(false)
        let second = FeedServer(configuration: configuration, refresh: {
            published.store(true, ordering: .sequentiallyConsistent)
            return true
        })
        await #expect(throws: (any Error).self) { try await second.run() }
        let didPublish = published.load(ordering: .sequentiallyConsistent)
        #expect(!didPublish)
    }

    @Test func oversizedRequestsAreRefused() async throws {
        let files = try PublishedFiles()
        try files.write("feed.xml", SampleFeed.atom(entries: 1))
        let server = try await ServerHarness.start(folder: files.url) { $0.maxHeaderSize = 4096 }
        defer { Task { await server.stop() } }
        let huge = String(repeating: "a", count: 20_000)
        let response = try? await server.get("/feed.xml", headers: ["X-Padding": huge])
        #expect(response == nil || response!.status >= 400, "a header block over the limit is refused")
        let port = server.port
        let body = try await OffPool.run { try RawHTTPClient.send("GET /feed.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 1000000\r\n\r\n", port: port) }
        #expect(body.status == 413)
        #expect(try await server.get("/feed.xml").status == 200, "the server is still healthy")
    }

    /// A large feed read slowly (longer than the idle timeout) arrives whole: the body is
    /// handed to the connection as the client takes it, so the response is in progress
    /// while it is sent. (A client that takes nothing for the idle timeout is given up;
    /// not tested: on the loopback the system keeps taking data from a client that does
    /// not read.)
    @Test(.timeLimit(.minutes(1)))
    func aLargeFeedReadSlowlyArrivesWhole() async throws {
        let files = try PublishedFiles()
        // Made by repeating one entry: building 40,000 distinct ones took seconds of the
        // test pool's two threads, starving other servers under test.
        let entry = Array("<entry><id>urn:crier:test:n</id><title>Entry</title><updated>2024-01-01T00:00:00Z</updated></entry>\n".utf8)
        var feed = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n".utf8)
        feed.reserveCapacity(7_000_000)
        while feed.count < 6_500_000 { feed += entry }
        feed += Array("</feed>\n".utf8)
        try files.write("feed.xml", feed)
        let server = try await ServerHarness.start(folder: files.url) { $0.idleTimeout = .seconds(1) }
        defer { Task { await server.stop() } }
        let port = server.port

        // About 2.5 s to read it all, in pauses of 20 ms: past the idle timeout.
        let slow = try await OffPool.run {
            try SlowReader.get("/feed.xml", port: port, bytesPerPause: 48 << 10, pause: 0.02)
        }
        #expect(slow.body.count == feed.count && slow.body == feed, "got \(slow.body.count) of \(feed.count) bytes")
        #expect(slow.seconds > 1.5, "read for \(slow.seconds) s, not past the idle timeout")

        #expect(try await server.get("/healthz").status == 200)
    }

    /// A request body that is refused is not read: the connection closes after the 413,
    /// rather than reading a body that may never end.
    @Test(.timeLimit(.minutes(1)))
    func aRefusedRequestBodyClosesTheConnectionAfterThe413() async throws {
        let files = try PublishedFiles()
        try files.write("feed.xml", SampleFeed.atom(entries: 2))
        let server = try await ServerHarness.start(folder: files.url) { $0.idleTimeout = .seconds(30) }
        defer { Task { await server.stop() } }
        let port = server.port
        for request in ["POST /feed.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000000\r\n\r\n" + String(repeating: "x", count: 4096),
                        "POST /feed.xml HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1000\r\n" + String(repeating: "x", count: 4096)] {
            let start = ContinuousClock.now
            // The read times out after 10 s if the connection stays open.
            let raw = try await OffPool.run { try RawHTTPClient.exchange(Array(request.utf8), port: port, timeout: 10) }
            let text = String(decoding: raw, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 413") && text.lowercased().contains("connection: close"), "\(text)")
            #expect(ContinuousClock.now - start < .seconds(5), "the connection stayed open after the 413")
        }
    }

    /// HTTP/1.0 without keep-alive: the response says HTTP/1.0 and the connection closes
    /// after it, at once, not after the idle timeout (ApacheBench waits for that close);
    /// one that asks to keep it alive is told so. HTTP/1.1 without Host: 400.
    @Test func httpVersionRulesAreKept() async throws {
        let files = try PublishedFiles()
        let feed = SampleFeed.atom(entries: 3)
        try files.write("feed.xml", feed)
        // A long idle timeout: a connection left open would make the read time out first.
        let server = try await ServerHarness.start(folder: files.url) { $0.idleTimeout = .seconds(60) }
        defer { Task { await server.stop() } }
        let port = server.port

        let start = ContinuousClock.now
        let old = try await OffPool.run { try RawHTTPClient.send("GET /feed.xml HTTP/1.0\r\n\r\n", port: port, timeout: 5) }
        #expect(ContinuousClock.now - start < .seconds(3), "the connection closed after the response")
        #expect(old.status == 200 && old.body == Array(feed.utf8))
        #expect(old.header("transfer-encoding") == nil)

        let kept = try await OffPool.run { () -> String in
            // Read the head only: the connection stays open.
            let raw = try RawHTTPClient.exchangeHead(Array("GET /feed.xml HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".utf8), port: port, timeout: 5)
            return String(decoding: raw, as: UTF8.self)
        }
        #expect(kept.hasPrefix("HTTP/1.0 200") && kept.lowercased().contains("connection: keep-alive"), "\(kept)")

        let noHost = try await OffPool.run { try RawHTTPClient.send("GET /feed.xml HTTP/1.1\r\nConnection: close\r\n\r\n", port: port, timeout: 5) }
        #expect(noHost.status == 400)
        let withHost = try await OffPool.run { try RawHTTPClient.send("GET /feed.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: port, timeout: 5) }
        #expect(withHost.status == 200 && withHost.body == Array(feed.utf8))
        let twoHosts = try await OffPool.run { try RawHTTPClient.send("GET /feed.xml HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", port: port, timeout: 5) }
        #expect(twoHosts.status == 400)
        // A Host that is no host (RFC 9112 §3.2: 400); names, IP literals and ports are fine.
        for host in ["a b", "a/b", "[::1", "a:99999x", "a:70000", "a@b"] {
            let bad = try await OffPool.run { try RawHTTPClient.send("GET /feed.xml HTTP/1.1\r\nHost: \(host)\r\n\r\n", port: port, timeout: 5) }
            #expect(bad.status == 400, "Host: \(host)")
        }
        for host in ["example.org", "example.org:8080", "[::1]:80", "127.0.0.1", "xn--caf-dma.example", "a.example:"] {
            let good = try await OffPool.run { try RawHTTPClient.send("GET /feed.xml HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n", port: port, timeout: 5) }
            #expect(good.status == 200, "Host: \(host)")
        }

        // `Connection: Close` in any letter case closes the connection after the response.
        let closeStart = ContinuousClock.now
        let closed = try await OffPool.run { try RawHTTPClient.send("GET /feed.xml HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n", port: port, timeout: 5) }
        #expect(closed.status == 200 && ContinuousClock.now - closeStart < .seconds(3))

        // A refused request after a good one on the same connection: the good one is
        // answered first, then the 400, then the connection closes.
        let pipelined = try await OffPool.run { () -> String in
            let raw = try RawHTTPClient.exchange(Array("GET /feed.xml HTTP/1.1\r\nHost: x\r\n\r\nGET /feed.xml HTTP/1.1\r\n\r\n".utf8), port: port, timeout: 5)
            return String(decoding: raw, as: UTF8.self)
        }
        let ok = try #require(pipelined.range(of: "HTTP/1.1 200"))
        let refused = try #require(pipelined.range(of: "HTTP/1.1 400"))
        #expect(ok.lowerBound < refused.lowerBound && pipelined.contains(feed))
    }

    @Test func concurrentReadersAlwaysGetACompleteFeedWhileItIsReplaced() async throws {
        let files = try PublishedFiles()
        try files.write("feed.xml", SampleFeed.atom(entries: 400, marker: "v0"))
        let server = try await ServerHarness.start(folder: files.url)
        defer { Task { await server.stop() } }
        let versions = (0..<8).map { SampleFeed.atom(entries: 400, marker: "v\($0)") }
        let valid = Set(versions.map { Array($0.utf8) })

        let writer = Task.detached {
            for round in 0..<40 {
                try files.write("feed.xml", versions[round % versions.count])
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        let port = server.port
        let results = try await withThrowingTaskGroup(of: [RawHTTPResponse].self) { group in
            for _ in 0..<16 {
                group.addTask {
                    var responses: [RawHTTPResponse] = []
                    for _ in 0..<15 { responses.append(try await OffPool.run { try RawHTTPClient.get("/feed.xml", port: port) }) }
                    return responses
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        try await writer.value
        #expect(results.count == 240)
        for response in results {
            #expect(response.status == 200)
            #expect(valid.contains(response.body), "every body is one whole version")
        }
    }
}

@Suite struct HTTPPiecesTests {
    @Test func httpDatesRoundTrip() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
        // Numbers out of range, or that would overflow the arithmetic, are no date.
        for hostile in ["Sun, 06 Nov 9223372036854775807 08:49:37 GMT", "Sun, 99999999999999999 Nov 1994 08:49:37 GMT",
                        "Sun, 06 Nov 1994 99999999999999999:00:00 GMT", "Sun, 06 Nov 1994 08:49:9223372036854775807 GMT",
                        "Sun, 32 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 6 Nov 1994 08:49:37 GMT",
                        "Sun, 06 Nov -994 08:49:37 GMT", "Sun, 06 Nov 1994 08::37 GMT"] {
            #expect(HTTPDate.parse(hostile) == nil, "\(hostile)")
        }
        for seconds in stride(from: 0, to: 4_000_000_000, by: 77_777_777) {
            #expect(HTTPDate.parse(HTTPDate.format(seconds)) == seconds)
        }
    }

    @Test func requestPathsStayInsideTheFolder() {
        #expect(RequestPath.relativePath("/blog/feed.xml") == "blog/feed.xml")
        #expect(RequestPath.relativePath("/blog/feed.xml?x=1") == "blog/feed.xml")
        #expect(RequestPath.relativePath("/feed/by_tag/%E6%97%A5%E6%9C%AC%E8%AA%9E.xml") == "feed/by_tag/日本語.xml")
        for bad in ["/../x", "/a/%2e%2e/x", "/a%2fb", "/a%5cb", "/.hidden", "/a/%00", "/%zz", "relative", "/%ff",
                    "/blog/feed.xml/", "//blog/feed.xml", "/blog//feed.xml", "/blog/feed.xml/?x=1", "/"] {
            #expect(RequestPath.relativePath(bad) == nil, "\(bad)")
        }
    }

    @Test func acceptEncodingIsNegotiated() {
        #expect(AcceptEncoding.acceptsGzip(["gzip, deflate"]))
        #expect(AcceptEncoding.acceptsGzip(["*"]))
        #expect(!AcceptEncoding.acceptsGzip(["gzip;q=0"]))
        #expect(!AcceptEncoding.acceptsGzip(["*;q=1, gzip;q=0"]))
        #expect(!AcceptEncoding.acceptsGzip([]))
    }
}
