import CrierMarkdown
import Foundation
import Yams

/// A post file's text split into front matter and body.
struct SourceDocument: Sendable {
    enum Syntax: Sendable { case yaml, toml }

    /// `nil` when the file does not start with front matter.
    var frontMatter: ConfigTable?
    var syntax: Syntax?
    var body: String
    /// 1-based line of the file where `body` starts.
    var bodyLine: Int
}

enum SourceText {
    /// Decodes a file's bytes: UTF-8 only (an invalid byte is an error at its line, and so
    /// is a NUL byte, which no text holds and UTF-16 is full of; a UTF-16 byte order mark
    /// is said to be one), byte order mark dropped, CRLF line ends turned into LF. `path`
    /// (here and below) is worked out only for an error: a display path costs a URL
    /// standardisation per post.
    static func decode(_ bytes: [UInt8], path: @autoclosure () -> String) throws(PostError) -> String {
        try decode(bytes, path: path(), carriageReturnsEndLines: false)
    }

    /// `decode` for a post, reading classic Mac OS line ends (a carriage return alone) as
    /// line ends too, in a file that has them: one without a line feed at all, or whose
    /// first line is a front matter delimiter ended so. Such a file's front matter was
    /// otherwise never found, and showed in its text. `carriageReturnLines` says whether
    /// the file is one.
    static func decodePost(_ bytes: [UInt8], path: @autoclosure () -> String) throws(PostError) -> (text: String, carriageReturnLines: Bool) {
        let lines = hasCarriageReturnLines(bytes)
        return (try decode(bytes, path: path(), carriageReturnsEndLines: lines), lines)
    }

    /// Whether `bytes` ends its lines with carriage returns alone: it has one, and no line
    /// feed, or its first line is `---` or `+++` (and spaces) ended by one.
    static func hasCarriageReturnLines(_ bytes: [UInt8]) -> Bool {
        var content = bytes[...]
        if content.starts(with: [0xEF, 0xBB, 0xBF]) { content = content.dropFirst(3) }
        guard TextSearch.contains(byte: 0x0D, in: content) else { return false }
        if !TextSearch.contains(byte: 0x0A, in: content) { return true }
        guard content.starts(with: Array("---".utf8)) || content.starts(with: Array("+++".utf8)) else { return false }
        let afterDelimiter = content.dropFirst(3).drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        return afterDelimiter.first == 0x0D && afterDelimiter.dropFirst().first != 0x0A
    }

