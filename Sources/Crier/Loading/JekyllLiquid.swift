import Foundation

/// The little Liquid that Jekyll posts lean on for their content, done without a Liquid
/// engine: `{{ site.url }}`, `{{ site.baseurl }}`, `{{ "/path" | relative_url }}`,
/// `{{ "/path" | absolute_url }}`, `{% post_url NAME %}`, `{% link _posts/FILE %}`,
/// `{% highlight lang %}…{% endhighlight %}` (as a fenced code block),
/// `{% raw %}…{% endraw %}` and `{% comment %}…{% endcomment %}`.
///
/// Markdown code (fenced and indented blocks, code spans, `highlight` blocks) is left as
/// written but for `raw` tags, which Jekyll removes everywhere. Any other tag or output
/// outside code is left as written, and the first one is reported so the post can warn.
enum JekyllLiquid {
    /// Finds the URLs of other posts for `post_url` and `link`.
    protocol Links: Sendable {
        /// The URL of the post whose file name without extension is `name` or ends with
        /// `/name` (`2024-03-05-hello` or `sub/2024-03-05-hello`); `nil` when there is none.
        func url(ofPostNamed name: String) -> String?
        /// The URL of the post at `path` relative to the site (`_posts/2024-03-05-hello.md`).
        func url(ofPostAt path: String) -> String?
    }

    /// The text with the Liquid Crier knows done.
    struct Output {
        /// The body with the Liquid done, Markdown still.
        var text: String
        /// What to tell about the first tag or output left as written outside code, with
        /// its 0-based line in the body.
        var leftAsWritten: (message: String, line: Int)?
        /// `post_url` or `link` named another post (so the text depends on that post's URL).
        var linksToPosts = false
    }

    /// A `post_url` whose post does not exist, at a 0-based line of the body.
    struct UnknownPost: Error {
        /// What is wrong, without the file and line.
        var message: String
        /// 0-based line in the body.
        var line: Int
    }

