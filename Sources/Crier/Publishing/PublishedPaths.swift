import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The files publishing has put in an output folder, kept in `<state>/published-files`,
/// so that a later run can remove the ones it no longer produces: the feed of a tag no
/// post has any more, or a feed whose definition was deleted. Without this, a post
/// withdrawn with `published: false` would stay online in such a feed for ever.
///
/// The record names its output folder; a state folder shared by runs into another output
/// folder reads as empty, so no run removes files of another folder.
struct PublishedPaths: Codable, Equatable {
    /// The output folder the paths are in (absolute, standardised).
    var output: String
    /// Paths relative to `output`, sorted.
    var paths: [String]

    /// The record in `file` for `output`, or `nil` when there is none (or it is unreadable,
    /// or it is another folder's).
    static func read(_ file: URL, output: URL) -> Set<String>? {
        guard let data = try? Data(contentsOf: file),
              let record = try? JSONDecoder().decode(PublishedPaths.self, from: data),
              record.output == output.standardizedFileURL.path else { return nil }
        return Set(record.paths)
    }

    /// Saves `paths` as the files published in `output`.
    static func write(_ paths: Set<String>, output: URL, to file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let record = PublishedPaths(output: output.standardizedFileURL.path, paths: paths.sorted())
        try AtomicFile.write(Array(try encoder.encode(record)), to: file, sync: false)
    }

    /// Removes the file at `path` (relative to `output`), which an earlier run published:
    /// only a regular file inside the folder, never a link, a folder or a path leading
    /// out. Returns `false` when there was nothing of that kind to remove; throws when it
    /// could not be removed.
    static func remove(_ path: String, in output: URL) throws -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, !path.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else { return false }
        let full = output.appendingPathComponent(path).path
        var info = stat()
        guard lstat(full, &info) == 0 else {
            if errno == ENOENT { return false }
            throw AtomicFile.WriteError(path: full, reason: "cannot remove: " + String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return false }
        guard unlink(full) == 0 else {
            throw AtomicFile.WriteError(path: full, reason: "cannot remove: " + String(cString: strerror(errno)))
        }
        return true
    }
}
