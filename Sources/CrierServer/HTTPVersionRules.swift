import NIOCore
import NIOHTTP1

/// What HTTP/1.0 and HTTP/1.1 ask of a server that Hummingbird cannot see, as it hands
/// requests on without their version. It stands in front of Hummingbird's conversion of
/// NIO's HTTP/1 parts (`HTTP1ToHTTPServerCodec`):
///
/// - An HTTP/1.0 request that does not ask to keep the connection alive gets its response
///   and then the connection closes (RFC 9112 §9.3), rather than staying open until the
///   idle timeout: ApacheBench without `-k` waits for that close. The response says
///   HTTP/1.0, so that it is never sent in chunks, which an HTTP/1.0 client cannot read,
///   and to one that asked to keep the connection, `Connection: keep-alive`.
/// - An HTTP/1.1 request without a `Host` header is answered 400 and the connection
///   closed (RFC 9112 §3.2).
final class HTTPVersionRules: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// The requests handed on and not yet answered, oldest first: whether each is
    /// HTTP/1.0, and asked to keep the connection alive.
    private var pending: [(http10: Bool, keepAlive: Bool)] = []
    /// A request was refused: what follows on the connection is dropped until it closes.
    private var refused = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        var part = unwrapInboundIn(data)
        if case .head(var head) = part {
            if head.version == .http1_1 && !head.headers.contains(name: "host") {
                refused = true
                let headers = HTTPHeaders([("Content-Length", "0"), ("Connection", "close")])
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))), promise: nil)
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
                return
            }
            if head.version == .http1_0 && !head.isKeepAlive {
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
            if !pending.isEmpty { pending.removeFirst() }
            context.write(data, promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }
}
