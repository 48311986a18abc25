import CrierValidation
import Foundation
import Synchronization

/// The validator as the gate in front of every write: a feed Crier produces must have no
/// errors and no warnings by Crier's own validator, the same code that checks strangers'
/// feeds with `crier validate`.
///
/// An Atom or RSS file is checked a few entries at a time, in parallel: each batch of
/// entries is validated in a document made of the feed's own bytes before and after the
/// entries and those entries alone, so every rule about the feed, and every rule about an
/// entry in that feed, is applied to the exact bytes that are written. Entries the file
/// lists in `RenderedFile.knownValidEntries` (a publish sets them for entries it validated
/// before within the same surrounding bytes) are skipped. The one rule across entries that
/// matters for a feed Crier writes, that no two share an id, is `FeedRenderer`'s, which
/// refuses such a feed before it is written.
public enum FeedGate {
    /// The most entries, and about the most bytes, validated in one document: enough that
    /// the bytes around the entries and each document's set-up are a small part of the
    /// work, few enough that a batch stays on the parser's whole-document path.
    static let batchEntries = 16
    static let batchBytes = 1 << 20

    /// Whether the gate splits `file` into more than one batch, which it validates on
    /// every core at once.
    static func splits(_ file: RenderedFile) -> Bool {
        let pending = file.parts.entryRanges.indices.filter { !file.knownValidEntries.contains($0) }
        return batched(pending, of: file.parts).count > 1
    }

    /// Crier's validator as a `FeedCheck`: every error and warning in `file`, one line each
    /// (`path:line:column: severity: [rule] message`, followed by `(in the entry of PATH)`
    /// when the problem is in an entry made from a post; `path: error` when the file
    /// cannot be read back), each line once; empty when the file may be written.
    public static let check: FeedCheck = { file in
        let parts = file.parts
        guard !parts.entryRanges.isEmpty else {
            return problems(in: parts.bytes, path: file.path)
        }
        let pending = parts.entryRanges.indices.filter { !file.knownValidEntries.contains($0) }
        guard !pending.isEmpty else { return [] }
        var batches = batched(pending, of: parts)
        var found = validate(batches, of: pending, in: file)
        // Rare: in a batch that is not well formed, the parser stopped at the broken entry
        // and checked none after it; its entries are validated again one to a document.
        let stopped = batches.indices.filter { index in
            guard batches[index].count > 1, case .success(let diagnostics) = found[index] else { return false }
            return diagnostics.contains(where: \.stopsTheParser)
        }
        if !stopped.isEmpty {
            let stoppedSet = Set(stopped)
            let singles = stopped.flatMap { index in batches[index].map { $0..<$0 + 1 } }
            var again = validate(singles, of: pending, in: file)[...]
            var all: [(batch: Range<Int>, found: Result<[Diagnostic], any Error>)] = []
            for index in batches.indices {
                all.append((batches[index], found[index]))
                guard stoppedSet.contains(index) else { continue }
                for slot in batches[index] { all.append((slot..<slot + 1, again.removeFirst())) }
            }
            batches = all.map(\.batch)
            found = all.map(\.found)
        }

        // Rare: each diagnostic's line is moved from the batch's document to the whole file.
        var lineCounts: [Int] = []  // of each entry, counted once the first problem is found
        let prefixLines = parts.prefix.lineCount
        var fileLines: [Int] = []  // the file line each entry starts on, then the suffix's
        var messages: [String] = []
        var seen: Set<String> = []
        for (batch, result) in zip(batches, found) {
            let diagnostics: [Diagnostic]
            switch result {
            case .success(let found): diagnostics = found
            case .failure(let error):
                messages.append("\(file.path): \(error)")
                continue
            }
            guard !diagnostics.isEmpty else { continue }
            if fileLines.isEmpty {
                do {
                    lineCounts = try parts.reading { entry in try parts.entryRanges.indices.map { try entry($0).lineCount } }
                } catch {
                    // Without the entries, the problems cannot be placed in the file.
                    messages.append("\(file.path): \(error)")
                    return messages
                }
                var line = prefixLines + 1
                fileLines = lineCounts.map { count in defer { line += count }; return line }
                fileLines.append(line)
            }
            // Where each of the batch's entries starts in its document, and where the suffix does.
            var documentLines: [Int] = []
            var line = prefixLines + 1
            for slot in batch {
                documentLines.append(line)
                line += lineCounts[pending[slot]]
            }
            let suffixLine = line
            for var diagnostic in diagnostics {
                var post: String?
                if diagnostic.line >= suffixLine {
                    diagnostic.line += fileLines[parts.entryRanges.count] - suffixLine
                } else if diagnostic.line > prefixLines {
                    let k = documentLines.lastIndex { $0 <= diagnostic.line }!
                    let entry = pending[batch.lowerBound + k]
                    diagnostic.line += fileLines[entry] - documentLines[k]
                    post = entry < file.entrySources.count ? file.entrySources[entry] : nil
                }
                // The post to fix, when the problem is in an entry made from one.
                let message = describe(diagnostic, path: file.path) + (post.map { " (in the entry of \($0))" } ?? "")
                if seen.insert(message).inserted { messages.append(message) }
            }
        }
        return messages
    }

