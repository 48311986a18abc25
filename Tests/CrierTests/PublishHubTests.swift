@testable import Crier
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A WebSub hub stand-in: a real HTTP/1.1 server on 127.0.0.1 (POSIX sockets, one
/// thread, one request per connection) that records every request and answers with the
/// statuses it is given, in turn, the last one repeating.
final class RecordingHub: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        /// Header names lower-cased.
        var headers: [String: String]
        var body: String
    }

    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var recorded: [Request] = []
    private var statuses: [Int]
    private let finished = DispatchSemaphore(value: 0)

    init(statuses: [Int] = [202]) throws {
        self.statuses = statuses
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT/name`
    func url(_ name: String = "hub") -> String { "http://127.0.0.1:\(port)/\(name)" }

    var requests: [Request] { lock.withLock { recorded } }

    func answer(_ statuses: [Int]) { lock.withLock { self.statuses = statuses } }

    private var stopped = false
    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        finished.wait()
        close(listener)
    }

    private func serve() {
        defer { finished.signal() }
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            handle(connection)
            close(connection)
        }
    }

    private func handle(_ connection: Int32) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let n = read(connection, &buffer, buffer.count)
            if n <= 0 { break }
            data += buffer[..<n]
            if headerEnd == nil, let end = find([13, 10, 13, 10], in: data) {
                headerEnd = end + 4
                let head = String(decoding: data[..<end], as: UTF8.self)
                for line in head.split(separator: "\r\n").dropFirst() {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, parts[0].lowercased() == "content-length" {
                        contentLength = Int(parts[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
            }
            if let headerEnd, data.count >= headerEnd + contentLength { break }
        }
        guard let headerEnd else { return }
        let head = String(decoding: data[..<(headerEnd - 4)], as: UTF8.self).split(separator: "\r\n")
        let requestLine = head.first?.split(separator: " ") ?? []
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { headers[parts[0].lowercased()] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        let body = String(decoding: data[headerEnd..<min(data.count, headerEnd + contentLength)], as: UTF8.self)
        let status: Int = lock.withLock {
            recorded.append(Request(method: requestLine.first.map(String.init) ?? "", path: requestLine.dropFirst().first.map(String.init) ?? "",
                                    headers: headers, body: body))
            return statuses.count > 1 ? statuses.removeFirst() : statuses[0]
        }
        let response = "HTTP/1.1 \(status) Test\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nnoted"
        _ = response.withCString { write(connection, $0, strlen($0)) }
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }
}

@Suite struct PublishHubTests {
    let topics = ["https://example.org/blog/feed.xml", "https://example.org/blog/feed.rss", "https://example.org/blog/feed.json"]

    @Test func aChangedFeedIsAnnouncedToEveryHubAndAnUnchangedOneIsNot() async throws {
        let first = try RecordingHub(), second = try RecordingHub()
        let site = try PublishSite("hub: [\(first.url()), \(second.url("websub?x=1"))]")
        try site.post("one", day: 1)

        let report = try await site.publish()
        #expect(report.succeeded)
        #expect(!report.pingsFailed)
        #expect(report.pings.count == 6)
        #expect(site.text("feed.xml").contains("<link rel=\"hub\" href=\"\(first.url())\"/>"))
        for hub in [first, second] {
            let requests = hub.requests
            #expect(requests.count == 3)
            #expect(requests.allSatisfy { $0.method == "POST" && $0.headers["content-type"] == "application/x-www-form-urlencoded" })
            #expect(Set(requests.map(\.body)) == Set(topics.map { "hub.mode=publish&hub.url=" + $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~")))! }))
        }
        #expect(first.requests.allSatisfy { $0.path == "/hub" })
        #expect(second.requests.allSatisfy { $0.path == "/websub?x=1" })
        #expect(first.requests.first?.body.contains("hub.url=https%3A%2F%2Fexample.org%2Fblog%2Ffeed.") == true)

        let again = try await site.publish()
        #expect(again.pings.isEmpty)
        #expect(first.requests.count == 3 && second.requests.count == 3)
    }

    @Test func aHubThatFailsIsRetriedWithBackoffThenReportedWhileThePublishStandsAndTheNextRunTriesAgain() async throws {
        let hub = try RecordingHub(statuses: [503])
        let site = try PublishSite("hub: \(hub.url())\nformats: [atom]")
        try site.post("one", day: 1)

        let started = Date()
        let report = try await site.publish()
        #expect(report.succeeded, "a failing hub does not undo the publish")
        #expect(report.pingsFailed)
        #expect(report.written.map(\.path) == ["feed.xml"])
        #expect(site.bytes("feed.xml") != nil)
        let result = try #require(report.pings.first)
        #expect(result.attempts == 3 && result.status == 503)
        #expect(result.failure?.contains("HTTP 503") == true)
        #expect(hub.requests.count == 3)
        // Waits of 0.01 s then 0.02 s between the three tries.
        #expect(Date().timeIntervalSince(started) >= 0.03)

        hub.answer([202])
        let next = try await site.publish()
        #expect(next.written.isEmpty)
        #expect(next.upToDate, "nothing changed, so nothing was built")
        #expect(next.pings.map(\.succeeded) == [true], "the failed ping is retried although nothing changed")
        #expect(hub.requests.count == 4)

        let quiet = try await site.publish()
        #expect(quiet.pings.isEmpty)
        #expect(hub.requests.count == 4)
    }

    /// A ping left pending for a hub that the feed's definition no longer names, the last
    /// hub removed included, is dropped: no run asks that hub again.
    @Test func aPendingPingToAHubNoLongerNamedIsDropped() async throws {
        let hub = try RecordingHub(statuses: [503])
        let site = try PublishSite("hub: \(hub.url())\nformats: [atom]")
        try site.post("one", day: 1)
        let first = try await site.publish()
        #expect(first.pingsFailed)
        let pending = site.output.appendingPathComponent(".crier/pending-pings.json").path
        #expect(FileManager.default.fileExists(atPath: pending))
        let asked = hub.requests.count

        try site.define("formats: [atom]")
        let next = try await site.publish()
        #expect(next.succeeded && !next.pingsFailed, "\(next.pings)")
        #expect(next.pings.isEmpty)
        #expect(hub.requests.count == asked, "the hub no longer named was asked again")
        #expect(!FileManager.default.fileExists(atPath: pending))
        let quiet = try await site.publish()
        #expect(quiet.pings.isEmpty && hub.requests.count == asked)
    }

    /// A ping left pending for a feed no longer published (a tag's last post moved on, a
    /// definition deleted) is dropped by the next run that builds every feed: it is not
    /// tried, and failed, on every run for good.
    @Test func aPendingPingOfAFeedNoLongerPublishedIsDropped() async throws {
        let hub = try RecordingHub(statuses: [503])
        let site = try PublishSite("hub: \(hub.url())\nformats: [atom]\ntags: true")
        try site.post("one", day: 1, tags: ["gone"])
        let first = try await site.publish()
        #expect(first.pingsFailed && first.pings.contains { $0.ping.topic.hasSuffix("/gone.xml") }, "\(first.pings)")
        let pending = site.output.appendingPathComponent(".crier/pending-pings.json").path
        #expect(FileManager.default.fileExists(atPath: pending))

        hub.answer([202])
        try site.post("one", day: 1, tags: ["kept"])
        let asked = hub.requests.count
        let next = try await site.publish()
        #expect(next.succeeded && !next.pingsFailed, "\(next.pings)")
        #expect(next.removed.contains { $0.hasSuffix("gone.xml") }, "\(next.removed)")
        #expect(!next.pings.contains { $0.ping.topic.hasSuffix("/gone.xml") }, "\(next.pings)")
        #expect(!hub.requests.dropFirst(asked).contains { $0.body.contains("gone.xml") })
        #expect(!FileManager.default.fileExists(atPath: pending))
    }

    /// A run that builds only some of an output folder's feeds (`--format atom`) keeps
    /// the pending pings of the others, which are still published.
    @Test func aRunOfFewerFormatsKeepsTheOtherFormatsPendingPings() async throws {
        let hub = try RecordingHub(statuses: [503])
        let site = try PublishSite("hub: \(hub.url())")
        try site.post("one", day: 1)
        #expect(try await site.publish().pingsFailed)
        let pending = site.output.appendingPathComponent(".crier/pending-pings.json")
        func topics() -> Set<String> {
            Set(((try? Data(contentsOf: pending)).flatMap { try? JSONDecoder().decode([WebSubPing].self, from: $0) } ?? []).map(\.topic))
        }
        #expect(topics() == Set(self.topics))
        var jobs = try site.jobs()
        jobs[0].formats = [.atom]
        try site.post("two", day: 2)
        _ = try await Publisher.publish(jobs, options: site.options())
        #expect(topics() == Set(self.topics), "the RSS and JSON feeds' pings were dropped")
    }

    @Test func aHubThatRefusesForGoodIsReportedOnceAndNotAskedAgainOnLaterRuns() async throws {
        let hub = try RecordingHub(statuses: [404])
        let site = try PublishSite("hub: [\(hub.url())]\nformats: [atom]")
        try site.post("one", day: 1)

        let report = try await site.publish()
        #expect(report.succeeded && report.pingsFailed)
        #expect(report.pings.count == 1 && report.pings.allSatisfy { !$0.succeeded && $0.isFinal })
        #expect(report.pings.allSatisfy { $0.description.hasSuffix("not tried again") })
        #expect(hub.requests.count == 1, "a 404 is not tried again within the run")
        #expect(!FileManager.default.fileExists(atPath: site.output.appendingPathComponent(".crier/pending-pings.json").path))

        let next = try await site.publish()
        #expect(next.upToDate && next.pings.isEmpty, "nor on the next run")
        #expect(hub.requests.count == 1)
    }

    /// A hub that is no http(s) URL is a mistake in the definition, said where it is
    /// written, before anything is published.
    @Test func aHubThatIsNoHTTPURLIsAnErrorInTheDefinition() throws {
        let site = try PublishSite("hub: [https://hub.example/, not-a-url]\nformats: [atom]")
        do {
            _ = try site.jobs()
            Issue.record("the definition loaded")
        } catch let error as PostError {
            #expect(error.line == 8 && error.message.contains("`not-a-url` is not the absolute http(s) URL of a WebSub hub"), "\(error)")
        }
    }

    @Test func aHubThatFailsOnceGetsThePingOnTheSecondTry() async throws {
        let hub = try RecordingHub(statuses: [500, 204])
        let results = await WebSubPinger.send([WebSubPing(hub: hub.url(), topic: "https://example.org/a&b=c.xml")], policy: PingPolicy(attempts: 3, firstDelay: 0.01, timeout: 5))
        #expect(results.map(\.attempts) == [2])
        #expect(results.map(\.succeeded) == [true])
        #expect(hub.requests.last?.body == "hub.mode=publish&hub.url=https%3A%2F%2Fexample.org%2Fa%26b%3Dc.xml")
    }

    @Test func aHubThatRefusesTheTopicIsNotAskedAgainAndAnUnreachableOneIsReported() async throws {
        let hub = try RecordingHub(statuses: [400])
        // A port that was just free and has nobody listening.
        let closed = try RecordingHub()
        let closedURL = closed.url()
        closed.stop()
        let results = await WebSubPinger.send([WebSubPing(hub: hub.url(), topic: "https://example.org/f.xml"),
                                               WebSubPing(hub: closedURL, topic: "https://example.org/f.xml")],
                                              policy: PingPolicy(attempts: 2, firstDelay: 0.01, timeout: 5))
        #expect(results[0].attempts == 1 && results[0].failure?.hasPrefix("HTTP 400") == true)
        #expect(hub.requests.count == 1)
        #expect(results[1].attempts == 2 && results[1].status == nil && !results[1].succeeded)
    }

    /// A hub that takes the connection and never answers is given up after the timeout,
    /// each try, and said as timed out; a hub's error text is quoted.
    @Test(.timeLimit(.minutes(1)))
    func aHubThatNeverAnswersTimesOut() async throws {
        // Listening, never accepting: the connection is made, no answer ever comes.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        #expect(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let started = Date()
        let results = await WebSubPinger.send([WebSubPing(hub: "http://127.0.0.1:\(port)/hub", topic: "https://example.org/f.xml")],
                                              policy: PingPolicy(attempts: 2, firstDelay: 0.01, timeout: 0.5))
        #expect(results.map(\.attempts) == [2] && results.first?.failure == "timed out", "\(results)")
        #expect(Date().timeIntervalSince(started) >= 1.0, "two tries of 0.5 s")

        let hub = try RecordingHub(statuses: [422])
        let refused = await WebSubPinger.send([WebSubPing(hub: hub.url(), topic: "https://example.org/f.xml")], policy: PingPolicy(attempts: 1, firstDelay: 0.01, timeout: 5))
        #expect(refused.first?.failure?.hasPrefix("HTTP 422") == true && refused.first?.isFinal == true, "\(refused)")
    }
}
