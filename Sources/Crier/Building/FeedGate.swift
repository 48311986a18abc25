import CrierValidation
import Foundation

/// The validator as the gate in front of every write: a feed Crier produces must have no
/// errors and no warnings by Crier's own validator, the same code that checks strangers'
/// feeds with `crier validate`.
///
/// An Atom or RSS file is checked entry by entry, in parallel: each entry is validated in
/// a document made of the feed's own bytes before and after the entries and that entry
/// alone, so every rule about the feed, and every rule about an entry in that feed, is
/// applied to the exact bytes that are written. Entries the file lists in
/// `RenderedFile.knownValidEntries` (a publish sets them for entries it validated before
/// within the same surrounding bytes) are skipped. The one rule across entries, that no
/// two share an id, is `FeedRenderer`'s, which refuses such a feed before it is written.
public enum FeedGate {
    public static let check: FeedCheck = { file in
        let parts = file.parts
        guard !parts.entryRanges.isEmpty else {
            return problems(in: parts.bytes, path: file.path)
        }
        let pending = parts.entryRanges.indices.filter { !file.knownValidEntries.contains($0) }
        guard !pending.isEmpty else { return [] }
        let prefixLines = parts.prefix.lineCount
        let found = ResultSlots<[Diagnostic]>(count: pending.count)
        // One worker per core, each with one document buffer it refills for every entry.
        let workers = min(pending.count, ProcessInfo.processInfo.activeProcessorCount)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var document: [UInt8] = []
            for slot in stride(from: worker, to: pending.count, by: workers) {
                document.removeAll(keepingCapacity: true)
                document += parts.prefix
                document += parts.bytes[parts.entryRanges[pending[slot]]]
                document += parts.suffix
                found[slot] = FeedValidator.validate(bytes: document, fileName: file.path).diagnostics
                    .filter { $0.severity == .error || $0.severity == .warning }
            }
        }
        // Rare: each diagnostic's line is moved from the small document to the whole file.
        var entryLines: [Int] = []
        var messages: [String] = []
        var seen: Set<String> = []
        for (slot, diagnostics) in zip(pending.indices, found.values) where !diagnostics.isEmpty {
            if entryLines.isEmpty {
                var line = prefixLines + 1
                entryLines = parts.entryRanges.map { range in defer { line += parts.bytes[range].lineCount }; return line }
                entryLines.append(line)
            }
            let index = pending[slot]
            let entryLineCount = parts.bytes[parts.entryRanges[index]].lineCount
            for var diagnostic in diagnostics {
                if diagnostic.line > prefixLines + entryLineCount {
                    diagnostic.line += entryLines[parts.entryRanges.count] - (prefixLines + 1) - entryLineCount
                } else if diagnostic.line > prefixLines {
                    diagnostic.line += entryLines[index] - (prefixLines + 1)
                }
                let message = describe(diagnostic, path: file.path)
                if seen.insert(message).inserted { messages.append(message) }
            }
        }
        return messages
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