    /// The errors and warnings in each of `batches` (runs of indices into `pending`, the
    /// entries of `file` to check), each validated as one document between the file's
    /// prefix and suffix, in parallel.
    private static func validate(_ batches: [Range<Int>], of pending: [Int], in file: RenderedFile) -> [Result<[Diagnostic], any Error>] {
        let parts = file.parts
        let found = ResultSlots<Result<[Diagnostic], any Error>>(count: batches.count)
        // One worker per core, each with one document buffer it refills for every batch,
        // taking the next batch not yet taken, so that the workers end together.
        let workers = min(batches.count, ProcessInfo.processInfo.activeProcessorCount)
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var document: [UInt8] = []
            while true {
                let batch = next.add(1, ordering: .relaxed).oldValue
                guard batch < batches.count else { break }
                found[batch] = Result {
                    document.removeAll(keepingCapacity: true)
                    document += parts.prefix
                    // Entries borrowed from the published file are read from it.
                    try parts.reading { entry in
                        for slot in batches[batch] { document += try entry(pending[slot]) }
                    }
                    document += parts.suffix
                    return FeedValidator.validate(bytes: document, fileName: file.path).diagnostics
                        .filter { $0.severity == .error || $0.severity == .warning }
                }
            }
        }
        return found.values
    }

    /// Consecutive runs of `pending` (indices into `pending`), each one document.
    private static func batched(_ pending: [Int], of parts: FeedParts) -> [Range<Int>] {
        var batches: [Range<Int>] = []
        var start = 0, bytes = 0
        for slot in pending.indices {
            if slot > start, slot - start == batchEntries || bytes + parts.entryRanges[pending[slot]].count > batchBytes {
                batches.append(start..<slot)
                start = slot
                bytes = 0
            }
            bytes += parts.entryRanges[pending[slot]].count
        }
        batches.append(start..<pending.count)
        return batches
    }

    /// The errors and warnings Crier's validator finds in a whole document, one line each.
    public static func problems(in bytes: [UInt8], path: String) -> [String] {
        FeedValidator.validate(bytes: bytes, fileName: path).diagnostics
            .filter { $0.severity == .error || $0.severity == .warning }
            .map { describe($0, path: path) }
    }

    private static func describe(_ diagnostic: Diagnostic, path: String) -> String {
        "\(path):\(diagnostic.line):\(diagnostic.column): \(diagnostic.severity.rawValue): [\(diagnostic.rule)] \(diagnostic.message)"
    }
}

extension ArraySlice<UInt8> {
    /// The number of newlines.
    var lineCount: Int {
        withUnsafeBufferPointer { buffer in
            var count = 0
            for byte in buffer where byte == 0x0A { count += 1 }
            return count
        }
    }
}
