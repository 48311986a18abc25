/// An exact reader for the YAML most front matter is written in, so that it need not go
/// through Yams.
///
/// It reads a strict subset: a block mapping at column 0 whose keys are plain words
/// (`[A-Za-z_][A-Za-z0-9_-]*`, none that Yams' default rules would type, no duplicate),
/// each with one of
/// - a plain scalar on the key's line (`post`, `2012-01-01 14:23:51 +0200`, `https://x`),
/// - a double-quoted string on one line, with the escapes `\"` `\\` `\/` `\n` `\t` only,
/// - a single-quoted string on one line (`''` is a quote),
/// - a flow list of such scalars on one line (`[a, "b", 'c']`, `[]`),
/// - nothing (`key:`), or a block list of such scalars on the following lines, one per
///   line, all at one indentation (`  - a`, or `- a` at column 0);
///
/// with blank lines, comment lines and ` # comments` after a value. Characters are the
/// printable ones YAML allows, without tabs, CRs or the other line breaks (NEL, LS, PS) and
/// byte order marks; keys are ASCII.
///
/// For such a text it returns the very table `SourceText.parseYAMLWithYams` returns: keys
/// in order, each key's line, every value a string (the Yams path composes with no rules
/// when no key looks typed, and `configValue` keeps untagged scalars as text: `false` and
/// `3` are the strings written), null for a plain `~`, `null` or nothing, or a list of
/// those. Anything
/// else, including anything that might be an error, is declined (`nil`): the Yams path
/// reads it, and reports its errors.
enum SimpleYAML {
    /// The table the Yams path returns for `source`, or `nil` when `source` is outside the
    /// subset this reads.
    static func table(_ source: String) -> ConfigTable? {
        source.utf8.withContiguousStorageIfAvailable(read) ?? nil
    }

