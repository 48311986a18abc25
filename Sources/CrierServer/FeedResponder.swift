import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Answers requests for the published folder the way feed readers expect: conditional
/// GET (strong `ETag`, `Last-Modified`), `HEAD`, gzip, `Cache-Control`, CORS on feeds,
/// and 404 for anything outside the folder.
struct FeedResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let folder: PublishedFolder
    let cacheControl: String
    let ready: ServerReadiness
    /// Requests declaring a larger body are refused (a feed server reads no bodies).
    let maxRequestBody: Int

    func respond(to request: Request, context: Context) async throws -> Response {
        respond(method: request.method, target: request.head.path ?? "/", headers: request.headers)
    }

    func respond(method: HTTPRequest.Method, target: String, headers: HTTPFields) -> Response {
        if let length = headers[.contentLength].flatMap(Int.init), length > maxRequestBody {
            return plain(.contentTooLarge, "request body too large\n", method: method)
        }
        if headers[.transferEncoding] != nil {
            return plain(.contentTooLarge, "request bodies are not accepted\n", method: method)
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
        return respond(with: snapshot, method: method, headers: headers)
    }

    private func respond(with snapshot: FileSnapshot, method: HTTPRequest.Method, headers: HTTPFields) -> Response {
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
        if Conditional.notModified(headers: headers, etags: [gzip ? snapshot.gzipETag : snapshot.etag], lastModified: snapshot.lastModified) {
            return Response(status: .notModified, headers: fields)
        }
        let body = gzip ? snapshot.gzipped! : snapshot.body
        if gzip { fields[.contentEncoding] = "gzip" }
        fields[.contentLength] = String(body.readableBytes)
        if method == .head {
            return Response(status: .ok, headers: fields, body: ResponseBody())
        }
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: body))
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
