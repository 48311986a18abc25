@testable import CrierServer
import Foundation

/// A real `FeedServer` on 127.0.0.1 with a free port, running in a task for one test.
final class ServerHarness: Sendable {
    let folder: URL
    let port: Int
    private let task: Task<Void, any Error>

    static func start(folder: URL, configure: (inout FeedServer.Configuration) -> Void = { _ in },
                      refresh: (@Sendable () async -> Bool)? = nil, waitUntilReady: Bool = true) async throws -> ServerHarness {
        var configuration = FeedServer.Configuration(folder: folder)
        configuration.port = 0
        configure(&configuration)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let server = FeedServer(configuration: configuration, refresh: refresh, onListening: { port in
            continuation.yield(port)
            continuation.finish()
        })
        let task = Task { try await server.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw RawHTTPClient.Failure(description: "server did not start") }
        let harness = ServerHarness(folder: folder, port: port, task: task)
        if waitUntilReady { try await harness.waitUntilReady() }
        return harness
    }

    private init(folder: URL, port: Int, task: Task<Void, any Error>) {
        self.folder = folder
        self.port = port
        self.task = task
    }

    func waitUntilReady() async throws {
        for _ in 0..<200 {
            if (try? await get("/healthz").status) == 200 { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw RawHTTPClient.Failure(description: "server never became ready")
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    func get(_ path: String, headers: [String: String] = [:], method: String = "GET") async throws -> RawHTTPResponse {
        let port = self.port
        return try await OffPool.run { try RawHTTPClient.get(path, port: port, headers: headers, method: method) }
    }
}

/// A temporary folder of published files.
final class PublishedFiles: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("crier-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes the file atomically (temporary file and rename), as the publisher does.
    func write(_ path: String, _ bytes: [UInt8]) throws {
        let file = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString).tmp")
        try Data(bytes).write(to: temporary)
        guard rename(temporary.path, file.path) == 0 else { throw RawHTTPClient.Failure(description: "rename failed") }
    }

    func write(_ path: String, _ text: String) throws { try write(path, Array(text.utf8)) }
}

/// Atom documents of a chosen size for serving tests.
enum SampleFeed {
    static func atom(entries: Int, marker: String = "v1") -> String {
        var text = """
        <?xml version="1.0" encoding="UTF-8"?>
        <feed xmlns="http://www.w3.org/2005/Atom"><id>urn:crier:test</id><title>Test \(marker)</title>
        <updated>2024-01-01T00:00:00Z</updated><author><name>T</name></author>

        """
        for i in 0..<entries {
            text += "<entry><id>urn:crier:test:\(i)</id><title>Entry \(i) \(marker)</title><updated>2024-01-01T00:00:00Z</updated><content type=\"html\">&lt;p&gt;Body of entry \(i), \(marker).&lt;/p&gt;</content></entry>\n"
        }
        return text + "</feed>\n"
    }
}

/// Runs blocking socket work on a thread of its own: blocking Swift's cooperative pool
/// (two threads on a two-core machine) would starve the server under test.
enum OffPool {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.start()
        }
    }
}