    private static func decode(_ bytes: [UInt8], path: @autoclosure () -> String, carriageReturnsEndLines: Bool) throws(PostError) -> String {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        let content = bytes[start...]
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw PostError(path: path(), line: 1, message: "the file is UTF-16 (it starts with a UTF-16 byte order mark), not UTF-8; save it as UTF-8")
        }
        /// The line of the byte at `offset` from the content's start.
        func line(of offset: Int) -> Int {
            var line = 1
            for i in content.startIndex..<(content.startIndex + offset) {
                let carriageReturnLine = carriageReturnsEndLines && content[i] == 0x0D && content[i + 1] != 0x0A
                if content[i] == 0x0A || carriageReturnLine { line += 1 }
            }
            return line
        }
        // The offset is only searched on failure. The validated string is the result when
        // there is no CR to drop (no second pass).
        let validated = content.withUnsafeBytes { UTF8Text.string(validating: $0) }
        if validated == nil, let offset = content.withUnsafeBytes({ UTF8Text.firstInvalidOffset($0) }) {
            // `offset` is from the content's start, after any byte order mark.
            throw PostError(path: path(), line: line(of: offset), message: "not valid UTF-8 (byte \(start + offset + 1) of the file); save the file as UTF-8")
        }
        if let offset = TextSearch.offset(ofByte: 0, in: content) {
            throw PostError(path: path(), line: line(of: offset),
                            message: "a NUL byte (byte \(start + offset + 1) of the file), which no text holds: if the file is UTF-16, save it as UTF-8")
        }
        guard TextSearch.contains(byte: 0x0D, in: content) else { return validated ?? String(decoding: content, as: UTF8.self) }
        var normalised: [UInt8] = []
        normalised.reserveCapacity(content.count)
        var index = content.startIndex
        while index < content.endIndex {
            let b = content[index]
            let next = content.index(after: index)
            if b == 0x0D, next < content.endIndex, content[next] == 0x0A {
                index = next
                continue
            }
            normalised.append(b == 0x0D && carriageReturnsEndLines ? 0x0A : b)
            index = next
        }
        return String(decoding: normalised, as: UTF8.self)
    }

    /// Splits `text` into front matter (`---` YAML or `+++` TOML, and with `json`, Hugo's
    /// JSON object) and body.
    static func split(_ text: String, path: @autoclosure () -> String, json: Bool = false) throws(PostError) -> SourceDocument {
        if json, let document = try splitJSON(text, path: path()) { return document }
        let syntax: SourceDocument.Syntax
        let delimiter: Substring
        if isDelimiterLine(text, "---") {
            syntax = .yaml
            delimiter = "---"
        } else if isDelimiterLine(text, "+++") {
            syntax = .toml
            delimiter = "+++"
        } else {
            return SourceDocument(frontMatter: nil, syntax: nil, body: text, bodyLine: 1)
        }
        // Find the closing delimiter line (`...` also ends YAML).
        var lineNumber = 1
        // A file that is the opening line alone has no line after it.
        var lineStart = TextSearch.firstLineFeed(in: Substring(text)).map(text.index(after:)) ?? text.endIndex
        let contentStart = lineStart
        var closing: (start: String.Index, end: String.Index, line: Int)?
        while lineStart < text.endIndex {
            lineNumber += 1
            let lineEnd = TextSearch.firstLineFeed(in: text[lineStart...]) ?? text.endIndex
            let line = text[lineStart..<lineEnd]
            let trimmed = line.trimmingTrailingSpaces
            if trimmed == delimiter || (syntax == .yaml && trimmed == "...") {
                closing = (lineStart, lineEnd, lineNumber)
                break
            }
            lineStart = lineEnd < text.endIndex ? text.index(after: lineEnd) : text.endIndex
        }
        guard let closing else {
            throw PostError(path: path(), line: 1, message: "front matter starting with '\(delimiter)' is never closed (no second '\(delimiter)' line)")
        }
        let source = String(text[contentStart..<closing.start])
        let table: ConfigTable
        switch syntax {
        case .yaml: table = try parseYAML(source, path: path(), firstLine: 2)
        case .toml:
            do {
                table = try TOML.parse(source)
            } catch {
                throw PostError(path: path(), line: error.line + 1, message: "TOML front matter: \(error.message)")
            }
        }
        let bodyStart = closing.end < text.endIndex ? text.index(after: closing.end) : text.endIndex
        return SourceDocument(frontMatter: table.offsettingLines(by: 1), syntax: syntax, body: String(text[bodyStart...]), bodyLine: closing.line + 1)
    }

    /// Hugo's JSON front matter: an object at the start of the file (after any white
    /// space), to its matching `}`; the body is what follows, from the same line on when
    /// there is more on it. `nil` when the file does not start with `{`. The object is
    /// read as YAML, of which JSON is a part, so its values are read as YAML's are, lines
    /// and all.
    static func splitJSON(_ text: String, path: @autoclosure () -> String) throws(PostError) -> SourceDocument? {
        let utf8 = text.utf8
        var line = 1
        var index = utf8.startIndex
        while index < utf8.endIndex, [0x20, 0x09, 0x0A].contains(utf8[index]) {
            if utf8[index] == 0x0A { line += 1 }
            index = utf8.index(after: index)
        }
        guard index < utf8.endIndex, utf8[index] == UInt8(ascii: "{") else { return nil }
        let start = index
        let firstLine = line
        var depth = 0
        var inString = false
        var escaped = false
        var end: String.Index?
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == 0x0A { line += 1 }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") {
                depth += 1
            } else if byte == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 {
                    end = utf8.index(after: index)
                    break
                }
            }
            index = utf8.index(after: index)
        }
        guard let end else {
            throw PostError(path: path(), line: firstLine, message: "JSON front matter starting with '{' is never closed (no matching '}')")
        }
        let object = String(text[start..<end])
        // JSON as Hugo reads it (Go's encoding/json): text that only looks like an object
        // (a shortcode, `{{< video >}}`) is no front matter YAML could take instead.
        do {
            _ = try JSONSerialization.jsonObject(with: Data(object.utf8))
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            // Foundation says where: "… around character 15." (a byte offset into the
            // object), or in some versions "… around line 3, column 1.".
            var line = firstLine
            func number(after word: String) -> Int? {
                reason.range(of: word).flatMap { Int(reason[$0.upperBound...].prefix(while: \.isNumber)) }
            }
            if let number = number(after: "line ") {
                line = firstLine + number - 1
            } else if let offset = number(after: "character ") {
                line = firstLine + object.utf8.prefix(offset).reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
            }
            throw PostError(path: path(), line: line, message: "JSON front matter starting with '{' is not JSON: \(reason)")
        }
        let table: ConfigTable
        do {
            table = try parseYAMLWithYams(joiningSurrogatePairs(object), path: path(), firstLine: firstLine)
        } catch {
            throw PostError(path: error.path, line: error.line,
                            message: "JSON front matter: " + (error.message.hasPrefix("YAML: ") ? String(error.message.dropFirst(6)) : error.message))
        }
        // The rest of the closing line, when blank, is not part of the body.
        var bodyStart = end
        var bodyLine = line
        var rest = end
        while rest < utf8.endIndex, utf8[rest] == 0x20 || utf8[rest] == 0x09 { rest = utf8.index(after: rest) }
        if rest == utf8.endIndex {
            bodyStart = rest
        } else if utf8[rest] == 0x0A {
            bodyStart = utf8.index(after: rest)
            bodyLine += 1
        }
        return SourceDocument(frontMatter: table.offsettingLines(by: firstLine - 1), syntax: .yaml,
                              body: String(text[bodyStart...]), bodyLine: bodyLine)
    }

    /// `json` with each escaped UTF-16 surrogate pair (`\\ud83c\\udf89`, as many JSON
    /// encoders write a character beyond the first 65,536) written as the character it
    /// stands for: YAML's escapes name whole characters, so the YAML reader refuses the
    /// halves. `json` is valid JSON, so every backslash is in a string and starts an escape.
    static func joiningSurrogatePairs(_ json: String) -> String {
        guard json.contains("\\u") else { return json }
        let scalars = Array(json.unicodeScalars)
        func hex(at index: Int) -> UInt32? {
            guard index + 4 <= scalars.count else { return nil }
            return UInt32(String(String.UnicodeScalarView(scalars[index..<index + 4])), radix: 16)
        }
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "\\", index + 1 < scalars.count else {
                out.append(scalars[index])
                index += 1
                continue
            }
            if scalars[index + 1] == "u", let high = hex(at: index + 2), (0xD800...0xDBFF).contains(high),
               index + 7 < scalars.count, scalars[index + 6] == "\\", scalars[index + 7] == "u",
               let low = hex(at: index + 8), (0xDC00...0xDFFF).contains(low),
               let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) {
                out.append(scalar)
                index += 12
                continue
            }
            out.append(scalars[index])
            out.append(scalars[index + 1])
            index += 2
        }
        return String(out)
    }

    static func isDelimiterLine(_ text: String, _ delimiter: String) -> Bool {
        guard text.hasPrefix(delimiter) else { return false }
        let firstLine = text[..<(TextSearch.firstLineFeed(in: Substring(text)) ?? text.endIndex)]
        return firstLine.trimmingTrailingSpaces == delimiter
    }

    /// Yams works its default encoding out from the process environment on every call
    /// (a copy of the whole environment per post); it cannot change during a run. Only
    /// read, so sharing it across loader threads is safe.
    nonisolated(unsafe) static let yamlEncoding = Parser.Encoding.default

    /// Parses YAML front matter or a YAML config file. `firstLine` is the file line of the
    /// text's first line, so errors point into the file. Most front matter is read by
    /// `SimpleYAML`, to the same table; anything else goes through Yams.
    static func parseYAML(_ source: String, path: @autoclosure () -> String, firstLine: Int) throws(PostError) -> ConfigTable {
        if let table = SimpleYAML.table(source) { return table }
        return try parseYAMLWithYams(source, path: path(), firstLine: firstLine)
    }

    /// `parseYAML` through Yams, for any YAML (and its errors).
    static func parseYAMLWithYams(_ source: String, path: @autoclosure () -> String, firstLine: Int) throws(PostError) -> ConfigTable {
        let node: Node?
        do {
            node = try compose(source)
        } catch let error as YamlError {
            throw yamlError(error, path: path(), firstLine: firstLine)
        } catch let error as AliasKeyError {
            throw PostError(path: path(), line: error.line + firstLine - 1, message: "YAML: this key is an alias of a list or mapping, or holds one; write keys out as text")
        } catch let error as AliasExpansionError {
            throw PostError(path: path(), line: error.line + firstLine - 1, message: "YAML: aliases here expand to more than \(error.limit) values (an alias bomb?); write the values out instead")
        } catch {
            throw PostError(path: path(), line: firstLine, message: "YAML: \(error)")
        }
        guard let node else { return ConfigTable() }
        if case .scalar(let scalar) = node, scalar.string.isEmpty || scalar.tag.rawValue == Tag.Name.null.rawValue { return ConfigTable() }
        guard case .table(let table) = configValue(node) else {
            throw PostError(path: path(), line: firstLine, message: "YAML front matter is not a mapping of keys to values")
        }
        return table
    }

    /// `Yams.compose` with its default resolver, read faster when that makes no difference.
    ///
    /// The default resolver runs up to seven regular expressions on a plain scalar to type
    /// it. `configValue` never asks for a value's type (plain values stay text), but Yams
    /// types every mapping key to look for duplicates. A key that no rule matches is a
    /// string, as every key is with no rules at all; so a text whose keys are all such
    /// words is composed without rules, and any other text (a key such as `1`, `true` or
    /// `~`, a tagged or complex key, a duplicate) is composed again with them.
    ///
    /// Yams shares an alias's node rather than copying it, but everything that walks the
    /// result sees it expanded: a few lines of aliases of aliases ("billion laughs") stand
    /// for billions of values. A text whose aliases expand to more values than it has bytes
    /// (plus a margin) is refused before anything walks it.
    ///
    /// Yams also hashes every mapping key while it composes, to find duplicates, and an
    /// alias of a list as a key (or in one) is hashed expanded before any of that can be
    /// counted. So a text with such aliases is first composed with each alias written as a
    /// plain word, which cannot expand, and refused if any key holds one.
    static func compose(_ source: String) throws -> Node? {
        let limit = source.utf8.count + 100_000
        if let line = try aliasKeyLine(source) { throw AliasKeyError(line: line) }
        if let node = try? Yams.compose(yaml: source, .basic, .default, yamlEncoding) {
            try checkExpandedSize(node, limit: limit)
            if keysAreText(node) { return node }
        }
        let node = try Yams.compose(yaml: source, .default, .default, yamlEncoding)
        if let node { try checkExpandedSize(node, limit: limit) }
        return node
    }

    /// A mapping key that holds an alias of a list or mapping, at this line of the text (1-based).
    struct AliasKeyError: Error {
        var line: Int
    }

    /// The line of the first mapping key in `source` that holds an alias of a list or a
    /// mapping, found by composing the text with every alias replaced by a plain word of
    /// its own; `nil` when there is none. (An alias of a scalar as a key is harmless, and
    /// read as usual.) Throws Yams' error when that text does not compose: the text itself,
    /// which differs only in its aliases, would fail the same way, and must not be composed
    /// for it to tell.
    static func aliasKeyLine(_ source: String) throws -> Int? {
        // libyaml's anchors and aliases: `&` or `*`, then letters, digits, `-` or `_`. Any
        // such run not inside a name is taken for one (wherever a token may start, whatever
        // line break or space comes before): replacing a `*` that is not an alias, in a
        // quoted or plain scalar, changes only text; taking an anchor for a list's, or a
        // scalar's anchor for a list's, errs on the safe side.
        // Most text that reaches Yams has no alias at all.
        guard source.utf8.contains(UInt8(ascii: "*")) else { return nil }
        let utf8 = Array(source.utf8)
        var bytes: [UInt8] = []
        var aliases: [String: String] = [:]  // word → the alias's anchor name
        var collections: Set<String> = []  // anchors that may name a list or a mapping
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            index += 1
            guard byte == UInt8(ascii: "*") || byte == UInt8(ascii: "&"), index < utf8.count, isAnchorByte(utf8[index]),
                  index == 1 || !isAnchorByte(utf8[index - 2]) else {
                bytes.append(byte)
                continue
            }
            let start = index
            while index < utf8.count, isAnchorByte(utf8[index]) { index += 1 }
            let name = String(decoding: utf8[start..<index], as: UTF8.self)
            if byte == UInt8(ascii: "&") {
                // A scalar starts on the anchor's line with a word, a number or a quote;
                // anything else (a bracket, a line break, a tag, a block scalar) may be a
                // list or a mapping.
                var next = index
                while next < utf8.count, utf8[next] == UInt8(ascii: " ") || utf8[next] == UInt8(ascii: "\t") { next += 1 }
                if next == utf8.count || !(isAnchorByte(utf8[next]) || "\"'.+~/".utf8.contains(utf8[next])) { collections.insert(name) }
                bytes += utf8[(start - 1)..<index]
            } else {
                let word = "crier-alias-\(aliases.count + 1)"
                aliases[word] = name
                // In a flow collection a `:` after an alias (and spaces) is a value
                // indicator, but would be part of a plain word: before one, the word is
                // quoted, as JSON keys are; in single quotes, which are only text in a
                // plain or double-quoted scalar (`"**Note:**"`). (In a single-quoted
                // scalar they end it, and the text is refused as broken.)
                var next = index
                while next < utf8.count, utf8[next] == UInt8(ascii: " ") || utf8[next] == UInt8(ascii: "\t") { next += 1 }
                bytes += next < utf8.count && utf8[next] == UInt8(ascii: ":") ? Array("'\(word)'".utf8) : Array(word.utf8)
            }
        }
        guard aliases.values.contains(where: collections.contains),
              let node = try Yams.compose(yaml: String(decoding: bytes, as: UTF8.self), .basic, .default, yamlEncoding) else {
            return nil
        }
        func holdsCollectionAlias(_ node: Node) -> Bool {
            switch node {
            case .scalar(let scalar):
                return (scalar.style == .plain || scalar.style == .singleQuoted) && aliases[scalar.string].map(collections.contains) == true
            case .alias: return true
            case .sequence(let sequence): return sequence.contains(where: holdsCollectionAlias)
            case .mapping(let mapping): return mapping.contains { holdsCollectionAlias($0.key) || holdsCollectionAlias($0.value) }
            }
        }
        func firstAliasKey(_ node: Node) -> Int? {
            switch node {
            case .scalar, .alias: return nil
            case .sequence(let sequence): return sequence.lazy.compactMap(firstAliasKey).first
            case .mapping(let mapping):
                for (key, value) in mapping {
                    if holdsCollectionAlias(key) { return key.mark?.line ?? 1 }
                    if let line = firstAliasKey(value) { return line }
                }
                return nil
            }
        }
        return firstAliasKey(node)
    }

    private static func isAnchorByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }

    struct AliasExpansionError: Error {
        /// Line of the text (1-based) of the top-level key whose value is too large, or of the node.
        var line: Int
        var limit: Int
    }

    /// Throws when `node`, its aliases expanded, has more than `limit` values; stops counting there.
    static func checkExpandedSize(_ node: Node, limit: Int) throws(AliasExpansionError) {
        var budget = limit
        func count(_ node: Node) -> Bool {
            budget -= 1
            guard budget >= 0 else { return false }
            switch node {
            case .scalar, .alias: return true
            case .sequence(let sequence): return sequence.allSatisfy(count)
            case .mapping(let mapping): return mapping.allSatisfy { count($0.key) && count($0.value) }
            }
        }
        if case .mapping(let mapping) = node {
            for (key, value) in mapping where !(count(key) && count(value)) {
                throw AliasExpansionError(line: key.mark?.line ?? 1, limit: limit)
            }
        } else if !count(node) {
            throw AliasExpansionError(line: node.mark?.line ?? 1, limit: limit)
        }
    }

    /// Whether every mapping key in `node` is a scalar the default rules read as a string.
    static func keysAreText(_ node: Node) -> Bool {
        switch node {
        case .scalar, .alias:
            return true
        case .sequence(let sequence):
            return sequence.allSatisfy(keysAreText)
        case .mapping(let mapping):
            return mapping.allSatisfy { key, value in
                guard case .scalar(let scalar) = key, scalar.tag.rawValue == Tag.Name.str.rawValue,
                      scalar.style != .plain || defaultRulesReadAsText(scalar.string) else { return false }
                return keysAreText(value)
            }
        }
    }

    /// Words the default rules read as booleans or null.
    static let typedWords: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL",
    ]

    /// Whether no rule of Yams' default resolver matches the plain scalar `text`: every
    /// number, timestamp, `~`, `<<` and `=` starts with one of `-+.0123456789~<=`, and the
    /// rules' `$` also matches before a final line break, so one of those is not taken as text.
    static func defaultRulesReadAsText(_ text: String) -> Bool {
        guard let first = text.utf8.first, let last = text.unicodeScalars.last,
              !"-+.0123456789~<=".utf8.contains(first), !last.properties.isWhitespace else { return false }
        return !typedWords.contains(text)
    }

    static func yamlError(_ error: YamlError, path: String, firstLine: Int) -> PostError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let about = context.map { "\($0.text) " } ?? ""
            let line = mark.line + firstLine - 1
            // A quote or a bracket left open is noticed where the text runs out, often the
            // closing `---`: said at the line it opens on, the one to fix. (Other contexts,
            // such as a plain scalar, continue onto the line at fault.)
            if let context, context.mark.line < mark.line,
               ["quoted scalar", "flow sequence", "flow mapping"].contains(where: context.text.hasSuffix) {
                return PostError(path: path, line: context.mark.line + firstLine - 1,
                                 message: "YAML: \(context.text) that starts here, \(problem) at line \(line)")
            }
            return PostError(path: path, line: line, message: "YAML: \(about)\(problem)".trimmingCharacters(in: .whitespaces))
        case .reader(let problem, _, _, _):
            return PostError(path: path, line: firstLine, message: "YAML: \(problem)")
        default:
            return PostError(path: path, line: firstLine, message: "YAML: \(error)")
        }
    }

    /// Whether `node` is a plain `~`, `null` or nothing, which Crier reads as null (an
    /// unset value) however the text was composed.
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return false }
        return scalar.style == .plain && isNullWord(scalar.string)
    }

    /// YAML 1.1's words for null: `~`, `null`, `Null`, `NULL`, and nothing at all.
    static func isNullWord(_ text: String) -> Bool {
        text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    /// Whether `text` is a YAML 1.1 timestamp with a time of day and no zone, as Ruby's YAML
    /// resolves one: `2024-03-05 20:00:00`, `2024-3-5T20:00:00.5`; not `2024-03-05 20:00`
    /// (no seconds: text, which Jekyll reads in the site's zone) nor one ending in `Z` or
    /// an offset.
    static func isUnzonedTimestamp(_ text: String) -> Bool {
        var scanner = ByteScanner(Array(text.utf8))
        let dash = UInt8(ascii: "-"), colon = UInt8(ascii: ":")
        _ = scanner.take(dash)
        guard scanner.digits(min: 4, max: 4) != nil, scanner.take(dash), scanner.digits(min: 1, max: 2) != nil,
              scanner.take(dash), scanner.digits(min: 1, max: 2) != nil,
              scanner.take(UInt8(ascii: "T")) || scanner.take(UInt8(ascii: "t")) || scanner.skipSpaces() > 0,
              scanner.digits(min: 1, max: 2) != nil, scanner.take(colon), scanner.digits(min: 2, max: 2) != nil,
              scanner.take(colon), scanner.digits(min: 2, max: 2) != nil else { return false }
        if scanner.take(UInt8(ascii: ".")) {
            while scanner.digit() != nil {}
        }
        scanner.skipSpaces()
        return scanner.atEnd
    }

    /// YAML to `ConfigValue`. Timestamps stay strings, read by the date rules: Yams reads a
    /// zone-less timestamp as UTC, which Jekyll does too (`ConfigTable.unzonedYAMLTimestamps`
    /// says which keys hold one) but Hugo and a bare folder do not.
    static func configValue(_ node: Node) -> ConfigValue {
        switch node {
        case .scalar(let scalar):
            // Composed without rules, a plain `~`, `null` or nothing is text: it is null,
            // an unset value (`timezone:` left empty), as in any YAML reader.
            if isNull(node) { return .null }
            switch Tag.Name(rawValue: scalar.tag.rawValue) {
            case .null: return .null
            case .bool: return node.bool.map(ConfigValue.bool) ?? .string(scalar.string)
            case .int: return node.int.map(ConfigValue.integer) ?? .string(scalar.string)
            case .float: return node.float.map(ConfigValue.float) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            return .array(sequence.map(configValue))
        case .mapping(let mapping):
            var table = ConfigTable()
            var merged: [ConfigTable] = []
            for (key, value) in mapping {
                if let sources = mergedTables(key: key, value: value) {
                    merged += sources
                    continue
                }
                let name = key.scalar?.string ?? "\(key)"
                table[name] = configValue(value)
                if let line = key.mark?.line { table.lines[name] = line }
                // Not one tagged `!!str`: Ruby's YAML keeps that as text, which Jekyll reads
                // in the site's zone.
                if let scalar = value.scalar, scalar.style == .plain, scalar.tag.rawValue != Tag.Name.str.rawValue, isUnzonedTimestamp(scalar.string) {
                    table.unzonedYAMLTimestamps.insert(name)
                }
            }
            // YAML's merge: a key of the mapping itself wins, then the first mapping merged
            // that has it; its line is where its value is written.
            for source in merged {
                for name in source.keys where !table.contains(name) {
                    table[name] = source.values[name]
                    table.lines[name] = source.lines[name]
                    if source.unzonedYAMLTimestamps.contains(name) { table.unzonedYAMLTimestamps.insert(name) }
                }
            }
            return .table(table)
        case .alias:
            return .null
        }
    }
}

extension SourceText {
    /// The tables a YAML merge key (a plain `<<`: `<<: *defaults`, `<<: [*a, *b]`) merges
    /// into its mapping, in order; `nil` when `key` is no merge key, or its value is not a
    /// mapping or a list of mappings (then it stays a key named `<<`, and the post says
    /// so), as Psych, Jekyll's YAML reader, does.
    static func mergedTables(key: Node, value: Node) -> [ConfigTable]? {
        guard case .scalar(let scalar) = key, scalar.style == .plain, scalar.string == "<<",
              scalar.tag.rawValue == Tag.Name.merge.rawValue else { return nil }
        let sources: [Node]
        switch value {
        case .mapping: sources = [value]
        case .sequence(let sequence): sources = Array(sequence)
        default: return nil
        }
        var tables: [ConfigTable] = []
        for source in sources {
            guard case .mapping = source, case .table(let table) = configValue(source) else { return nil }
            tables.append(table)
        }
        return tables
    }
}

extension ConfigTable {
    /// The same table with its key lines moved by `offset` (text line to file line).
    func offsettingLines(by offset: Int) -> ConfigTable {
        var copy = self
        copy.lines = lines.mapValues { $0 + offset }
        return copy
    }
}

extension StringProtocol {
    var trimmingTrailingSpaces: SubSequence {
        var end = endIndex
        while end > startIndex {
            let previous = index(before: end)
            guard self[previous] == " " || self[previous] == "\t" else { break }
            end = previous
        }
        return self[startIndex..<end]
    }
}