    private static func read(_ text: UnsafeBufferPointer<UInt8>) -> ConfigTable? {
        guard charactersAreSimple(text) else { return nil }
        var table = ConfigTable()
        // The key whose value is on the lines below it (a block list, or nothing), its
        // items so far, and their indentation (set by the first).
        var open: (key: String, items: [ConfigValue], indent: Int?)?
        var lineNumber = 0
        var lineStart = 0
        while lineStart < text.count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < text.count, text[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            var line = Line(text: text, index: lineStart, end: lineEnd)
            lineStart = lineEnd + 1

            let indent = line.skipSpaces()
            if line.atEnd || line.peek == UInt8(ascii: "#") { continue }
            if indent > 0 || line.peek == UInt8(ascii: "-") {
                // Only an item of the open key's block list may be here.
                guard var list = open, list.indent == nil || list.indent == indent,
                      line.take(UInt8(ascii: "-")), line.skipSpaces() > 0,
                      line.peek != UInt8(ascii: "["), let item = line.scalar(inFlow: false),
                      line.restIsBlankOrComment() else { return nil }
                list.items.append(item)
                list.indent = indent
                open = list
                continue
            }
            if let list = open {
                table[list.key] = list.items.isEmpty ? .null : .array(list.items)
                open = nil
            }
            guard let key = line.key(), !table.contains(key), SourceText.defaultRulesReadAsText(key) else { return nil }
            table.lines[key] = lineNumber
            line.skipSpaces()
            if line.atEnd || line.peek == UInt8(ascii: "#") {
                table[key] = .null
                open = (key, [], nil)
                continue
            }
            let quotedOrList = [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "[")].contains(line.peek)
            guard let value = line.value(), line.restIsBlankOrComment() else { return nil }
            table[key] = value
            if !quotedOrList, case .string(let text) = value, SourceText.isUnzonedTimestamp(text) {
                table.unzonedYAMLTimestamps.insert(key)
            }
        }
        if let list = open { table[list.key] = list.items.isEmpty ? .null : .array(list.items) }
        return table
    }

    /// Whether every character is one YAML reads as itself: printable (libyaml refuses
    /// control characters), not a tab or CR, not a line break other than LF (NEL, LS, PS)
    /// and not a byte order mark (skipped at the start of a line). `text` is valid UTF-8.
    private static func charactersAreSimple(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < text.count {
            let b = text[i]
            if b >= 0x20, b < 0x7F || b >= 0x80 {
                if b == 0xC2, text[i + 1] < 0xA0 { return false }  // C1 controls, NEL
                if b == 0xE2, text[i + 1] == 0x80, text[i + 2] == 0xA8 || text[i + 2] == 0xA9 { return false }  // LS, PS
                if b == 0xEF, text[i + 1] == 0xBB && text[i + 2] == 0xBF || text[i + 1] == 0xBF && text[i + 2] >= 0xBE {
                    return false  // BOM, U+FFFE, U+FFFF
                }
            } else if b != UInt8(ascii: "\n") {
                return false
            }
            i += 1
        }
        return true
    }

    /// One line of the text being read, from `index` to `end` (its line feed or the text's end).
    private struct Line {
        let text: UnsafeBufferPointer<UInt8>
        var index: Int
        let end: Int

        var atEnd: Bool { index == end }
        var peek: UInt8? { index < end ? text[index] : nil }

        func peek(_ offset: Int) -> UInt8? { index + offset < end ? text[index + offset] : nil }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        /// Skips spaces; returns how many.
        @discardableResult
        mutating func skipSpaces() -> Int {
            let start = index
            while peek == UInt8(ascii: " ") { index += 1 }
            return index - start
        }

        /// Whether only spaces follow, or spaces and a comment.
        mutating func restIsBlankOrComment() -> Bool {
            let spaces = skipSpaces()
            return atEnd || (spaces > 0 && peek == UInt8(ascii: "#"))
        }

        /// A key at the start of the line and its `:`, which ends the line or is followed by a space.
        mutating func key() -> String? {
            let start = index
            guard let first = peek, first.isLetter || first == UInt8(ascii: "_") else { return nil }
            while let b = peek, b.isLetter || b.isDigit || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") { index += 1 }
            // libyaml refuses a simple key of more than 1,024 characters; longer keys than
            // any front matter uses (100) are left to Yams, well short of that.
            guard index - start <= 100, take(UInt8(ascii: ":")), atEnd || peek == UInt8(ascii: " ") else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: text[start..<index - 1]), as: UTF8.self)
        }

        /// A value on the key's line: a flow list or a scalar.
        mutating func value() -> ConfigValue? {
            guard take(UInt8(ascii: "[")) else { return scalar(inFlow: false) }
            var items: [ConfigValue] = []
            skipSpaces()
            if take(UInt8(ascii: "]")) { return .array(items) }
            while true {
                skipSpaces()
                guard let item = scalar(inFlow: true) else { return nil }
                items.append(item)
                skipSpaces()
                if take(UInt8(ascii: "]")) { return .array(items) }
                // A comma must be followed by an item (no trailing comma).
                guard take(UInt8(ascii: ",")) else { return nil }
            }
        }

        /// A quoted or plain scalar, as text, or null for a plain `~` or `null` (as
        /// `SourceText.configValue` reads them); `inFlow` for an item of a flow list.
        mutating func scalar(inFlow: Bool) -> ConfigValue? {
            switch peek {
            case UInt8(ascii: "\""): return doubleQuoted().map(ConfigValue.string)
            case UInt8(ascii: "'"): return singleQuoted().map(ConfigValue.string)
            default: return plain(inFlow: inFlow).map { SourceText.isNullWord($0) ? .null : .string($0) }
            }
        }

        mutating func doubleQuoted() -> String? {
            index += 1
            var bytes: [UInt8] = []
            while let b = peek {
                index += 1
                switch b {
                case UInt8(ascii: "\""):
                    return String(decoding: bytes, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    switch peek {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(text[index])
                    case UInt8(ascii: "n"): bytes.append(UInt8(ascii: "\n"))
                    case UInt8(ascii: "t"): bytes.append(UInt8(ascii: "\t"))
                    default: return nil
                    }
                    index += 1
                default:
                    bytes.append(b)
                }
            }
            return nil  // continues on the next line
        }

        mutating func singleQuoted() -> String? {
            index += 1
            var bytes: [UInt8] = []
            while let b = peek {
                index += 1
                if b == UInt8(ascii: "'") {
                    guard take(UInt8(ascii: "'")) else { return String(decoding: bytes, as: UTF8.self) }
                }
                bytes.append(b)
            }
            return nil  // continues on the next line
        }

        /// A plain scalar up to the end of the line or a ` #` comment (in a flow list, up to
        /// `,` or `]`), its trailing spaces left unread. Declines a first character that is an
        /// indicator (but `-` before a letter or digit), and a `:` that would end the scalar
        /// (`: `, or at the end; in a flow list any `:`, and any `#`, `[`, `{`, `}`).
        mutating func plain(inFlow: Bool) -> String? {
            guard let first = peek else { return nil }
            if first == UInt8(ascii: "-") {
                guard let next = peek(1), next.isLetter || next.isDigit else { return nil }
            } else if first == UInt8(ascii: " ") || Self.indicators.contains(first) {
                return nil
            }
            let start = index
            var contentEnd = index
            while let b = peek {
                if inFlow {
                    if b == UInt8(ascii: ",") || b == UInt8(ascii: "]") { break }
                    if Self.flowRefused.contains(b) { return nil }
                } else if b == UInt8(ascii: ":") {
                    if index + 1 == end || text[index + 1] == UInt8(ascii: " ") { return nil }
                } else if b == UInt8(ascii: "#"), text[index - 1] == UInt8(ascii: " ") {
                    break
                }
                index += 1
                if b != UInt8(ascii: " ") { contentEnd = index }
            }
            if inFlow, atEnd { return nil }  // the list continues on the next line
            index = contentEnd
            return String(decoding: UnsafeBufferPointer(rebasing: text[start..<contentEnd]), as: UTF8.self)
        }

        /// Characters that cannot start a plain scalar, or whose meaning there is not plain text.
        static let indicators: [UInt8] = Array("-?:,[]{}#&*!|>'\"%@`".utf8)
        /// Characters refused inside a plain item of a flow list.
        static let flowRefused: [UInt8] = Array(":#[{}".utf8)
    }
}

private extension UInt8 {
    var isLetter: Bool { (self | 0x20) >= UInt8(ascii: "a") && (self | 0x20) <= UInt8(ascii: "z") }
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
}
