import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypesHTTP1
import ServiceLifecycle
import Synchronization

/// Serves a published folder over HTTP and keeps it fresh.
///
/// Run it with `run()`: it answers until SIGTERM or SIGINT, then stops accepting
/// connections and finishes the requests in flight.
public struct FeedServer: Sendable {
    /// How the server behaves.
    public struct Configuration: Sendable {
        /// The folder whose files are served (the publish output).
        public var folder: URL
        /// The host name or IP address to listen on; the default answers this machine only.
        public var host: String = "127.0.0.1"
        /// 0 picks a free port; `onListening` tells which.
        public var port: Int = 8080
        /// `Cache-Control` sent with every file.
        public var cacheControl: String = "public, max-age=300"
        /// Connections idle (or trickling) this long are closed.
        public var idleTimeout: Duration = .seconds(30)
        /// Largest request header block accepted, in bytes.
        public var maxHeaderSize: Int = 16 * 1024
        /// Requests declaring a larger body are refused.
        public var maxRequestBody: Int = 16 * 1024
        /// How often `refresh` runs after the first time; `nil` never.
        public var refreshInterval: Duration? = .seconds(30)

        /// A configuration for serving `folder`, with the defaults above (127.0.0.1, port
        /// 8080).
        public init(folder: URL) {
            self.folder = folder
        }
    }

    /// Where and how to serve.
    public var configuration: Configuration
    /// Republishes the folder and says whether the publish succeeded: first as soon as
    /// the server listens, then every `refreshInterval`. Until one has succeeded,
    /// `/healthz` answers 503 and a file not published yet 503 with `Retry-After`, while
    /// the files already there, such as the last run's feeds, are served. Errors are the
    /// closure's to report.
    public var refresh: (@Sendable () async -> Bool)?
    /// Called with the bound port once the server listens.
    public var onListening: (@Sendable (Int) async -> Void)?

    /// A server for `configuration`; without `refresh` it serves the folder as it finds it.
    public init(configuration: Configuration, refresh: (@Sendable () async -> Bool)? = nil,
                onListening: (@Sendable (Int) async -> Void)? = nil) {
        self.configuration = configuration
        self.refresh = refresh
        self.onListening = onListening
    }

    /// The server could not start listening: the port is taken, the host unknown or not
    /// this machine's.
    public struct ListenError: Error, Sendable, CustomStringConvertible {
        /// `host:port` as asked for (an IPv6 address in brackets).
        public var address: String
        /// The system's error number, when the system refused (the port in use, say).
        public var systemError: Int32?
        /// Why, in words, when the system gave no error number (an unknown host).
        public var reason: String
        /// `cannot listen on HOST:PORT: reason`.
        public var description: String { "cannot listen on \(address): \(reason)" }
    }

    /// The URL the server answers at on `host` and `port`: an IPv6 address in brackets.
    public static func address(host: String, port: Int) -> String {
        "http://\(bracketed(host)):\(port)/"
    }

    /// `host`, in brackets when it is an IPv6 address (as a URL or `host:port` writes it).
    private static func bracketed(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }

    /// Serves until a graceful shutdown signal (SIGTERM, SIGINT). Throws `ListenError`
    /// when it cannot start listening.
    public func run() async throws {
        let listened = ListeningFlag()
        do {
            try await serve(listened: listened)
        } catch {
            guard !listened.isSet else { throw error }
            // (The system's words for an error number are the caller's to find: `strerror`
            // here breaks this module's release build, Swift 6.3 taking `stat`'s members
            // for CDispatch's.)
            var failure = ListenError(address: "\(FeedServer.bracketed(configuration.host)):\(configuration.port)", reason: "\(error)")
            if let io = error as? IOError {
                failure.systemError = io.errnoCode
                failure.reason = "system error \(io.errnoCode)"
            } else if let unknown = error as? SocketAddressError.UnknownHost {
                failure.reason = "no such host (\(unknown.errorDescription))"
            }
            throw failure
        }
    }

    private func serve(listened: ListeningFlag) async throws {
        let ready = ServerReadiness()
        // The first publish waits for the port: one that cannot be had fails the run at once.
        let (listening, announce) = AsyncStream<Void>.makeStream()
        if refresh == nil { ready.markReady() }
        let responder = FeedResponder(
            folder: PublishedFolder(root: configuration.folder.path),
            cacheControl: configuration.cacheControl,
            ready: ready,
            maxRequestBody: configuration.maxRequestBody,
            stallTimeout: configuration.idleTimeout)
        var logger = Logger(label: "crier.serve")
        logger.logLevel = .warning
        // In nanoseconds: whole seconds would make half a second no timeout at all.
        let idle = configuration.idleTimeout.components
        let http1 = HTTP1Channel.Configuration(
            idleTimeout: .nanoseconds(idle.seconds * 1_000_000_000 + idle.attoseconds / 1_000_000_000),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: configuration.maxHeaderSize,
                                            maxHeaderListSize: configuration.maxHeaderSize,
                                            maxHeaderFieldCount: 100))
        let onListening = self.onListening
        var app = Application(
            responder: responder,
            server: HTTPServerBuilder { responder in VersionAwareHTTP1Channel(base: HTTP1Channel(responder: responder, configuration: http1)) },
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Crier"),
            onServerRunning: { channel in
                listened.set()
                await onListening?(channel.localAddress?.port ?? 0)
                announce.finish()
            },
            logger: logger)
        app.addServices(RefreshService(refresh: refresh, interval: configuration.refreshInterval, ready: ready, listening: listening))
        try await app.runService()
    }
}

/// Whether the server has started listening (set once, from the server's task).
final class ListeningFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// Runs the publisher once the server listens, then on a timer until the service group
/// shuts down; marks the server ready after the first publish that succeeds.
struct RefreshService: Service {
    let refresh: (@Sendable () async -> Bool)?
    let interval: Duration?
    let ready: ServerReadiness
    /// Ends when the server listens (or the run is cancelled).
    let listening: AsyncStream<Void>

    func run() async throws {
        guard let refresh else {
            try? await gracefulShutdown()
            return
        }
        for await _ in listening {}
        guard !Task.isCancelled && !Task.isShuttingDownGracefully else { return }
        if await refresh() { ready.markReady() }
        guard let interval else {
            try? await gracefulShutdown()
            return
        }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            if Task.isShuttingDownGracefully { return }
            if await refresh() { ready.markReady() }
        }
    }
}

/// Hummingbird's HTTP/1 channel with `HTTPVersionRules` in front of its conversion to
/// HTTP types, where the request's version is still known.
struct VersionAwareHTTP1Channel: ServerChildChannel {
    let base: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            try operations.addHandler(HTTPVersionRules(), position: .before(try operations.handler(type: HTTP1ToHTTPServerCodec.self)))
            return value
        }
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
