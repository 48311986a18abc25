import NIOCore
import NIOHTTP1

/// What HTTP/1.0 and HTTP/1.1 ask of a server that Hummingbird cannot see, as it hands
/// requests on without their version. It stands in front of Hummingbird's conversion of
/// NIO's HTTP/1 parts (`HTTP1ToHTTPServerCodec`):
///
/// - A request that does not keep the connection alive (HTTP/1.0 without
///   `Connection: keep-alive`; `Connection: close` in any spelling) gets its response and
///   then the connection closes (RFC 9112 §9.3, §9.6), rather than staying open until the
///   idle timeout: ApacheBench without `-k` waits for that close. A response to HTTP/1.0
///   says HTTP/1.0, so that it is never sent in chunks, which an HTTP/1.0 client cannot
///   read, and to one that asked to keep the connection, `Connection: keep-alive`.
/// - An HTTP/1.1 request without a `Host` header, and any with more than one, is answered
///   400 and the connection closed (RFC 9112 §3.2), after the responses to the requests
///   before it on the connection, in their order.
final class HTTPVersionRules: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// The requests handed on and not yet answered, oldest first: whether each is
    /// HTTP/1.0, and asked to keep the connection alive.
    private var pending: [(http10: Bool, keepAlive: Bool)] = []
    /// A request was refused: nothing more is read, and the 400 goes out once the
    /// requests before it are answered.
    private var refused = false
    private var refusalSent = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        var part = unwrapInboundIn(data)
        if case .head(var head) = part {
            let hosts = head.headers["host"]
            if (head.version == .http1_1 && hosts.isEmpty) || hosts.count > 1 || !hosts.allSatisfy(Self.isValidHost) {
                refused = true
                if pending.isEmpty { sendRefusal(context: context) }
                return
            }
            if !head.isKeepAlive {
                head.headers.replaceOrAdd(name: "Connection", value: "close")
                part = .head(head)
            }
            pending.append((head.version == .http1_0, head.isKeepAlive))
        }
        context.fireChannelRead(wrapInboundOut(part))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where pending.first?.http10 == true:
            head.version = .http1_0
            // An HTTP/1.0 client keeps the connection only when the response says so.
            if pending.first?.keepAlive == true && !head.headers.contains(name: "connection") {
                head.headers.add(name: "Connection", value: "keep-alive")
            }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            let answered = pending.isEmpty ? nil : pending.removeFirst()
            if answered?.keepAlive == false || (refused && pending.isEmpty) {
                // The last response on this connection: closed once it is out, not only
                // for writing (Hummingbird's half close leaves the socket to the client).
                let written = context.eventLoop.makePromise(of: Void.self)
                if let promise { written.futureResult.cascade(to: promise) }
                context.write(data, promise: written)
                if refused && pending.isEmpty {
                    sendRefusal(context: context)
                } else {
                    let channel = context.channel
                    written.futureResult.whenComplete { _ in channel.close(promise: nil) }
                }
            } else {
                context.write(data, promise: promise)
            }
        default:
            context.write(data, promise: promise)
        }
    }

    /// Answers 400 and closes the connection once the answer is out.
    /// Whether `value` can be a `Host` field (RFC 9112 §3.2, RFC 3986 §3.2.2): a host
    /// name of unreserved, percent-encoded and sub-delimiter characters, or an IP literal
    /// in brackets, then a port of digits, if any; empty too (a target with no host).
    static func isValidHost(_ value: String) -> Bool {
        var host = Substring(value)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let literal = host[host.index(after: host.startIndex)..<close]
            guard !literal.isEmpty, literal.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." || $0 == "v" || $0 == "V" }) else { return false }
            host = host[host.index(after: close)...]
            guard host.isEmpty || host.hasPrefix(":") else { return false }
        } else {
            let name = host.prefix { $0 != ":" }
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~%!$&'()*+,;=")
            guard name.allSatisfy(allowed.contains) else { return false }
            host = host.dropFirst(name.count)
        }
        guard host.hasPrefix(":") else { return host.isEmpty }
        let port = host.dropFirst()
        return port.count <= 5 && port.allSatisfy(\.isASCII) && port.allSatisfy(\.isNumber) && (Int(port) ?? 0) <= 65_535
    }

    private func sendRefusal(context: ChannelHandlerContext) {
        guard !refusalSent else { return }
        refusalSent = true
        let headers = HTTPHeaders([("Content-Length", "0"), ("Connection", "close")])
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
