// The only importer of CCurl. Full Foundation is safe here: this module never imports
// CLibXML2 (see ARCHITECTURE.md on the ICU clash), and networking is kept out of CrierXML.
import CCurl
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking  // HTTPURLResponse.localizedString(forStatusCode:)
#endif

/// A feed that could not be fetched: DNS failure, refused connection, HTTP error status,
/// redirect out of HTTP, timeout, or a body over the size limit. Never a verdict on the
/// feed itself.
public struct FetchError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, after the URL (`https://example.org/feed.xml: HTTP 404 Not Found`).
    public var message: String
    /// `message`.
    public var description: String { message }
}

/// Fetches a feed over HTTP(S) with a timeout and a size limit.
public enum FeedFetcher {
    /// Redirects followed before giving up.
    static let redirectLimit = 10

    static let accept = "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5"

    /// Downloads `url`'s body, decompressed, into the file open for writing at `file` (at
    /// its current offset), and returns its size: the body is never held in memory, so a
    /// feed of any size allowed is validated from the file in flat memory. Throws
    /// `FetchError` on any network failure, on a status other than 2xx, on a redirect to
    /// anything but an http(s) URL, when the whole fetch (redirects and body included) takes
    /// more than `timeout` seconds, when the file cannot be written, and when the body
    /// exceeds `maxBytes`: a `Content-Length` over it is refused before the body is read,
    /// and the body is counted as it arrives, decompressed, and the transfer stopped as soon
    /// as it passes the limit (an endless body or a gzip bomb fills neither memory nor disk).
    /// After a failure the file may hold part of a body.
    @discardableResult
    public static func download(_ url: String, into file: Int32, timeout: TimeInterval = 30, maxBytes: Int = 1 << 30) throws(FetchError) -> Int {
        guard let target = URL(string: url), isHTTP(target) else {
            throw FetchError(message: "\(url): not an http(s) URL")
        }
        let deadline = ContinuousClock.now + .milliseconds(Int64((timeout * 1000).rounded(.up)))
        return try fetchWithCurl(url, target, into: file, timeout: timeout, deadline: deadline, maxBytes: maxBytes)
    }

    static func isHTTP(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else { return false }
        return url.host?.isEmpty == false
    }

    /// `30 s`, `0.5 s`.
    static func seconds(_ timeout: TimeInterval) -> String {
        timeout == timeout.rounded() && timeout < 1e15 ? "\(Int(timeout)) s" : "\(timeout) s"
    }

    static func statusMessage(_ status: Int) -> String {
        "HTTP \(status) \(HTTPURLResponse.localizedString(forStatusCode: status))"
    }

    static func limitMessage(maxBytes: Int, encoding: String?) -> String {
        "the body is over the \(maxBytes)-byte limit" + (encoding.map { " once decompressed (Content-Encoding: \($0))" } ?? "")
    }

    static func declaredMessage(_ length: Int64, maxBytes: Int) -> String {
        "the body is \(length) bytes, over the \(maxBytes)-byte limit"
    }

    static func redirectMessage(to location: String) -> String {
        "redirected to \(location), which is not an http(s) URL; refused"
    }

    static func timeoutMessage(_ timeout: TimeInterval, answered: Bool, received: Int) -> String {
        "timed out after \(seconds(timeout))"
            + (answered ? " with the body incomplete (\(received) byte\(received == 1 ? "" : "s") received)" : " waiting for the server to answer")
    }

    private static func remaining(until deadline: ContinuousClock.Instant) -> Duration {
        deadline - ContinuousClock.now
    }

    /// At least 1.
    private static func milliseconds(_ duration: Duration) -> Int {
        max(1, Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000))
    }
}

// MARK: - libcurl

