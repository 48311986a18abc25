import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Answers requests for the published folder the way feed readers expect: conditional
/// GET (strong `ETag`, `Last-Modified`), `HEAD`, gzip, `Cache-Control`, CORS on feeds,
/// and 404 for anything outside the folder.
struct FeedResponder: HTTPResponder {
    typealias Context = FeedRequestContext

    let folder: PublishedFolder
    let cacheControl: String
    let ready: ServerReadiness
    /// Requests declaring a larger body are refused (a feed server reads no bodies).
    let maxRequestBody: Int
    /// A response whose client takes none of it for this long is given up, and its
    /// connection closed.
    var stallTimeout: Duration = .seconds(30)

    func respond(to request: Request, context: Context) async throws -> Response {
        respond(method: request.method, target: request.head.path ?? "/", headers: request.headers, channel: context.channel)
    }

    /// The response to a request; with `channel` (the connection's), a large body is handed
    /// to the connection as the client takes it (`streamed`), and a refused request body
    /// closes the connection once the refusal is sent.
    func respond(method: HTTPRequest.Method, target: String, headers: HTTPFields, channel: (any Channel)? = nil) -> Response {
        let declared = headers[.contentLength].flatMap(Int.init)
        if declared.map({ $0 > maxRequestBody }) ?? false || headers[.transferEncoding] != nil {
            // Not read, however long it is: the connection is closed after the answer,
            // as RFC 9110 §15.5.14 allows, rather than reading the body to its end.
            let text = declared != nil ? "request body too large\n" : "request bodies are not accepted\n"
            var response = plain(.contentTooLarge, text, method: method)
            response.headers[.connection] = "close"
            if let channel { response.body = Self.closing(method == .head ? "" : text, channel: channel) }
            return response
        }
        guard method == .get || method == .head else {
            var response = plain(.methodNotAllowed, "only GET and HEAD\n", method: method)
            response.headers[.allow] = "GET, HEAD"
            return response
        }
        if target == "/healthz" || target.hasPrefix("/healthz?") {
            return ready.isReady
                ? plain(.ok, "ready\n", method: method)
                : plain(.serviceUnavailable, "starting\n", method: method)
        }
        guard let relative = RequestPath.relativePath(target), !relative.isEmpty else {
            return plain(.notFound, "not found\n", method: method)
        }
        guard let snapshot = folder.snapshot(relative) else {
            // Until a publish succeeds, a feed may only be missing for now.
            guard ready.isReady else {
                var response = plain(.serviceUnavailable, "starting: no publish has succeeded yet\n", method: method)
                response.headers[.retryAfter] = "5"
                return response
            }
            return plain(.notFound, "not found\n", method: method)
        }
        return respond(with: snapshot, method: method, headers: headers, channel: channel)
    }

