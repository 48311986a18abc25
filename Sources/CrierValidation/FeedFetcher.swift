// Full Foundation is safe here: this module never imports CLibXML2 (see ARCHITECTURE.md on
// the ICU clash), and networking is kept out of CrierXML.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A feed that could not be fetched: DNS failure, refused connection, HTTP error status,
/// timeout, or a body over the size limit. Never a verdict on the feed itself.
public struct FetchError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, after the URL (`https://example.org/feed.xml: HTTP 404 Not Found`).
    public var message: String
    /// `message`.
    public var description: String { message }
}

/// Fetches a feed over HTTP(S) with a timeout and a size limit.
public enum FeedFetcher {
    /// Downloads `url`'s body. Throws `FetchError` on any network failure, on a status other
    /// than 2xx, and when the body exceeds `maxBytes`.
    public static func fetch(_ url: String, timeout: TimeInterval = 30, maxBytes: Int = 1 << 30) throws(FetchError) -> [UInt8] {
        guard let target = URL(string: url), let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https", target.host != nil else {
            throw FetchError(message: "\(url): not an http(s) URL")
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let delegate = FetchDelegate(maxBytes: maxBytes)
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: target)
        request.setValue("Crier feed validator", forHTTPHeaderField: "User-Agent")
        request.setValue("application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5", forHTTPHeaderField: "Accept")
        session.dataTask(with: request).resume()
        if delegate.done.wait(timeout: .now() + timeout + 5) == .timedOut {
            session.invalidateAndCancel()
            throw FetchError(message: "\(url): timed out after \(Int(timeout)) s")
        }
        switch delegate.outcome {
        case .success(let bytes): return bytes
        case .failure(let message): throw FetchError(message: "\(url): \(message)")
        }
    }
}

/// Collects the body, stopping early on an error status or an oversized body.
private final class FetchDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    enum Outcome {
        case success([UInt8])
        case failure(String)
    }

    let maxBytes: Int
    let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var body: [UInt8] = []
    private var failure: String?
    private var finished = false

    init(maxBytes: Int) { self.maxBytes = maxBytes }

    var outcome: Outcome {
        lock.lock()
        defer { lock.unlock() }
        if let failure { return .failure(failure) }
        return .success(body)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            fail("HTTP \(http.statusCode) \(HTTPURLResponse.localizedString(forStatusCode: http.statusCode))")
            completionHandler(.cancel)
            return
        }
        if response.expectedContentLength > Int64(maxBytes) {
            fail("the body is \(response.expectedContentLength) bytes, over the \(maxBytes)-byte limit")
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
            fail("the body is over the \(maxBytes)-byte limit")
            dataTask.cancel()
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        if let error { fail(error.localizedDescription) }
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