extension FeedFetcher {
    /// Fetches through libcurl's easy interface. Not URLSession: on Linux URLSession is
    /// libcurl too, but it hands the data to its delegate queue and goes on, decoding all
    /// that the socket holds (a 1.5 MB gzip bomb: all 1.5 GB, queued in memory, before the
    /// delegate saw its second piece), and it ignores a `.cancel` disposition; a transfer can
    /// only be stopped at once from inside libcurl's own callbacks. Redirects are followed
    /// here, one transfer each, so that each target's scheme is checked and the deadline
    /// spans them all.
    fileprivate static func fetchWithCurl(_ url: String, _ target: URL, into file: Int32, timeout: TimeInterval,
                                          deadline: ContinuousClock.Instant, maxBytes: Int) throws(FetchError) -> Int {
        var current = target
        var redirects = 0
        while true {
            // Where a failure happened, when it was not at the URL asked for.
            let at = current == target ? "" : " (after a redirect to \(current.absoluteString))"
            let left = remaining(until: deadline)
            guard left > .zero else {
                throw FetchError(message: "\(url): " + timeoutMessage(timeout, answered: false, received: 0) + at)
            }
            switch Curl.transfer(current.absoluteString, into: file, timeoutMilliseconds: milliseconds(left), maxBytes: maxBytes) {
            case .body(let count):
                return count
            case .failure(let failure):
                let text = failure.isTimeout ? timeoutMessage(timeout, answered: failure.answered, received: failure.received) : failure.text
                throw FetchError(message: "\(url): \(text)\(at)")
            case .redirect(let status, let location):
                guard let next = URL(string: location, relativeTo: current)?.absoluteURL else {
                    throw FetchError(message: "\(url): \(statusMessage(status)) to \(location), which is not a URL\(at)")
                }
                guard isHTTP(next) else {
                    throw FetchError(message: "\(url): " + redirectMessage(to: next.absoluteString) + at)
                }
                redirects += 1
                guard redirects <= redirectLimit else {
                    throw FetchError(message: "\(url): redirected more than \(redirectLimit) times (the last to \(next.absoluteString))")
                }
                current = next
            }
        }
    }
}

/// What one libcurl transfer came to.
private enum CurlOutcome {
    struct Failure {
        var text: String
        var isTimeout = false
        /// The response's headers had arrived (for a timeout).
        var answered = false
        /// Body bytes received (for a timeout).
        var received = 0
    }

    /// The body's size; the body is in the file.
    case body(Int)
    case redirect(status: Int, location: String)
    case failure(Failure)
}

/// One GET at a time through libcurl's easy interface (the CCurl module). Options are set
/// through the shim's typed wrappers, which make `curl_easy_setopt`'s variadic call in C,
/// as Swift cannot.
private enum Curl {
    /// One GET of `url`, redirects not followed; the body goes to `file`.
    static func transfer(_ url: String, into file: Int32, timeoutMilliseconds: Int, maxBytes: Int) -> CurlOutcome {
        guard let curl = CurlEasy(headerLines: ["Accept: " + FeedFetcher.accept, "Expect:"]) else {
            return .failure(.init(text: "libcurl could not start a transfer"))
        }
        let easy = curl.handle
        let receiver = CurlReceiver(maxBytes: maxBytes, file: file)
        let context = Unmanaged.passUnretained(receiver).toOpaque()
        let write: curl_write_callback = { data, size, count, context in
            let receiver = Unmanaged<CurlReceiver>.fromOpaque(context!).takeUnretainedValue()
            return receiver.body(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
        }
        let header: curl_write_callback = { data, size, count, context in
            let receiver = Unmanaged<CurlReceiver>.fromOpaque(context!).takeUnretainedValue()
            return receiver.header(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
        }

        var refused: (option: CURLoption, code: CURLcode)?
        func check(_ option: CURLoption, _ code: CURLcode) {
            if code != CURLE_OK && refused == nil { refused = (option, code) }
        }
        func set(_ option: CURLoption, _ value: Int) { check(option, crier_curl_setopt_long(easy, option, value)) }
        func set(_ option: CURLoption, _ value: String) { check(option, crier_curl_setopt_string(easy, option, value)) }
        func set(_ option: CURLoption, _ value: UnsafeMutableRawPointer) { check(option, crier_curl_setopt_pointer(easy, option, value)) }
        func set(_ option: CURLoption, _ value: curl_write_callback) { check(option, crier_curl_setopt_write_callback(easy, option, value)) }
        set(CURLOPT_URL, url)
        set(CURLOPT_USERAGENT, "Crier feed validator")
        if let code = curl.refused { check(CURLOPT_HTTPHEADER, code) }
        set(CURLOPT_ACCEPT_ENCODING, "")  // every encoding libcurl decodes; the body arrives decoded
        set(CURLOPT_FOLLOWLOCATION, 0)
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_TIMEOUT_MS, timeoutMilliseconds)
        set(CURLOPT_CONNECTTIMEOUT_MS, timeoutMilliseconds)
        set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        set(CURLOPT_WRITEFUNCTION, write)
        set(CURLOPT_WRITEDATA, context)
        set(CURLOPT_HEADERFUNCTION, header)
        set(CURLOPT_HEADERDATA, context)
        check(CURLOPT_OPENSOCKETFUNCTION, crier_curl_close_sockets_on_exec(easy))
        if let refused {
            return .failure(.init(text: "libcurl refused option \(refused.option.rawValue) (\(String(cString: curl_easy_strerror(refused.code))))"))
        }
        // The URL and every redirect are checked to be http(s) before they get here; this is
        // only a second fence, and a libcurl built without HTTPS refuses it.
        _ = crier_curl_allow_only_http(easy)

        let code = withExtendedLifetime((receiver, curl)) { curl_easy_perform(easy) }
        if let stop = receiver.stop {
            switch stop {
            case .status(let status): return .failure(.init(text: FeedFetcher.statusMessage(status)))
            case .redirect(let status, let location): return .redirect(status: status, location: location)
            case .declared(let length):
                return .failure(.init(text: FeedFetcher.declaredMessage(length, maxBytes: maxBytes)))
            case .overLimit: return .failure(.init(text: FeedFetcher.limitMessage(maxBytes: maxBytes, encoding: receiver.encoding)))
            case .notStored(let error):
                return .failure(.init(text: "the body could not be stored in a temporary file (\(String(cString: strerror(error))))"))
            }
        }
        if code == CURLE_OK {
            // A response with no blank line after its headers never reached `header`'s checks.
            if let status = receiver.status, !(200..<300).contains(status) { return .failure(.init(text: FeedFetcher.statusMessage(status))) }
            return .body(receiver.received)
        }
        let detail = curl.detail(code)
        return .failure(failure(code, detail: detail, receiver: receiver))
    }

    /// libcurl's codes in words.
    private static func failure(_ code: CURLcode, detail: String, receiver: CurlReceiver) -> CurlOutcome.Failure {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .init(text: "timed out", isTimeout: true, answered: receiver.answered, received: receiver.received)
        case CURLE_COULDNT_RESOLVE_PROXY: return .init(text: "could not resolve the proxy's host name (\(detail))")
        case CURLE_COULDNT_RESOLVE_HOST: return .init(text: "could not resolve the host name (\(detail))")
        case CURLE_COULDNT_CONNECT: return .init(text: "could not connect (\(detail))")
        case CURLE_PARTIAL_FILE: return .init(text: "the connection closed before the whole body arrived (\(detail))")
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_PEER_FAILED_VERIFICATION, CURLE_USE_SSL_FAILED, CURLE_SSL_ENGINE_INITFAILED,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT:
            return .init(text: "the TLS connection failed (\(detail))")
        case CURLE_GOT_NOTHING: return .init(text: "the server closed the connection without answering")
        case CURLE_SEND_ERROR: return .init(text: "the request could not be sent (\(detail))")
        case CURLE_RECV_ERROR: return .init(text: "the connection failed while receiving (\(detail))")
        case CURLE_BAD_CONTENT_ENCODING: return .init(text: "the body could not be decompressed (\(detail))")
        default: return .init(text: detail)
        }
    }
}

