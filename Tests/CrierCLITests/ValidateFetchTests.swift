import Foundation
import Testing
@testable import CrierCLI

/// `crier validate URL` against servers that misbehave: bodies that never end, gzip bombs,
/// servers that never answer or answer a byte at a time, redirects out of HTTP.
@Suite struct ValidateFetchTests {
    struct Output: TextOutputStream {
        var text = ""
        mutating func write(_ string: String) { text += string }
    }

    func run(_ url: String, timeout: Double = 30, maxBytes: Int = 1 << 30) -> (code: Int32, out: String, err: String) {
        var out = Output(), err = Output()
        let code = ValidateRunner(timeout: timeout, maxBytes: maxBytes).run(inputs: [url], format: .text, out: &out, err: &err)
        return (code, out.text, err.text)
    }

    static let feed = """
        <?xml version="1.0" encoding="utf-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom">
          <title>t</title><id>tag:example.com,2024:f</id><updated>2024-05-01T12:00:00Z</updated>
          <author><name>Ed</name></author><link rel="self" href="https://example.com/feed.xml"/>
        </feed>
        """

    /// A body with no Content-Length that never ends: the client hangs up soon after the
    /// limit, not hundreds of megabytes later, and its memory stays near the limit. (How far
    /// past the limit URLSession went depended on how its delegate queue kept up, from 5 MB
    /// to 4 GB: three fetches, so that luck does not pass for a bound.)
    @Test func anEndlessBodyIsCutOffAtTheLimit() throws {
        let server = try ScriptedHTTPServer { connection in
            guard connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n<rss version=\"2.0\"><channel><title>") else { return }
            let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 65536)
            for _ in 0..<(32 * 1024) where !connection.send(chunk) { return }  // 2 GiB at most
        }
        for _ in 0..<3 {
            let run = try MeasuredRun.run(["validate", server.url + "/inf", "--max-bytes", "1000000"])
            #expect(run.status == 3)
            #expect(run.stderr.contains("/inf: error: could not read: the body is over the 1000000-byte limit"), "\(run.stderr)")
            #expect(run.peakResident > 0 && run.peakResident < 120_000_000, "peak resident size \(run.peakResident) bytes")
            #expect(server.waitUntilIdle(seconds: 20), "the client never hung up")
        }
        // 1 MB read, and what the loopback socket's buffers held besides (3 to 5 MB).
        #expect(server.bytesSentPerConnection.count == 3)
        #expect(server.bytesSentPerConnection.allSatisfy { $0 < 16_000_000 }, "served \(server.bytesSentPerConnection) bytes")
    }

    /// A large feed is downloaded into a temporary file and validated from there, as a file
    /// is: memory stays flat, not the size of the body (64 MB here), and the file is gone
    /// afterwards.
    @Test func aLargeFeedIsValidatedInFlatMemoryAndLeavesNoTemporaryFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crier-tmp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let filler = String(repeating: "Words of an item, as many as a long post holds. ", count: 40)
        let server = try ScriptedHTTPServer { connection in
            guard connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n"
                                  + "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Big</title><link>https://example.com/</link>"
                                  + "<description>A large feed.</description>\n") else { return }
            var sent = 0, item = 0
            while sent < 64_000_000 {
                let text = "<item><title>Item \(item)</title><link>https://example.com/\(item)</link><guid>https://example.com/\(item)</guid>"
                    + "<description>\(filler)</description></item>\n"
                guard connection.send(text) else { return }
                sent += text.utf8.count
                item += 1
            }
            connection.send("</channel></rss>\n")
        }
        let run = try MeasuredRun.run(["validate", server.url + "/big.xml"], environment: ["TMPDIR": folder.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.peakResident > 0 && run.peakResident < 80_000_000, "peak resident size \(run.peakResident) bytes")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "the download was left behind")
    }

    /// A gzip bomb whose compressed size is within the limit: it is the decompressed bytes
    /// that are counted, and the transfer stops as soon as they pass the limit, long before
    /// the 650 MB it would decompress to.
    @Test func aGzipBombStopsAtTheLimitDecompressed() throws {
        let bomb = GzipBomb.make(decompressedRuns: 2_500_000)  // 4 MB, 645 MB decompressed
        let server = try ScriptedHTTPServer { connection in
            connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Encoding: gzip\r\nContent-Length: \(bomb.count)\r\nConnection: close\r\n\r\n")
            connection.send(bomb)
        }
        let run = try MeasuredRun.run(["validate", server.url + "/bomb", "--max-bytes", "5000000"])
        #expect(run.status == 3)
        #expect(run.stderr.contains("the body is over the 5000000-byte limit once decompressed (Content-Encoding: gzip)"), "\(run.stderr)")
        #expect(run.peakResident > 0 && run.peakResident < 120_000_000, "peak resident size \(run.peakResident) bytes")
    }

    /// A Content-Length over the limit is refused on the headers: the body (here a byte
    /// every 50 ms, 30 s in all) is not waited for, and the client hangs up.
    @Test func aContentLengthOverTheLimitIsRefusedAtOnce() throws {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 10000000000\r\n\r\n<"
        let server = try ScriptedHTTPServer { connection in
            guard connection.send(head) else { return }
            for _ in 0..<600 {
                usleep(50_000)
                if !connection.send("a") { return }
            }
        }
        let (code, _, err) = run(server.url + "/big", timeout: 60, maxBytes: 1_000_000)
        #expect(code == 3)
        #expect(err.contains("the body is 10000000000 bytes, over the 1000000-byte limit"), "\(err)")
        #expect(server.waitUntilIdle(seconds: 20), "the client never hung up")
        // Bytes, not seconds: the server noticed the hang-up long before the body's end.
        #expect(server.bytesSentPerConnection.allSatisfy { $0 < head.utf8.count + 300 }, "served \(server.bytesSentPerConnection) bytes")
    }

    /// A server that accepts the connection and never answers: "timed out", in words, at
    /// the timeout.
    @Test func aServerThatNeverAnswersTimesOutInWords() throws {
        let server = try ScriptedHTTPServer { connection in connection.waitForClose() }
        let (code, _, err) = run(server.url + "/silent", timeout: 1)
        #expect(code == 3)
        #expect(err.contains("/silent: error: could not read: timed out after 1 s waiting for the server to answer"), "\(err)")
        #expect(!err.contains("NSURLErrorDomain"))
        // The server waits 30 s for the client to hang up.
        #expect(server.waitUntilIdle(seconds: 20), "the client never hung up")
    }

    static let tricklingHead = "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close\r\n\r\n"

    /// A server that sends `tricklingHead`, then a space every `microseconds`, 300 in all,
    /// until the client hangs up.
    static func tricklingServer(every microseconds: UInt32) throws -> ScriptedHTTPServer {
        try ScriptedHTTPServer { connection in
            guard connection.send(tricklingHead) else { return }
            for _ in 0..<300 {
                if !connection.send(" ") { return }
                usleep(microseconds)
            }
        }
    }

    /// A byte every 200 ms never lets an idle timeout fire; the timeout is for the whole
    /// fetch, so it stops at the timeout, not at the end of the 60 s body. (3.5 s leaves a
    /// thread starved on a loaded host room to read the headers first.)
    @Test func aTricklingBodyStopsAtTheTimeout() throws {
        let head = Self.tricklingHead
        let server = try Self.tricklingServer(every: 200_000)
        let (code, _, err) = run(server.url + "/slow", timeout: 3.5)
        #expect(code == 3)
        #expect(err.contains("/slow: error: could not read: timed out after 3.5 s with the body incomplete ("), "\(err)")
        #expect(server.waitUntilIdle(seconds: 20), "the client never hung up")
        // Bytes, not seconds: the client hung up long before the body's 300 bytes were out.
        #expect(server.bytesSentPerConnection.allSatisfy { $0 < head.utf8.count + 100 }, "served \(server.bytesSentPerConnection) bytes")
    }

    /// A fetch's connection is close-on-exec: a process started while a feed is fetched
    /// in-process does not inherit it and keep it open after libcurl has closed it. (It
    /// did: a test spawning crier meanwhile kept a trickling fetch's connection open for a
    /// minute.) Checked on the client's own socket while the body arrives, found by its
    /// peer, the server's port.
    @Test func aFetchsConnectionIsClosedOnExec() throws {
        let head = Self.tricklingHead
        let server = try Self.tricklingServer(every: 100_000)
        let fetched = DispatchSemaphore(value: 0)
        let url = server.url + "/slow"
        Thread.detachNewThread {
            _ = run(url, timeout: 2)
            fetched.signal()
        }
        let start = Date()
        while server.bytesSent < head.utf8.count + 3 && Date().timeIntervalSince(start) < 10 { usleep(10_000) }
        // Every descriptor of this process connected to the server (the fetch's socket).
        var closeOnExec: [Bool] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            guard let fd = Int32(name) else { continue }
            var peer = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &peer) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) } }
            guard named == 0, peer.sin_family == sa_family_t(AF_INET), Int(UInt16(bigEndian: peer.sin_port)) == server.port else { continue }
            let flags = fcntl(fd, F_GETFD)
            closeOnExec.append(flags >= 0 && flags & FD_CLOEXEC != 0)
        }
        #expect(closeOnExec == [true], "the fetch's sockets, close-on-exec or not: \(closeOnExec)")
        #expect(fetched.wait(timeout: .now() + 20) == .success, "the fetch did not end")
    }

    /// Redirects are followed (a relative Location too) while they stay in HTTP; one to
    /// file: is refused and said so, naming where it led; a loop ends in words.
    @Test func redirectsAreFollowedOnlyWithinHTTP() throws {
        let body = Self.feed
        let server = try ScriptedHTTPServer { connection in
            switch connection.path {
            case "/moved": connection.send("HTTP/1.1 301 Moved Permanently\r\nLocation: feed.xml\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            case "/feed.xml":
                connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body)
            case "/away": connection.send("HTTP/1.1 302 Found\r\nLocation: /file\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            case "/file": connection.send("HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            default: connection.send("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            }
        }
        let moved = run(server.url + "/moved", timeout: 10)
        #expect(moved.code == 0, "\(moved.err)")
        #expect(moved.out.contains("/moved: Atom 1.0, valid"), "\(moved.out)")

        let away = run(server.url + "/away", timeout: 10)
        #expect(away.code == 3)
        #expect(away.err.contains("/away: error: could not read: redirected to file:///etc/passwd, which is not an http(s) URL; refused (after a redirect to \(server.url)/file)"), "\(away.err)")

        let loop = run(server.url + "/loop", timeout: 10)
        #expect(loop.code == 3)
        #expect(loop.err.contains("redirected more than 10 times (the last to \(server.url)/loop)"), "\(loop.err)")
    }

    /// A body sent gzip- or deflate-encoded (the client says it takes both) arrives
    /// decoded, and checks as the feed it is.
    @Test(arguments: ["gzip", "deflate"]) func anEncodedBodyIsDecoded(encoding: String) throws {
        let body = Array(Self.feed.utf8)
        let encoded = encoding == "gzip" ? StoredDeflate.gzip(body) : StoredDeflate.zlib(body)
        let server = try ScriptedHTTPServer { connection in
            connection.send("HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\nContent-Encoding: \(encoding)\r\nContent-Length: \(encoded.count)\r\nConnection: close\r\n\r\n")
            connection.send(encoded)
        }
        let feed = run(server.url + "/feed", timeout: 10)
        #expect(feed.code == 0, "\(feed.err)")
        #expect(feed.out.contains("/feed: Atom 1.0, valid"), "\(feed.out)")
    }

    /// An error status and a body cut short are said in words, not as library codes.
    @Test func failedFetchesAreSaidInWords() throws {
        let server = try ScriptedHTTPServer { connection in
            switch connection.path {
            case "/gone": connection.send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            default: connection.send("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n<feed")  // and hangs up
            }
        }
        let gone = run(server.url + "/gone", timeout: 10)
        #expect(gone.code == 3)
        #expect(gone.err.contains("/gone: error: could not read: HTTP 404 Not Found"), "\(gone.err)")

        let short = run(server.url + "/short", timeout: 10)
        #expect(short.code == 3)
        #expect(short.err.contains("/short: error: could not read: the connection closed before the whole body arrived ("), "\(short.err)")
    }
}
