import Foundation
import CrierHTTP

/// One notification for a WebSub hub: `topic` (a feed's self URL) has new content.
public struct WebSubPing: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The hub's URL.
    public var hub: String
    /// The URL of the feed file that changed (its `rel="self"`).
    public var topic: String
    /// The published file the topic is (relative to the output folder), when known: a
    /// pending ping is dropped when a run removes that file. Not part of the ping's
    /// identity.
    public var path: String?

    /// A notification for `hub` that `topic` (the file at `path`) changed.
    public init(hub: String, topic: String, path: String? = nil) {
        self.hub = hub
        self.topic = topic
        self.path = path
    }

    /// Pings are the same when their hub and topic are.
    public static func == (a: WebSubPing, b: WebSubPing) -> Bool { a.hub == b.hub && a.topic == b.topic }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(hub)
        hasher.combine(topic)
    }

    /// `hub ← topic`.
    public var description: String { "\(hub) ← \(topic)" }
}

/// How hard to try a hub.
public struct PingPolicy: Sendable {
    /// Tries per ping, the first included.
    public var attempts = 3
    /// Wait before the second try; each further wait doubles.
    public var firstDelay: Double = 1
    /// Seconds to wait for a hub's answer.
    public var timeout: Double = 10

    /// The defaults suit cron: three tries, waits of 1 s and 2 s, 10 s per answer.
    public init(attempts: Int = 3, firstDelay: Double = 1, timeout: Double = 10) {
        self.attempts = attempts
        self.firstDelay = firstDelay
        self.timeout = timeout
    }
}

/// What came of one ping.
public struct PingResult: Sendable, CustomStringConvertible {
    /// The notification.
    public var ping: WebSubPing
    /// Tries made.
    public var attempts: Int
    /// The hub's last HTTP status, if it answered at all.
    public var status: Int?
    /// Why the ping failed; `nil` when the hub accepted it (any 2xx).
    public var failure: String?

    /// The hub accepted the notification.
    public var succeeded: Bool { failure == nil }
    /// The notification failed for good: the hub refused it with a 4xx answer (but 408 and
    /// 429, which ask to try later), or the hub is no http(s) URL. It is not tried again.
    public var isFinal: Bool {
        guard failure != nil else { return false }
        if attempts == 0 { return true }
        return status.map { (400..<500).contains($0) && $0 != 408 && $0 != 429 } ?? false
    }

    /// One line for the report: the hub notified, with its status and the tries, or why not
    /// and whether it is tried again.
    public var description: String {
        let tries = attempts == 1 ? "1 try" : "\(attempts) tries"
        if let failure {
            let next = isFinal ? "not tried again" : "tried again on the next run"
            return "hub \(ping.hub) not notified of \(ping.topic): \(failure) (\(tries)); \(next)"
        }
        return "notified hub \(ping.hub) of \(ping.topic) (HTTP \(status ?? 0), \(tries))"
    }
}

/// Tells WebSub hubs that a topic changed: `POST hub.mode=publish&hub.url=TOPIC` as
/// `application/x-www-form-urlencoded`, the publish notification hubs accept (the W3C
/// Recommendation leaves the mechanism to hub and publisher; this is the form hubs
/// implement).
public enum WebSubPinger {
    /// Sends every ping, concurrently; results in the order of `pings`.
    ///
    /// A hub that cannot be reached, times out, or answers 5xx or 429 is tried again
    /// after `firstDelay`, then twice that, up to `attempts` tries. Any other 4xx is final:
    /// the hub refused this topic and will refuse it again.
    public static func send(_ pings: [WebSubPing], policy: PingPolicy = PingPolicy()) async -> [PingResult] {
        await withTaskGroup(of: (Int, PingResult).self) { group in
            for (index, ping) in pings.enumerated() {
                group.addTask { (index, await send(ping, policy: policy)) }
            }
            var results = [PingResult?](repeating: nil, count: pings.count)
            for await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
    }

    /// The form body of a publish notification.
    public static func body(topic: String) -> String {
        "hub.mode=publish&hub.url=" + formEncode(topic)
    }

    static func send(_ ping: WebSubPing, policy: PingPolicy) async -> PingResult {
        guard Site.isHTTPURL(ping.hub), URL(string: ping.hub) != nil else {
            return PingResult(ping: ping, attempts: 0, status: nil, failure: "not an http(s) URL")
        }
        let form = body(topic: ping.topic)
        let userAgent = "\(Generator.name)/\(Generator.version) (+\(Generator.uri))"
        var attempt = 0
        var delay = policy.firstDelay
        var lastStatus: Int?
        var lastFailure = "not tried"
        while attempt < max(1, policy.attempts) {
            if attempt > 0 {
                try? await Task.sleep(nanoseconds: UInt64(max(0, delay) * 1_000_000_000))
                delay *= 2
            }
            attempt += 1
            // libcurl waits asleep on a thread of its own (URLSession's wait kept a core
            // busy while a hub did not answer), off the shared task pool.
            let outcome = await onItsOwnThread { FormPost.send(form, to: ping.hub, userAgent: userAgent, timeout: policy.timeout) }
            switch outcome {
            case .answered(let status, let bodyStart):
                lastStatus = status
                if (200..<300).contains(status) {
                    return PingResult(ping: ping, attempts: attempt, status: status, failure: nil)
                }
                lastFailure = "HTTP \(status)" + answerSnippet(bodyStart)
                if (400..<500).contains(status) && status != 429 && status != 408 { return PingResult(ping: ping, attempts: attempt, status: lastStatus, failure: lastFailure) }
            case .failed(let reason, _):
                lastFailure = reason
            }
        }
        return PingResult(ping: ping, attempts: attempt, status: lastStatus, failure: lastFailure)
    }

    /// What `work` returns, run on a thread of its own.
    private static func onItsOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: work()) }.start()
        }
    }

    /// The start of a hub's error text, which usually says what it disliked.
    private static func answerSnippet(_ text: String) -> String {
        let line = text.components(separatedBy: .newlines).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return line.isEmpty ? "" : ": \(line)"
    }

    /// `application/x-www-form-urlencoded`: everything but unreserved characters is
    /// percent-encoded, so a topic's `&`, `=`, `+` and `%` survive.
    static func formEncode(_ value: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