    /// Does the Liquid of `body`. With `links`, an unknown `post_url` throws; without,
    /// `post_url` and `link` are left as written.
    static func apply(_ body: String, baseURL: String, links: (any Links)?) throws(UnknownPost) -> Output {
        guard TextSearch.contains("{{", in: body) || TextSearch.contains("{%", in: body) else { return Output(text: body) }
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        var url = base
        var baseurl = ""
        if let schemeEnd = TextSearch.firstRange(of: "://", in: base), let slash = base[schemeEnd.upperBound...].firstIndex(of: "/") {
            url = String(base[..<slash])
            baseurl = String(base[slash...])
        }
        let code = codeRanges(in: body)
        var nextCode = 0
        func isCode(_ index: String.Index) -> Bool {
            while nextCode < code.count && code[nextCode].upperBound <= index { nextCode += 1 }
            return nextCode < code.count && code[nextCode].lowerBound <= index
        }
        func line(of index: String.Index) -> Int { body[..<index].reduce(0) { $1 == "\n" ? $0 + 1 : $0 } }

        var result = Output(text: "")
        var out = ""
        out.reserveCapacity(body.utf8.count)
        var rest = Substring(body)
        func note(_ tag: String, at index: String.Index, message: String? = nil) {
            if result.leftAsWritten == nil {
                result.leftAsWritten = (message ?? "Liquid \(tag) is not run by Crier; it appears as written", line(of: index))
            }
        }
        /// Skips to after the `{% end %}` tag, returning what is before it.
        func until(_ end: String) -> Substring {
            if let range = rest.range(of: #"\{%-?\s*"# + end + #"\s*-?%\}"#, options: .regularExpression) {
                defer { rest = rest[range.upperBound...] }
                return rest[..<range.lowerBound]
            }
            defer { rest = rest[rest.endIndex...] }
            return rest
        }
        while let open = TextSearch.firstRange(of: "{", in: rest) {
            out += rest[..<open.lowerBound]
            let afterBrace = rest[open.upperBound...]
            guard let kind = afterBrace.first, kind == "{" || kind == "%" else {
                out += "{"
                rest = afterBrace
                continue
            }
            let closer = kind == "{" ? "}}" : "%}"
            let inner = afterBrace.dropFirst()
            guard let close = TextSearch.firstRange(of: closer, in: inner) else {
                if !isCode(open.lowerBound) { note(kind == "{" ? "`{{`" : "`{%`", at: open.lowerBound) }
                out += rest[open.lowerBound...]
                rest = rest[rest.endIndex...]
                break
            }
            let whole = rest[open.lowerBound..<close.upperBound]
            let expression = inner[..<close.lowerBound].trimmingCharacters(in: CharacterSet(charactersIn: "- \t\n"))
            rest = rest[close.upperBound...]
            let words = kind == "%" ? expression.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) : []
            // Jekyll removes `raw` everywhere (Liquid runs before Markdown); in code
            // nothing else is done.
            if words.first == "raw" {
                out += until("endraw")
                continue
            }
            if isCode(open.lowerBound) {
                out += whole
                continue
            }
            if kind == "{" {
                if let value = output(of: expression, url: url, baseurl: baseurl) {
                    out += value
                } else {
                    out += whole
                    note("`{{ \(expression.count > 40 ? String(expression.prefix(40)) + "…" : expression) }}`", at: open.lowerBound)
                }
                continue
            }
            let argument = words.dropFirst().joined(separator: " ")
            switch words.first {
            case "comment":
                _ = until("endcomment")
            case "highlight":
                if !out.isEmpty && !out.hasSuffix("\n") { out += "\n" }
                out += "```" + (words.count > 1 ? String(words[1]) : "")
            case "endhighlight":
                if !out.hasSuffix("\n") { out += "\n" }
                out += "```"
            case "post_url" where links != nil && !argument.isEmpty:
                let name = String(argument.drop(while: { $0 == "/" }))
                guard let target = links?.url(ofPostNamed: name) else {
                    throw UnknownPost(message: "`{% post_url \(name) %}`: there is no post named \(name) (write a post's file name without its extension, such as 2024-03-05-hello, with its folder below _posts/ if it has one)",
                                      line: line(of: open.lowerBound))
                }
                out += target
                result.linksToPosts = true
            case "link" where links != nil && !argument.isEmpty:
                let path = String(argument.drop(while: { $0 == "/" }))
                if let target = links?.url(ofPostAt: path) {
                    out += target
                    result.linksToPosts = true
                } else {
                    out += whole
                    note("", at: open.lowerBound, message: "Liquid `{% link \(path) %}`: Crier links only to posts, so it appears as written")
                }
            default:
                out += whole
                note("`{% \(words.first ?? "") %}`", at: open.lowerBound)
            }
        }
        out += rest
        result.text = out
        return result
    }

    /// The value of a `{{ … }}` expression Crier knows, `nil` for others.
    static func output(of expression: String, url: String, baseurl: String) -> String? {
        switch expression {
        case "site.url": return url
        case "site.baseurl": return baseurl
        default: break
        }
        let parts = expression.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let quote = parts[0].first, quote == "\"" || quote == "'",
              parts[0].count >= 2, parts[0].last == quote else { return nil }
        let path = String(parts[0].dropFirst().dropLast())
        let rooted = path.hasPrefix("/") ? path : "/" + path
        switch parts[1] {
        case "relative_url": return baseurl + rooted
        case "absolute_url": return url + baseurl + rooted
        default: return nil
        }
    }

    /// The parts of a Markdown `body` that are code, in order: fenced and indented code
    /// blocks (a line indented inside a list item is taken for list text, not code, unless
    /// indented twice over), `{% highlight %}` blocks, and code spans. Found line by line
    /// as CommonMark reads them, near enough for Liquid: a `{{` in code stays as written.
    static func codeRanges(in body: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var fence: (mark: Character, count: Int)?
        var inHighlight = false
        var previousBlank = true
        var inIndentedCode = false
        var inList = false
        var paragraph: Range<String.Index>?
        func flushParagraph() {
            guard let range = paragraph else { return }
            paragraph = nil
            ranges += codeSpans(in: body[range])
        }
        let highlightEnd = #"\{%-?\s*endhighlight\s*-?%\}"#
        let highlightStart = #"\{%-?\s*highlight(\s[^%]*)?-?%\}"#
        var start = body.startIndex
        while start < body.endIndex {
            let end = body[start...].firstIndex(of: "\n") ?? body.endIndex
            let next = end < body.endIndex ? body.index(after: end) : end
            let line = body[start..<end]
            defer { start = next }
            let blank = line.allSatisfy(\.isWhitespace)
            var indent = 0
            for ch in line {
                if ch == " " { indent += 1 } else if ch == "\t" { indent += 4 - indent % 4 } else { break }
            }
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if inHighlight {
                if let close = line.range(of: highlightEnd, options: .regularExpression) {
                    ranges.append(start..<close.lowerBound)
                    inHighlight = false
                } else {
                    ranges.append(start..<next)
                }
                continue
            }
            if let open = fence {
                ranges.append(start..<next)
                let run = trimmed.prefix(while: { $0 == open.mark })
                if run.count >= open.count && trimmed.dropFirst(run.count).allSatisfy(\.isWhitespace) { fence = nil }
                continue
            }
            if let mark = trimmed.first, mark == "`" || mark == "~" {
                let run = trimmed.prefix(while: { $0 == mark })
                if run.count >= 3 && !(mark == "`" && trimmed.dropFirst(run.count).contains("`")) {
                    flushParagraph()
                    fence = (mark, run.count)
                    ranges.append(start..<next)
                    continue
                }
            }
            // A tag of its own at the start of a line (one in a code span is text).
            if let open = trimmed.range(of: highlightStart, options: [.regularExpression, .anchored]) {
                flushParagraph()
                if let close = line[open.upperBound...].range(of: highlightEnd, options: .regularExpression) {
                    ranges.append(open.upperBound..<close.lowerBound)
                } else {
                    ranges.append(open.upperBound..<next)
                    inHighlight = true
                }
                continue
            }
            if blank {
                flushParagraph()
                previousBlank = true
                continue
            }
            if indent >= (inList ? 8 : 4) && (previousBlank || inIndentedCode) && paragraph == nil {
                inIndentedCode = true
                ranges.append(start..<next)
                previousBlank = false
                continue
            }
            inIndentedCode = false
            if indent < 4 && isListMarker(trimmed) {
                flushParagraph()
                inList = true
            } else if indent == 0 && previousBlank {
                inList = false
            }
            previousBlank = false
            paragraph = (paragraph?.lowerBound ?? start)..<next
        }
        flushParagraph()
        return ranges
    }

    /// Whether a line (without its indentation) starts a list item: `- `, `* `, `+ `,
    /// `1. ` or `1) `.
    static func isListMarker(_ line: Substring) -> Bool {
        if let first = line.first, first == "-" || first == "*" || first == "+" {
            return line.dropFirst().first.map { $0 == " " || $0 == "\t" } ?? true
        }
        let digits = line.prefix(while: \.isASCII).prefix(while: \.isNumber)
        guard !digits.isEmpty, digits.count <= 9 else { return false }
        let after = line.dropFirst(digits.count)
        guard let mark = after.first, mark == "." || mark == ")" else { return false }
        return after.dropFirst().first.map { $0 == " " || $0 == "\t" } ?? true
    }

    /// Code spans in one paragraph: a run of backticks up to the next run of as many.
    static func codeSpans(in text: Substring) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var index = text.startIndex
        while let tick = text[index...].firstIndex(of: "`") {
            let run = text[tick...].prefix(while: { $0 == "`" })
            var search = run.endIndex
            var closed = false
            while let other = text[search...].firstIndex(of: "`") {
                let closing = text[other...].prefix(while: { $0 == "`" })
                if closing.count == run.count {
                    ranges.append(tick..<closing.endIndex)
                    index = closing.endIndex
                    closed = true
                    break
                }
                search = closing.endIndex
            }
            if !closed { index = run.endIndex }
        }
        return ranges
    }
}
