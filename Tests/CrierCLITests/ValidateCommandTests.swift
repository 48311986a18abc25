import Foundation
import Testing
@testable import CrierCLI

/// `crier validate` run in-process through `ValidateRunner`.
@Suite struct ValidateCommandTests {
    struct Output: TextOutputStream {
        var text = ""
        mutating func write(_ string: String) { text += string }
    }

    func file(_ contents: String, name: String = "feed.xml") throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crier-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func run(_ inputs: [String], format: Validate.OutputFormat = .text, strict: Bool = false, timeout: Double = 30) -> (Int32, String, String) {
        var out = Output(), err = Output()
        let code = ValidateRunner(strict: strict, timeout: timeout).run(inputs: inputs, format: format, out: &out, err: &err)
        return (code, out.text, err.text)
    }

    static let good = """
    <?xml version="1.0" encoding="utf-8"?>
    <feed xmlns="http://www.w3.org/2005/Atom">
      <title>t</title><id>tag:example.com,2024:f</id><updated>2024-05-01T12:00:00Z</updated>
      <author><name>Ed</name></author><link rel="self" href="https://example.com/feed.xml"/>
    </feed>
    """

    @Test func validFeedExitsZero() throws {
        let (code, out, _) = run([try file(Self.good).path])
        #expect(code == 0)
        #expect(out.contains("Atom 1.0, valid"))
    }

    /// Inputs with nothing of a feed in them say so in words, not in libxml2's ("Extra
    /// content at the end of the document" for an empty file, "Document is empty" for
    /// bytes that are not XML), and an entity bomb is a limit, not a syntax error.
    @Test func emptyBinaryAndEntityBombInputsSayWhatTheyAre() throws {
        let (emptyCode, empty, _) = run([try file("").path, try file(" \n\n", name: "blank.xml").path])
        #expect(emptyCode == 1)
        #expect(empty.components(separatedBy: "[SAXError] XML is not well formed: the document is empty").count == 3, "\(empty)")
        let (binaryCode, binary, _) = run([try file("\u{1}\u{2}PK\u{3}\u{4} not xml").path])
        #expect(binaryCode == 1 && binary.contains("the document does not start with `<`"), "\(binary)")
        let laughs = """
            <?xml version="1.0"?>
            <!DOCTYPE rss [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
            \((1...9).map { "<!ENTITY \(Character(UnicodeScalar(UInt8(97 + $0)))) \"\(String(repeating: "&\(Character(UnicodeScalar(UInt8(96 + $0))));", count: 10))\">" }.joined(separator: "\n"))
            ]>
            <rss version="2.0"><channel><title>&j;</title></channel></rss>
            """
        let (bombCode, bomb, _) = run([try file(laughs).path])
        #expect(bombCode == 1 && bomb.contains("[ValidatorLimit]") && bomb.contains("billion laughs"), "\(bomb)")
    }

    @Test func errorsExitOneInCompilerStyle() throws {
        let url = try file(Self.good.replacingOccurrences(of: "2024-05-01T12:00:00Z", with: "yesterday"))
        let (code, out, _) = run([url.path])
        #expect(code == 1)
        #expect(out.contains("\(url.path):3:"))
        #expect(out.contains(": error: [InvalidRFC3339Date] "))
        #expect(!out.contains("\u{1B}["), "no colour when not asked for")
    }

    @Test func colourOnlyOnATerminalWithoutNoColor() throws {
        #expect(Validate.wantsColour(isTerminal: true, noColor: nil))
        #expect(!Validate.wantsColour(isTerminal: true, noColor: "1"))
        #expect(!Validate.wantsColour(isTerminal: true, noColor: "false"))
        // Set and empty is as if unset (no-color.org).
        #expect(Validate.wantsColour(isTerminal: true, noColor: ""))
        #expect(!Validate.wantsColour(isTerminal: false, noColor: nil))
        let url = try file(Self.good.replacingOccurrences(of: "<title>t</title>", with: ""))
        var out = Output(), err = Output()
        _ = ValidateRunner(colour: true).run(inputs: [url.path], format: .text, out: &out, err: &err)
        #expect(out.text.contains("\u{1B}[1;31merror:\u{1B}[0m"))
    }

    @Test func warningsPassUnlessStrict() throws {
        let url = try file(Self.good.replacingOccurrences(of: #"<link rel="self" href="https://example.com/feed.xml"/>"#, with: ""))
        #expect(run([url.path]).0 == 0)
        #expect(run([url.path], strict: true).0 == 1)
    }

    @Test func jsonOutputHasRulePerDiagnostic() throws {
        let url = try file(Self.good.replacingOccurrences(of: "<title>t</title>", with: ""))
        let (code, out, _) = run([url.path], format: .json)
        #expect(code == 1)
        let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        let files = object?["files"] as? [[String: Any]]
        let diagnostics = files?.first?["diagnostics"] as? [[String: Any]]
        #expect(diagnostics?.contains { $0["rule"] as? String == "MissingElement" && $0["line"] as? Int == 2 } == true)
        #expect(files?.first?["valid"] as? Bool == false)
    }

    @Test func unreadableFileExitsThree() throws {
        let (code, _, err) = run(["/nonexistent/crier/feed.xml"])
        #expect(code == 3)
        #expect(err.contains("could not read"))
        // In JSON it has the keys every input has.
        let (_, out, _) = run(["/nonexistent/crier/feed.xml"], format: .json)
        let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        let first = try #require((object?["files"] as? [[String: Any]])?.first)
        #expect(first["readable"] as? Bool == false && first["valid"] as? Bool == false && first["format"] as? String == "unknown")
        #expect(first["file"] as? String == "/nonexistent/crier/feed.xml" && (first["failure"] as? String)?.isEmpty == false)
        #expect((first["diagnostics"] as? [Any])?.isEmpty == true)
    }

    @Test func refusedConnectionIsAFetchFailure() {
        // Port 9 (discard) on the loopback interface: nothing listens, so it is refused.
        let (code, out, err) = run(["http://127.0.0.1:9/feed.xml"], timeout: 5)
        #expect(code == 3)
        #expect(!out.contains("invalid"))
        #expect(err.contains("127.0.0.1"))
    }

    @Test func unreadableWinsOverInvalid() throws {
        let bad = try file("<feed/>")
        #expect(run([bad.path, "/nonexistent/feed.xml"]).0 == 3)
    }

    @Test func httpErrorStatusIsAFetchFailure() throws {
        let server = try OneShotHTTPServer(response: "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        let (code, _, err) = run(["http://127.0.0.1:\(server.port)/feed.xml"], timeout: 5)
        #expect(code == 3)
        #expect(err.contains("404"))
    }

    @Test func fetchedFeedIsValidated() throws {
        let body = Self.good
        let server = try OneShotHTTPServer(response: "HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body)
        let (code, out, _) = run(["http://127.0.0.1:\(server.port)/feed.xml"], timeout: 5)
        #expect(code == 0)
        #expect(out.contains("valid"))
    }
}

/// Answers one HTTP request on a loopback port with a fixed response.
final class OneShotHTTPServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32

    init(response: String) throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, length) } }
        guard bound == 0, listen(sock, 1) == 0 else { close(sock); throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &length) } }
        fd = sock
        port = Int(UInt16(bigEndian: address.sin_port))
        let listener = sock
        Thread.detachNewThread {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 4096)
            _ = buffer.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
            let bytes = Array(response.utf8)
            _ = bytes.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            close(client)
        }
    }

    deinit { close(fd) }
}
