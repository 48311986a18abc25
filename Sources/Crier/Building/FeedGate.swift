import CrierValidation
import Foundation

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

    public static let check: FeedCheck = { file in
        let parts = file.parts
        guard !parts.entryRanges.isEmpty else {
            return problems(in: parts.bytes, path: file.path)
        }
        let pending = parts.entryRanges.indices.filter { !file.knownValidEntries.contains($0) }
        guard !pending.isEmpty else { return [] }
        var batches = batched(pending, of: parts)
        var found = validate(batches, of: pending, in: file)
        // Rare: a batch with problems is validated again an entry at a time, as an error
        // that stops the parser in one entry would hide those of the entries after it.
        let failed = batches.indices.filter { index in
            guard batches[index].count > 1, case .success(let diagnostics) = found[index] else { return false }
            return !diagnostics.isEmpty
        }
        if !failed.isEmpty {
            let singles = failed.flatMap { index in batches[index].map { $0..<$0 + 1 } }
            let again = validate(singles, of: pending, in: file)
            var merged: [(batch: Range<Int>, found: Result<[Diagnostic], any Error>)] = []
            for index in batches.indices where !failed.contains(index) { merged.append((batches[index], found[index])) }
            merged += zip(singles, again).map { ($0, $1) }
            merged.sort { $0.batch.lowerBound < $1.batch.lowerBound }
            batches = merged.map(\.batch)
            found = merged.map(\.found)
        }

        // Rare: each diagnostic's line is moved from the batch's document to the whole file.
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
                var line = prefixLines + 1
                let entries = parts.entries
                fileLines = parts.entryRanges.indices.map { index in
                    defer { line += index < entries.count ? entries[index].lineCount : 0 }
                    return line
                }
                fileLines.append(line)
            }
            // Where each of the batch's entries starts in its document, and where the suffix does.
            var documentLines: [Int] = []
            var line = prefixLines + 1
            for slot in batch {
                documentLines.append(line)
                line += ((try? parts.entry(pending[slot])) ?? []).lineCount
            }
            let suffixLine = line
            for var diagnostic in diagnostics {
                if diagnostic.line >= suffixLine {
                    diagnostic.line += fileLines[parts.entryRanges.count] - suffixLine
                } else if diagnostic.line > prefixLines {
                    let k = documentLines.lastIndex { $0 <= diagnostic.line }!
                    diagnostic.line += fileLines[pending[batch.lowerBound + k]] - documentLines[k]
                }
                let message = describe(diagnostic, path: file.path)
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
        // One worker per core, each with one document buffer it refills for every batch.
        let workers = min(batches.count, ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var document: [UInt8] = []
            for batch in stride(from: worker, to: batches.count, by: workers) {
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
