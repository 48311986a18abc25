import CrierValidation
import Foundation
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A real `crier serve` process on 127.0.0.1, for one test.
final class ServeProcess {
    let process = Process()
    let port: Int
    private let output = Pipe()

    init(in directory: URL, arguments: [String] = [], standardError: Pipe? = nil) throws {
        process.executableURL = CrierBinary.url
        process.arguments = ["serve", "--port", "0", "--interval", "0.2"] + arguments
        process.currentDirectoryURL = directory
        process.standardOutput = output
        process.standardError = standardError ?? FileHandle.standardError
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            seen += String(decoding: data, as: UTF8.self)
            if let range = seen.range(of: #"http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                let digits = seen[range].dropFirst("http://127.0.0.1:".count).dropLast()
                port = Int(digits) ?? 0
                return
            }
        }
        process.terminate()
        throw CrierBinary.Failure(description: "crier serve did not say where it listens: \(seen)")
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    func get(_ path: String) async throws -> (status: Int, body: Data, headers: [AnyHashable: Any]) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.timeoutInterval = 10
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return (http.statusCode, data, http.allHeaderFields)
    }

    /// Whether `path` comes to answer as `wanted` (status, body) within `seconds`.
    func serves(_ path: String, within seconds: Int = 10, _ wanted: (Int, String) -> Bool) async throws -> Bool {
        for _ in 0..<(seconds * 10) {
            let response = try await get(path)
            if wanted(response.status, String(decoding: response.body, as: UTF8.self)) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Waits for `/healthz` to answer 200: the first publish is done.
    func waitUntilReady() async throws {
        for _ in 0..<300 {
            if (try? await get("/healthz").status) == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CrierBinary.Failure(description: "crier serve never became ready")
    }

    /// Sends SIGTERM and waits for the process to end; returns its status.
    func stop() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

extension FileHandle {
    /// What can be read now without waiting (nothing when nothing was written yet).
    var availableDataIfAny: Data {
        var data = Data()
        var pollFD = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        while poll(&pollFD, 1, 0) > 0, pollFD.revents & Int16(POLLIN) != 0 {
            let chunk = availableData
            if chunk.isEmpty { break }
            data += chunk
        }
        return data
    }
}

extension Pipe {
    /// What is written to the pipe until it has written `text`, or ten seconds have passed.
    func read(until text: String) async throws -> String {
        var read = ""
        for _ in 0..<100 where !read.contains(text) {
            try await Task.sleep(for: .milliseconds(100))
            read += String(decoding: fileHandleForReading.availableDataIfAny, as: UTF8.self)
        }
        return read
    }
}

/// Whether a socket can be bound to ::1 here (IPv6 is off in some containers).
func canBindIPv6Loopback() -> Bool {
    let fd = socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in6()
    address.sin6_family = sa_family_t(AF_INET6)
    address.sin6_addr = in6addr_loopback
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
    } == 0
}

/// A flag one task raises and others read.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func raise() { value.store(true, ordering: .releasing) }
    var isRaised: Bool { value.load(ordering: .acquiring) }
}

@Suite(.serialized) struct ServeCommandTests {
    func site() throws -> TempFolder {
        let dir = try TempFolder()
        try dir.write("feeds/notes.yml", "title: Notes\nbase_url: https://example.org/\nposts: notes\npath: feed.xml\n")
        try dir.write("feeds/notes/2024-06-01-first.md", "---\ntitle: First\n---\nOne.\n")
        return dir
    }

    /// SIGTERM while a large feed is being read slowly: the server stops accepting,
    /// finishes sending it whole, then exits 0 (it exited at once, the rest of the body
    /// lost, when more of it was unsent than the system's buffers hold).
    @Test(.timeLimit(.minutes(2)))
    func sigtermFinishesALargeResponseInFlight() async throws {
        let dir = try site()
        let paragraph = String(repeating: "A sentence of some length to make the feed large. ", count: 200)
        for day in 1...600 {
            try dir.write("feeds/notes/2024-06-\(String(format: "%02d", day % 28 + 1))-post-\(day).md",
                          "---\ntitle: Post \(day)\n---\n\(paragraph)\n")
        }
        let server = try ServeProcess(in: dir.url, arguments: ["--interval", "600"])
        try await server.waitUntilReady()
        let port = server.port
        // Blocking work on threads of their own: on the shared pool (two threads here) it
        // would starve the servers other tests run in this process.
        async let reading = Self.onItsOwnThread { try Self.readSlowly("/feed.xml", port: port) }
        try await Task.sleep(for: .milliseconds(500))
        kill(server.process.processIdentifier, SIGTERM)
        while server.process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        #expect(server.process.terminationStatus == 0)
        let (body, declared) = try await reading
        #expect(declared > 8_000_000, "the feed is larger than the system's buffers: \(declared) bytes")
        #expect(body.count == declared, "got \(body.count) of \(declared) bytes")
        #expect(String(decoding: body.suffix(20), as: UTF8.self).contains("</feed>"))
    }

    /// What `work` returns or throws, run on a thread of its own.
    static func onItsOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    /// GETs `path` from a socket with a small receive buffer, reading 64 KiB every 10 ms
    /// (about 6 MB/s) until the declared body is in or the server closes: the body read
    /// and its declared length.
    static func readSlowly(_ path: String, port: Int) throws -> (body: [UInt8], declared: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var size: Int32 = 8192
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw CrierBinary.Failure(description: "connect: \(errno)") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var head: (end: Int, length: Int)?
        while head.map({ received.count - $0.end < $0.length }) ?? true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            received += buffer[0..<n]
            if head == nil, let end = received.indices.dropLast(3).first(where: { received[$0..<$0 + 4].elementsEqual([13, 10, 13, 10]) }) {
                let text = String(decoding: received[..<end], as: UTF8.self).lowercased()
                let length = text.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                head = (end + 4, length)
            }
            usleep(10_000)
        }
        guard let head else { return ([], 0) }
        return (Array(received[head.end...]), head.length)
    }

    /// A port already taken, or a host that is not this machine's, is one line naming
    /// the address (it was NIO's `bind(descriptor:ptr:bytes:)` message, or a
    /// `SocketAddressError`), exit 1; an IPv6 address is written in brackets.
    @Test func aServerThatCannotListenSaysWhereAndWhy() async throws {
        let dir = try site()
        let first = try ServeProcess(in: dir.url)
        let taken = try CrierBinary.run(["serve", "--port", String(first.port)], in: dir.url)
        #expect(taken.status == 1)
        #expect(taken.stderr.contains("cannot listen on 127.0.0.1:\(first.port): Address already in use"), "\(taken.stderr)")
        #expect(!taken.stderr.contains("bind("), "\(taken.stderr)")
        #expect(first.stop() == 0)

        let unknown = try CrierBinary.run(["serve", "--host", "no-such-host.invalid", "--port", "0"], in: dir.url)
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("cannot listen on no-such-host.invalid:0: no such host ("), "\(unknown.stderr)")
        #expect(!unknown.stderr.contains("SocketAddressError"), "\(unknown.stderr)")

        // Where this machine has an IPv6 loopback address.
        guard canBindIPv6Loopback() else { return }
        let v6 = Process()
        v6.executableURL = CrierBinary.url
        v6.arguments = ["serve", "--host", "::1", "--port", "0"]
        v6.currentDirectoryURL = dir.url
        let out = Pipe()
        v6.standardOutput = out
        try v6.run()
        let line = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        v6.terminate()
        v6.waitUntilExit()
        #expect(line.range(of: #"on http://\[::1\]:\d+/"#, options: .regularExpression) != nil, "\(line)")
    }

    @Test func aPostAddedWhileServingAppearsInTheServedFeed() async throws {
        let dir = try site()
        let server = try ServeProcess(in: dir.url)
        try await server.waitUntilReady()
        let first = try await server.get("/feed.xml")
        #expect(first.status == 200)
        #expect(String(decoding: first.body, as: UTF8.self).contains("<title>First</title>"))

        try dir.write("feeds/notes/2024-06-02-second.md", "---\ntitle: Second\n---\nTwo.\n")
        var found = false
        for _ in 0..<100 where !found {
            try await Task.sleep(for: .milliseconds(100))
            found = String(decoding: try await server.get("/feed.xml").body, as: UTF8.self).contains("<title>Second</title>")
        }
        #expect(found, "the new post is served within ten seconds")
        #expect(server.stop() == 0, "SIGTERM ends the server cleanly")
    }

    /// The feed definitions are read again for every republish: an edit shows, a new
    /// definition is published, and one that breaks leaves the last good feeds served.
    @Test func aFeedDefinitionEditedWhileServingIsPublishedAsEdited() async throws {
        let dir = try site()
        let errors = Pipe()
        let server = try ServeProcess(in: dir.url, standardError: errors)
        try await server.waitUntilReady()
        #expect(String(decoding: try await server.get("/feed.xml").body, as: UTF8.self).contains("<title>Notes</title>"))
        try dir.write("feeds/notes.yml", "title: Jottings\nbase_url: https://example.org/\nposts: notes\npath: feed.xml\n")
        #expect(try await server.serves("/feed.xml") { $0 == 200 && $1.contains("<title>Jottings</title>") }, "the edited title is served")

        try dir.write("feeds/more.yml", "title: More\nbase_url: https://example.org/\nposts: notes\npath: more.xml\n")
        #expect(try await server.serves("/more.xml") { $0 == 200 && $1.contains("<title>More</title>") }, "a new definition is published")

        // Broken: said on standard error, and the last good feed stays served.
        try dir.write("feeds/notes.yml", "title: [Broken\nbase_url: https://example.org/\nposts: notes\npath: feed.xml\n")
        var said = try await errors.read(until: "notes.yml")
        #expect(said.contains("feeds/notes.yml"), "\(said)")
        #expect(String(decoding: try await server.get("/feed.xml").body, as: UTF8.self).contains("<title>Jottings</title>"))

        try dir.write("feeds/notes.yml", "title: Mended\nbase_url: https://example.org/\nposts: notes\npath: feed.xml\n")
        #expect(try await server.serves("/feed.xml") { $0 == 200 && $1.contains("<title>Mended</title>") }, "the mended definition is published")

        // The folder gone: said, and the feeds stay served.
        try FileManager.default.removeItem(at: dir.url.appendingPathComponent("feeds"))
        said = try await errors.read(until: "no feed definitions folder")
        #expect(said.contains("nothing published, the served feeds stay as they were"), "\(said)")
        #expect(String(decoding: try await server.get("/feed.xml").body, as: UTF8.self).contains("<title>Mended</title>"))
        #expect(server.stop() == 0)
    }

    /// With --keep-going the others are published, and a broken definition is said once,
    /// then again only when what is wrong with it changes.
    @Test func withKeepGoingABrokenDefinitionIsSaidOnceWhileTheOthersArePublished() async throws {
        let dir = try site()
        try dir.write("feeds/other.yml", "title: [Broken\n")
        let errors = Pipe()
        let server = try ServeProcess(in: dir.url, arguments: ["--keep-going"], standardError: errors)
        try await server.waitUntilReady()
        #expect(String(decoding: try await server.get("/feed.xml").body, as: UTF8.self).contains("<title>Notes</title>"))
        // Several republishes (every 0.2 s).
        try await Task.sleep(for: .milliseconds(1_500))
        var said = String(decoding: errors.fileHandleForReading.availableDataIfAny, as: UTF8.self)
        #expect(said.components(separatedBy: "feeds/other.yml").count == 2, "said once: \(said)")

        try dir.write("feeds/other.yml", "title: Other\nbase_url: https://example.org/\nposts: notes\npath: other.xml\n")
        #expect(try await server.serves("/other.xml") { $0 == 200 && $1.contains("<title>Other</title>") }, "mended, it is published")
        try dir.write("feeds/other.yml", "title: [Broken again\n")
        said = try await errors.read(until: "feeds/other.yml")
        #expect(said.contains("feeds/other.yml"), "broken again, it is said again: \(said)")
        #expect(String(decoding: try await server.get("/other.xml").body, as: UTF8.self).contains("<title>Other</title>"))
        #expect(server.stop() == 0)
    }

    @Test func everyResponseIsACompleteValidFeedWhileFeedsAreRepublished() async throws {
        let dir = try site()
        let server = try ServeProcess(in: dir.url)
        try await server.waitUntilReady()
        let editing = Flag()
        let editor = Task.detached {
            defer { editing.raise() }
            for round in 0..<30 {
                try dir.write("feeds/notes/2024-07-01-busy.md", "---\ntitle: Busy \(round)\n---\n" + String(repeating: "Text \(round). ", count: 2000) + "\n")
                try await Task.sleep(for: .milliseconds(70))
            }
        }
        let port = server.port
        let bodies = try await withThrowingTaskGroup(of: [(Int, Data)].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    var results: [(Int, Data)] = []
                    // Read for as long as the posts are being edited (bounded in count).
                    while results.count < 25 || (!editing.isRaised && results.count < 400) {
                        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/feed.xml")!)
                        results.append(((response as! HTTPURLResponse).statusCode, data))
                    }
                    return results
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        try await editor.value
        #expect(bodies.count >= 200)
        var titles = Set<String>()
        for (status, body) in bodies {
            #expect(status == 200)
            let report = FeedValidator.validate(bytes: Array(body), fileName: "feed.xml")
            #expect(report.format == .atom && !report.hasErrors, "\(report.diagnostics.prefix(3))")
            if let range = String(decoding: body, as: UTF8.self).range(of: #"Busy \d+"#, options: .regularExpression) {
                titles.insert(String(String(decoding: body, as: UTF8.self)[range]))
            }
        }
        #expect(titles.count > 1, "feeds really were republished during the burst")
        #expect(server.stop() == 0)
    }
}
