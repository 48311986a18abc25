// Full Foundation is safe here: this module never imports CLibXML2 (see ARCHITECTURE.md on
// the ICU clash), and networking is kept out of CrierXML.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
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

    /// Downloads `url`'s body. Throws `FetchError` on any network failure, on a status other
    /// than 2xx, on a redirect to anything but an http(s) URL, when the whole fetch (redirects
    /// and body included) takes more than `timeout` seconds, and when the body exceeds
    /// `maxBytes`: a `Content-Length` over it is refused before the body is read, and the
    /// body is counted as it arrives, decompressed, and the transfer stopped as soon as it
    /// passes the limit (so neither an endless body nor a gzip bomb is held in memory).
    public static func fetch(_ url: String, timeout: TimeInterval = 30, maxBytes: Int = 1 << 30) throws(FetchError) -> [UInt8] {
        guard let target = URL(string: url), isHTTP(target) else {
            throw FetchError(message: "\(url): not an http(s) URL")
        }
        let deadline = ContinuousClock.now + .milliseconds(Int64((timeout * 1000).rounded(.up)))
        #if canImport(Glibc)
        if let curl = Curl.library {
            return try fetchWithCurl(curl, url, target, timeout: timeout, deadline: deadline, maxBytes: maxBytes)
        }
        #endif
        return try fetchWithSession(url, target, timeout: timeout, deadline: deadline, maxBytes: maxBytes)
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

// MARK: - libcurl (Linux)

#if canImport(Glibc)
extension FeedFetcher {
    /// Fetches through libcurl, called directly rather than through URLSession. On Linux
    /// URLSession is libcurl too, but it hands the data to its delegate queue and goes on,
    /// decoding all that the socket holds (a 1.5 MB gzip bomb: all 1.5 GB, queued in memory,
    /// before the delegate saw its second piece), and it ignores a `.cancel` disposition; a
    /// transfer can only be stopped at once from inside libcurl's own callbacks. Redirects are followed here, one
    /// transfer each, so that each target's scheme is checked and the deadline spans them all.
    fileprivate static func fetchWithCurl(_ curl: Curl, _ url: String, _ target: URL, timeout: TimeInterval,
                                          deadline: ContinuousClock.Instant, maxBytes: Int) throws(FetchError) -> [UInt8] {
        var current = target
        var redirects = 0
        while true {
            // Where a failure happened, when it was not at the URL asked for.
            let at = current == target ? "" : " (after a redirect to \(current.absoluteString))"
            let left = remaining(until: deadline)
            guard left > .zero else {
                throw FetchError(message: "\(url): " + timeoutMessage(timeout, answered: false, received: 0) + at)
            }
            switch curl.transfer(current.absoluteString, timeoutMilliseconds: milliseconds(left), maxBytes: maxBytes) {
            case .body(let bytes):
                return bytes
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

    case body([UInt8])
    case redirect(status: Int, location: String)
    case failure(Failure)
}

/// libcurl's easy interface, looked up in the libcurl FoundationNetworking already loads.
/// The option numbers and codes are libcurl's ABI (curl.h), unchanged since libcurl.so.4.
/// `curl_easy_setopt` is variadic; it is called here through non-variadic function types,
/// which on Linux (x86-64 and AArch64) pass an integer or pointer argument the same way.
private struct Curl: @unchecked Sendable {
    // Immutable C function pointers: @unchecked Sendable is safe.
    typealias Handle = OpaquePointer
    typealias WriteFunction = @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int

    let easyInit: @convention(c) () -> Handle?
    let setoptLong: @convention(c) (Handle, Int32, Int) -> Int32
    let setoptPointer: @convention(c) (Handle, Int32, UnsafeRawPointer?) -> Int32
    let perform: @convention(c) (Handle) -> Int32
    let cleanup: @convention(c) (Handle) -> Void
    let strerror: @convention(c) (Int32) -> UnsafePointer<CChar>?
    let slistAppend: @convention(c) (OpaquePointer?, UnsafePointer<CChar>) -> OpaquePointer?
    let slistFreeAll: @convention(c) (OpaquePointer?) -> Void

    // Options (curl.h: CURLOPTTYPE_LONG 0, OBJECTPOINT 10000, FUNCTIONPOINT 20000).
    static let writeData: Int32 = 10_001
    static let url: Int32 = 10_002
    static let errorBuffer: Int32 = 10_010
    static let writeFunction: Int32 = 20_011
    static let userAgent: Int32 = 10_018
    static let httpHeader: Int32 = 10_023
    static let headerData: Int32 = 10_029
    static let followLocation: Int32 = 52
    static let headerFunction: Int32 = 20_079
    static let noSignal: Int32 = 99
    static let acceptEncoding: Int32 = 10_102
    static let timeoutMilliseconds: Int32 = 155
    static let connectTimeoutMilliseconds: Int32 = 156
    static let protocols: Int32 = 181
    static let suppressConnectHeaders: Int32 = 265
    static let errorSize = 256

    /// libcurl, or nil when it cannot be found (URLSession is used then).
    static let library: Curl? = {
        guard let handle = dlopen("libcurl.so.4", RTLD_NOW) ?? dlopen("libcurl.so", RTLD_NOW) else { return nil }
        func symbol<T>(_ name: String, _: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: T.self) }
        }
        typealias GlobalInit = @convention(c) (Int) -> Int32
        guard let globalInit = symbol("curl_global_init", GlobalInit.self),
              let easyInit = symbol("curl_easy_init", (@convention(c) () -> Handle?).self),
              let setoptLong = symbol("curl_easy_setopt", (@convention(c) (Handle, Int32, Int) -> Int32).self),
              let setoptPointer = symbol("curl_easy_setopt", (@convention(c) (Handle, Int32, UnsafeRawPointer?) -> Int32).self),
              let perform = symbol("curl_easy_perform", (@convention(c) (Handle) -> Int32).self),
              let cleanup = symbol("curl_easy_cleanup", (@convention(c) (Handle) -> Void).self),
              let strerror = symbol("curl_easy_strerror", (@convention(c) (Int32) -> UnsafePointer<CChar>?).self),
              let slistAppend = symbol("curl_slist_append", (@convention(c) (OpaquePointer?, UnsafePointer<CChar>) -> OpaquePointer?).self),
              let slistFreeAll = symbol("curl_slist_free_all", (@convention(c) (OpaquePointer?) -> Void).self)
        else { return nil }
        // CURL_GLOBAL_ALL; counted by libcurl, so URLSession's own call does no harm.
        guard globalInit(3) == 0 else { return nil }
        return Curl(easyInit: easyInit, setoptLong: setoptLong, setoptPointer: setoptPointer, perform: perform, cleanup: cleanup,
                    strerror: strerror, slistAppend: slistAppend, slistFreeAll: slistFreeAll)
    }()

    /// One GET of `url`, redirects not followed.
    func transfer(_ url: String, timeoutMilliseconds: Int, maxBytes: Int) -> CurlOutcome {
        guard let easy = easyInit() else { return .failure(.init(text: "libcurl could not start a transfer")) }
        defer { cleanup(easy) }
        var headers: OpaquePointer?
        for header in ["Accept: " + FeedFetcher.accept, "Expect:"] { headers = slistAppend(headers, header) }
        defer { slistFreeAll(headers) }
        let errorText = UnsafeMutablePointer<CChar>.allocate(capacity: Self.errorSize)
        errorText.initialize(repeating: 0, count: Self.errorSize)
        defer { errorText.deallocate() }
        let receiver = CurlReceiver(maxBytes: maxBytes)
        let context = Unmanaged.passUnretained(receiver).toOpaque()
        let write: WriteFunction = { data, size, count, context in
            let receiver = Unmanaged<CurlReceiver>.fromOpaque(context!).takeUnretainedValue()
            return receiver.body(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
        }
        let header: WriteFunction = { data, size, count, context in
            let receiver = Unmanaged<CurlReceiver>.fromOpaque(context!).takeUnretainedValue()
            return receiver.header(UnsafeRawBufferPointer(start: data, count: size * count)) ? size * count : 0
        }
        var refused: Int32 = 0
        func set(_ option: Int32, _ value: Int) { if setoptLong(easy, option, value) != 0 { refused = option } }
        func set(_ option: Int32, _ value: UnsafeRawPointer?) { if setoptPointer(easy, option, value) != 0 { refused = option } }
        func set(_ option: Int32, _ value: String) { value.withCString { set(option, UnsafeRawPointer($0)) } }
        set(Self.url, url)
        set(Self.userAgent, "Crier feed validator")
        set(Self.httpHeader, UnsafeRawPointer(headers))
        set(Self.acceptEncoding, "")  // every encoding libcurl decodes; the body arrives decoded
        set(Self.followLocation, 0)
        set(Self.noSignal, 1)
        set(Self.timeoutMilliseconds, timeoutMilliseconds)
        set(Self.connectTimeoutMilliseconds, timeoutMilliseconds)
        set(Self.suppressConnectHeaders, 1)
        set(Self.errorBuffer, UnsafeRawPointer(errorText))
        set(Self.writeFunction, unsafeBitCast(write, to: UnsafeRawPointer.self))
        set(Self.writeData, UnsafeRawPointer(context))
        set(Self.headerFunction, unsafeBitCast(header, to: UnsafeRawPointer.self))
        set(Self.headerData, UnsafeRawPointer(context))
        guard refused == 0 else { return .failure(.init(text: "libcurl refused option \(refused)")) }
        _ = setoptLong(easy, Self.protocols, 1 | 2)  // HTTP, HTTPS only (deprecated in 7.85, still obeyed)

        let code = withExtendedLifetime(receiver) { perform(easy) }
        if let stop = receiver.stop {
            switch stop {
            case .status(let status): return .failure(.init(text: FeedFetcher.statusMessage(status)))
            case .redirect(let status, let location): return .redirect(status: status, location: location)
            case .declared(let length):
                return .failure(.init(text: FeedFetcher.declaredMessage(length, maxBytes: maxBytes)))
            case .overLimit: return .failure(.init(text: FeedFetcher.limitMessage(maxBytes: maxBytes, encoding: receiver.encoding)))
            }
        }
        if code == 0 {
            // A response with no blank line after its headers never reached `header`'s checks.
            if let status = receiver.status, !(200..<300).contains(status) { return .failure(.init(text: FeedFetcher.statusMessage(status))) }
            return .body(receiver.received)
        }
        let detail = errorText.pointee != 0 ? String(cString: errorText) : strerror(code).map { String(cString: $0) } ?? "libcurl error \(code)"
        return .failure(Self.failure(code, detail: detail, receiver: receiver))
    }

    /// libcurl's codes in words (curl.h's CURLcode).
    private static func failure(_ code: Int32, detail: String, receiver: CurlReceiver) -> CurlOutcome.Failure {
        switch code {
        case 28: return .init(text: "timed out", isTimeout: true, answered: receiver.answered, received: receiver.received.count)
        case 5: return .init(text: "could not resolve the proxy's host name (\(detail))")
        case 6: return .init(text: "could not resolve the host name (\(detail))")
        case 7: return .init(text: "could not connect (\(detail))")
        case 18: return .init(text: "the connection closed before the whole body arrived (\(detail))")
        case 35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91, 98:
            return .init(text: "the TLS connection failed (\(detail))")
        case 52: return .init(text: "the server closed the connection without answering")
        case 55: return .init(text: "the request could not be sent (\(detail))")
        case 56: return .init(text: "the connection failed while receiving (\(detail))")
        case 61: return .init(text: "the body could not be decompressed (\(detail))")
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
    }

    let maxBytes: Int
    private(set) var received: [UInt8] = []
    private(set) var status: Int?
    private(set) var encoding: String?
    private(set) var stop: Stop?
    /// The final response's headers are all in.
    private(set) var answered = false
    private var length: Int64?
    private var location: String?

    init(maxBytes: Int) { self.maxBytes = maxBytes }

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
            if encoding == nil, let length { received.reserveCapacity(Int(length)) }
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

    /// Decoded body bytes; false (stop) as soon as they pass the limit.
    func body(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard received.count + bytes.count <= maxBytes else {
            stop = .overLimit
            return false
        }
        received.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))  // a copy, not a loop over bytes
        return true
    }
}
#endif

// MARK: - URLSession (where libcurl is not at hand: macOS, static Linux builds)

extension FeedFetcher {
    fileprivate static func fetchWithSession(_ url: String, _ target: URL, timeout: TimeInterval,
                                             deadline: ContinuousClock.Instant, maxBytes: Int) throws(FetchError) -> [UInt8] {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let delegate = FetchDelegate(maxBytes: maxBytes)
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: target)
        request.setValue("Crier feed validator", forHTTPHeaderField: "User-Agent")
        request.setValue(accept, forHTTPHeaderField: "Accept")
        session.dataTask(with: request).resume()
        let left = remaining(until: deadline)
        let wait = DispatchTime.now() + .milliseconds(milliseconds(left))
        if delegate.done.wait(timeout: wait) == .timedOut {
            session.invalidateAndCancel()
            throw FetchError(message: "\(url): " + timeoutMessage(timeout, answered: delegate.answered, received: delegate.received))
        }
        switch delegate.outcome {
        case .success(let bytes): return bytes
        case .failure(let message): throw FetchError(message: "\(url): \(message)")
        case .timedOut(let answered, let received): throw FetchError(message: "\(url): " + timeoutMessage(timeout, answered: answered, received: received))
        }
    }
}

/// Collects the body, stopping early on an error status, an oversized body or a redirect
/// to anything but http(s).
private final class FetchDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    enum Outcome {
        case success([UInt8])
        case failure(String)
        case timedOut(answered: Bool, received: Int)
    }

    let maxBytes: Int
    let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var body: [UInt8] = []
    private var failure: String?
    private var timedOut = false
    private var responded = false
    private var finished = false

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    var outcome: Outcome {
        lock.lock()
        defer { lock.unlock() }
        if let failure { return .failure(failure) }
        if timedOut { return .timedOut(answered: responded, received: body.count) }
        return .success(body)
    }

    var answered: Bool { lock.withLock { responded } }
    var received: Int { lock.withLock { body.count } }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        if let next = request.url, !FeedFetcher.isHTTP(next) {
            fail(FeedFetcher.redirectMessage(to: next.absoluteString))
            completionHandler(nil)
            task.cancel()
            return
        }
        completionHandler(request)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        lock.withLock { responded = true }
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            fail(FeedFetcher.statusMessage(http.statusCode))
            completionHandler(.cancel)
            return
        }
        if response.expectedContentLength > Int64(maxBytes) {
            fail(FeedFetcher.declaredMessage(response.expectedContentLength, maxBytes: maxBytes))
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        let over = body.count + data.count > maxBytes
        if !over { body.append(contentsOf: data) }
        lock.unlock()
        if over {
            fail(FeedFetcher.limitMessage(maxBytes: maxBytes, encoding: nil))
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error = error as? URLError, error.code == .timedOut {
            lock.withLock { timedOut = true }
        } else if let error {
            fail(error.localizedDescription)
        }
        lock.lock()
        let first = !finished
        finished = true
        lock.unlock()
        if first { done.signal() }
    }

    private func fail(_ message: String) {
        lock.lock()
        if failure == nil { failure = message }
        lock.unlock()
    }
}