/// A transfer's state, reached from libcurl's callbacks on the thread running the transfer.
private final class CurlReceiver {
    enum Stop {
        case status(Int)
        case redirect(Int, String)
        case declared(Int64)
        case overLimit
        /// Writing the body to the file failed with this `errno`.
        case notStored(Int32)
    }

    let maxBytes: Int
    /// Where the body goes.
    let file: Int32
    /// Body bytes written to `file`.
    private(set) var received = 0
    private(set) var status: Int?
    private(set) var encoding: String?
    private(set) var stop: Stop?
    /// The final response's headers are all in.
    private(set) var answered = false
    private var length: Int64?
    private var location: String?

    init(maxBytes: Int, file: Int32) {
        self.maxBytes = maxBytes
        self.file = file
    }

    /// One header line, the status line or the blank line that ends them; false stops the
    /// transfer.
    func header(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let line = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            // A new response (after a 1xx): forget the last one's headers.
            let parts = line.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) : nil
            length = nil
            location = nil
            encoding = nil
            answered = false
            return true
        }
        if answered { return true }  // trailers after a chunked body
        if line.isEmpty {
            guard let status, status >= 200 else { return true }  // 1xx: the real response follows
            if (300..<400).contains(status), let location {
                stop = .redirect(status, location)
                return false
            }
            if !(200..<300).contains(status) {
                stop = .status(status)
                return false
            }
            if let length, length > Int64(maxBytes) {
                stop = .declared(length)
                return false
            }
            answered = true
            return true
        }
        guard let colon = line.firstIndex(of: ":") else { return true }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        switch name {
        case "content-length": length = Int64(value)
        case "location": location = value
        case "content-encoding" where !value.isEmpty && value.lowercased() != "identity": encoding = value
        default: break
        }
        return true
    }

    /// Decoded body bytes, written to the file; false (stop) as soon as they pass the
    /// limit, or when the file cannot take them.
    func body(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard received + bytes.count <= maxBytes else {
            stop = .overLimit
            return false
        }
        var offset = 0
        while offset < bytes.count {
            let n = write(file, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                stop = .notStored(errno)
                return false
            }
            offset += n
        }
        received += bytes.count
        return true
    }
}