    private func respond(with snapshot: FileSnapshot, method: HTTPRequest.Method, headers: HTTPFields, channel: (any Channel)?) -> Response {
        let gzip = snapshot.gzipped != nil && AcceptEncoding.acceptsGzip(headers[values: .acceptEncoding])
        var fields = HTTPFields()
        fields[.contentType] = snapshot.contentType
        fields[.eTag] = gzip ? snapshot.gzipETag : snapshot.etag
        fields[.lastModified] = snapshot.lastModifiedHeader
        fields[.cacheControl] = cacheControl
        fields[.vary] = "Accept-Encoding"
        if snapshot.isFeed { fields[.accessControlAllowOrigin] = "*" }

        // Only the ETag of the representation this request gets: a client that cannot take
        // gzip, holding the gzipped one's tag (from a shared cache), must get the body.
        // RFC 9110 §13.2.2: If-Match (or else If-Unmodified-Since) first.
        if Conditional.preconditionFails(headers: headers, etag: gzip ? snapshot.gzipETag : snapshot.etag, lastModified: snapshot.lastModified) {
            return plain(.preconditionFailed, "precondition failed\n", method: method)
        }
        if Conditional.notModified(headers: headers, etags: [gzip ? snapshot.gzipETag : snapshot.etag], lastModified: snapshot.lastModified) {
            return Response(status: .notModified, headers: fields)
        }
        let body = gzip ? snapshot.gzipped! : snapshot.body
        if gzip { fields[.contentEncoding] = "gzip" }
        fields[.contentLength] = String(body.readableBytes)
        if method == .head {
            return Response(status: .ok, headers: fields, body: ResponseBody())
        }
        guard let channel, body.readableBytes > Self.chunkSize else {
            return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: body))
        }
        return Response(status: .ok, headers: fields, body: Self.streamed(body, channel: channel, stallTimeout: stallTimeout))
    }

    /// How much of a body is handed to the connection at a time.
    static let chunkSize = 64 << 10

    /// `body` handed to the connection `chunkSize` bytes at a time, each once the
    /// connection is writable again, and finished once the connection has handed all of it
    /// to the system: the response stays in progress until then, so neither the idle
    /// timeout nor a graceful shutdown (which wait for responses in progress) closes the
    /// connection with part of it unsent. (The server's writes would otherwise take the
    /// whole body at once and hold it.) A client that takes nothing for `stallTimeout` is
    /// given up: the connection is closed.
    static func streamed(_ body: ByteBuffer, channel: any Channel, stallTimeout: Duration) -> ResponseBody {
        ResponseBody(contentLength: body.readableBytes) { writer in
            var rest = body
            while rest.readableBytes > 0 {
                try await waitForConnection(channel, stallTimeout: stallTimeout) { writable, _ in writable }
                try await writer.write(rest.readSlice(length: min(chunkSize, rest.readableBytes))!)
            }
            try await waitForConnection(channel, stallTimeout: stallTimeout) { writable, queued in writable && queued == 0 }
            try await writer.finish(nil)
        }
    }

    /// Returns once `ready` holds for the connection's writability and the bytes queued in
    /// it (both read on its event loop, after the writes handed to it); closes the
    /// connection and throws when its queue has not shrunk for `stallTimeout`, or when it
    /// closes.
    private static func waitForConnection(_ channel: any Channel, stallTimeout: Duration,
                                          until ready: @escaping @Sendable (_ writable: Bool, _ queued: Int) -> Bool) async throws {
        var deadline = ContinuousClock.now + stallTimeout
        var least = Int.max
        // Checked at once, then after 1 ms, doubling to at most 64 ms while nothing moves:
        // a client that reads slowly, or not at all, costs the server a check a few times
        // a second, not hundreds.
        var pause = 1
        while true {
            let (isReady, queued) = try await channel.eventLoop.submit { () -> (Bool, Int) in
                let queued = (try? channel.syncOptions?.getOption(ChannelOptions.bufferedWritableBytes)) ?? 0
                return (ready(channel.isWritable, queued), queued)
            }.get()
            if isReady { return }
            guard channel.isActive else { throw ChannelError.ioOnClosedChannel }
            if queued < least {
                least = queued
                deadline = ContinuousClock.now + stallTimeout
            } else if ContinuousClock.now >= deadline {
                channel.close(promise: nil)
                throw ChannelError.ioOnClosedChannel
            }
            try await Task.sleep(for: .milliseconds(pause))
            pause = min(64, pause * 2)
        }
    }

    /// `text`, after which the connection is closed (once the answer has been handed to
    /// the system): for a request whose body is not read.
    static func closing(_ text: String, channel: any Channel) -> ResponseBody {
        ResponseBody(contentLength: text.utf8.count) { writer in
            if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
            try await writer.finish(nil)
            // (Closed by the wait itself when the answer does not go out within a second.)
            try? await waitForConnection(channel, stallTimeout: .seconds(1)) { writable, queued in writable && queued == 0 }
            channel.close(promise: nil)
        }
    }

    private func plain(_ status: HTTPResponse.Status, _ text: String, method: HTTPRequest.Method) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "text/plain; charset=utf-8"
        fields[.cacheControl] = "no-store"
        fields[.contentLength] = String(text.utf8.count)
        let body = method == .head ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(string: text))
        return Response(status: status, headers: fields, body: body)
    }
}

/// Whether a publish has succeeded, for `/healthz` and for what a missing file means.
final class ServerReadiness: Sendable {
    private let flag = Atomic<Bool>(false)
    var isReady: Bool { flag.load(ordering: .acquiring) }
    func markReady() { flag.store(true, ordering: .releasing) }
}

/// RFC 9110 §13: `If-None-Match` wins over `If-Modified-Since`.
enum Conditional {
    /// Whether `If-Match` (strong comparison, RFC 9110 §13.1.1) names no current tag of
    /// the representation, or, without it, `If-Unmodified-Since` is before its last change
    /// (§13.1.4): the request's precondition fails (412).
    static func preconditionFails(headers: HTTPFields, etag: String, lastModified: Int) -> Bool {
        let match = headers[values: .ifMatch]
        if !match.isEmpty {
            let candidates = match.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
            return !candidates.contains { $0 == "*" || (!$0.hasPrefix("W/") && $0 == etag) }
        }
        if let since = headers[.ifUnmodifiedSince].flatMap(HTTPDate.parse) {
            return lastModified > since
        }
        return false
    }

    static func notModified(headers: HTTPFields, etags: [String], lastModified: Int) -> Bool {
        let noneMatch = headers[values: .ifNoneMatch]
        if !noneMatch.isEmpty {
            // Weak comparison, as §13.1.2 asks for If-None-Match.
            let candidates = noneMatch.flatMap { $0.split(separator: ",") }.map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let opaque = Set(etags.map(strippingWeak))
            return candidates.contains { $0 == "*" || opaque.contains(strippingWeak($0)) }
        }
        if let since = headers[.ifModifiedSince].flatMap(HTTPDate.parse) {
            return lastModified <= since
        }
        return false
    }

    private static func strippingWeak(_ tag: String) -> String {
        tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag
    }
}

/// `Accept-Encoding` negotiation for gzip only.
enum AcceptEncoding {
    static func acceptsGzip(_ values: [String]) -> Bool {
        var gzip: Double?
        var any: Double?
        for item in values.flatMap({ $0.split(separator: ",") }) {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first else { continue }
            var q = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                q = Double(parameter.dropFirst(2)) ?? 0
            }
            if coding == "gzip" || coding == "x-gzip" { gzip = q }
            if coding == "*" { any = q }
        }
        return (gzip ?? any ?? 0) > 0
    }
}

/// Hummingbird's basic request context, keeping the connection: the responder hands large
/// bodies to it as the client takes them.
struct FeedRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
