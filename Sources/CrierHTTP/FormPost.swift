import CCurl
import Foundation

/// What a form POST came to: the answer's status and the start of its body, or why there
/// was none.
public enum FormPostOutcome: Sendable, Equatable {
    /// The server answered with `status`; `bodyStart` is its first 200 bytes, as text.
    case answered(status: Int, bodyStart: String)
    /// No answer: timed out (`isTimeout`), refused, unknown host...
    case failed(reason: String, isTimeout: Bool)
}

/// One `application/x-www-form-urlencoded` POST through libcurl's easy interface, blocking
/// the calling thread while it waits (asleep, not polling), redirects not followed: how
/// Crier notifies WebSub hubs.
public enum FormPost {
    /// POSTs `form` to `url` (http or https), giving up after `timeout` seconds.
    public static func send(_ form: String, to url: String, userAgent: String, timeout: TimeInterval) -> FormPostOutcome {
        guard let curl = CurlEasy(headerLines: ["Content-Type: application/x-www-form-urlencoded", "Expect:"]) else {
            return .failed(reason: "libcurl could not start a transfer", isTimeout: false)
        }
        let easy = curl.handle
        let receiver = AnswerReceiver()
        let context = Unmanaged.passUnretained(receiver).toOpaque()
        let write: curl_write_callback = { data, size, count, context in
            Unmanaged<AnswerReceiver>.fromOpaque(context!).takeUnretainedValue().body(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        let header: curl_write_callback = { data, size, count, context in
            Unmanaged<AnswerReceiver>.fromOpaque(context!).takeUnretainedValue().header(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        let milliseconds = max(1, Int((timeout * 1000).rounded(.up)))
        var refused = curl.refused
        func check(_ code: CURLcode) { if code != CURLE_OK && refused == nil { refused = code } }
        check(crier_curl_setopt_string(easy, CURLOPT_URL, url))
        check(crier_curl_setopt_string(easy, CURLOPT_USERAGENT, userAgent))
        // Copied by libcurl: the Swift string's bytes need not outlive this call.
        check(crier_curl_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, form))
        check(crier_curl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0))
        check(crier_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        check(crier_curl_setopt_long(easy, CURLOPT_TIMEOUT_MS, milliseconds))
        check(crier_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds))
        check(crier_curl_setopt_write_callback(easy, CURLOPT_WRITEFUNCTION, write))
        check(crier_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        check(crier_curl_setopt_write_callback(easy, CURLOPT_HEADERFUNCTION, header))
        check(crier_curl_setopt_pointer(easy, CURLOPT_HEADERDATA, context))
        check(crier_curl_close_sockets_on_exec(easy))
        if let refused {
            return .failed(reason: "libcurl refused an option (\(String(cString: curl_easy_strerror(refused))))", isTimeout: false)
        }
        _ = crier_curl_allow_only_http(easy)
        let code = withExtendedLifetime((receiver, curl)) { curl_easy_perform(easy) }
        if code == CURLE_OK, let status = receiver.status {
            return .answered(status: status, bodyStart: String(decoding: receiver.bodyStart, as: UTF8.self))
        }
        switch code {
        case CURLE_OPERATION_TIMEDOUT: return .failed(reason: "timed out", isTimeout: true)
        case CURLE_COULDNT_CONNECT: return .failed(reason: "connection refused", isTimeout: false)
        case CURLE_COULDNT_RESOLVE_HOST: return .failed(reason: "unknown host", isTimeout: false)
        case CURLE_GOT_NOTHING: return .failed(reason: "the hub closed the connection without answering", isTimeout: false)
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR: return .failed(reason: "connection lost", isTimeout: false)
        default:
            return .failed(reason: curl.detail(code), isTimeout: false)
        }
    }
}

/// The status of the final answer (after any 1xx) and its first 200 body bytes, from
/// libcurl's callbacks on the thread running the transfer.
private final class AnswerReceiver {
    private(set) var status: Int?
    private(set) var bodyStart: [UInt8] = []

    func header(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self)
        guard line.hasPrefix("HTTP/") else { return }
        let parts = line.split(separator: " ", maxSplits: 2)
        status = parts.count > 1 ? Int(parts[1]) : nil
        bodyStart = []
    }

    func body(_ bytes: UnsafeRawBufferPointer) {
        if bodyStart.count < 200 { bodyStart += bytes.prefix(200 - bodyStart.count) }
    }
}
