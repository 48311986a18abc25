import Foundation
@testable import Crier

/// A site or posts folder built in a fresh temporary directory for one test.
struct TemporarySite {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("crier-loading-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    /// Writes `text` (UTF-8) at `path`, creating folders.
    @discardableResult
    func write(_ path: String, _ text: String) throws -> URL {
        try write(path, bytes: Array(text.utf8))
    }

    @discardableResult
    func write(_ path: String, bytes: [UInt8]) throws -> URL {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url
    }

    func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}

enum LoadingFixtures {
    static func url(_ name: String) -> URL {
        Bundle.module.url(forResource: "Fixtures/loading/\(name)", withExtension: nil)!
    }
}

extension LoadResult {
    func post(_ sourcePath: String) -> Post? {
        posts.first { $0.sourcePath == sourcePath }
    }
}

/// A date from UTC components, for expectations.
func utcDate(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0) -> Date {
    Date(timeIntervalSince1970: Double(daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second))
}
