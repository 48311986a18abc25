import Foundation

/// The little Liquid that Jekyll posts lean on for their content, done without a Liquid
/// engine: `{{ site.url }}`, `{{ site.baseurl }}`, `{{ "/path" | relative_url }}`,
/// `{{ "/path" | absolute_url }}`, `{% post_url NAME %}`, `{% link _posts/FILE %}`,
/// `{% highlight lang %}…{% endhighlight %}` (as a fenced code block),
/// `{% raw %}…{% endraw %}` and `{% comment %}…{% endcomment %}`.
///
/// Jekyll renders Liquid before Markdown, so all of this is done everywhere in the post,
/// code blocks and code spans included; only `{% raw %}…{% endraw %}` keeps Liquid as
/// written (its tags are removed), which is how authors show Liquid in code.
///
/// Any other tag or output is left as written, and the first one is reported so the post
/// can warn; one in code counts too, since Jekyll would run it there, so the feed shows
/// something other than the site whether or not Crier stays silent, and a warning points
/// the author to `{% raw %}`, which makes both agree.
///
/// A tag or output ends at the first `%}` or `}}` after it, unless a blank line or
/// another `{{` or `{%` comes first: then it is not closed (a lone `{{` in a code span,
/// say) and its opening braces are left as written, with a warning, so it never takes in
/// the text or the Liquid after it. A `raw` or `comment` with no end tag is the same.
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
        /// What to tell about the first tag or output left as written (in code or not),
        /// with its 0-based line in the body.
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
        func line(of index: String.Index) -> Int { body[..<index].reduce(0) { $1 == "\n" ? $0 + 1 : $0 } }

        var result = Output(text: "")
        var out = ""
        out.reserveCapacity(body.utf8.count)
        var rest = Substring(body)
        var inHighlight = false
        // Every search below starts where the last one of its kind started or later, and
        // remembers what it found: a tag that has no closer, or a `raw` that has no
        // `endraw`, must not send each later one to the end of the text again.
        var closers = (output: ForwardSearch { TextSearch.firstRange(of: "}}", in: $0) },
                       tag: ForwardSearch { TextSearch.firstRange(of: "%}", in: $0) })
        var endTags = (raw: ForwardSearch { firstEndTag("endraw", in: $0) },
                       comment: ForwardSearch { firstEndTag("endcomment", in: $0) })
        var fence = FenceTracker()
        func note(_ tag: String, at index: String.Index, message: String? = nil) {
            if result.leftAsWritten == nil {
                result.leftAsWritten = (message ?? "Liquid \(tag) is not run by Crier; it appears as written", line(of: index))
            }
        }
        /// Skips to after the `{% end %}` tag, returning what is before it; `nil`, with
        /// nothing skipped, when there is no such tag.
        func until(_ end: String) -> Substring? {
            let found = end == "endraw" ? endTags.raw.first(in: rest) : endTags.comment.first(in: rest)
            guard let range = found else { return nil }
            defer { rest = rest[range.upperBound...] }
            return rest[..<range.lowerBound]
        }
        while let open = TextSearch.firstRange(of: "{", in: rest) {
            out += rest[..<open.lowerBound]
            let afterBrace = rest[open.upperBound...]
            guard let kind = afterBrace.first, kind == "{" || kind == "%" else {
                out += "{"
                rest = afterBrace
                continue
            }
            let opener = kind == "{" ? "{{" : "{%"
            let closer = kind == "{" ? "}}" : "%}"
            let inner = afterBrace.dropFirst()
            let found = kind == "{" ? closers.output.first(in: inner) : closers.tag.first(in: inner)
            guard let close = found, isClosed(inner[..<close.lowerBound]) else {
                note("", at: open.lowerBound, message: "Liquid `\(opener)` has no `\(closer)` to close it; it appears as written")
                out += opener
                rest = inner
                continue
            }
            let whole = rest[open.lowerBound..<close.upperBound]
            let expression = inner[..<close.lowerBound].trimmingCharacters(in: CharacterSet(charactersIn: "- \t\n"))
            rest = rest[close.upperBound...]
            if kind == "{" {
                if let value = output(of: expression, url: url, baseurl: baseurl) {
                    out += value
                } else {
                    out += whole
                    note("`{{ \(expression.count > 40 ? String(expression.prefix(40)) + "…" : expression) }}`", at: open.lowerBound)
                }
                continue
            }
            let words = expression.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            let argument = words.dropFirst().joined(separator: " ")
            switch words.first {
            case "raw", "comment":
                if let inside = until("end" + words[0]) {
                    if words[0] == "raw" { out += inside }
                } else {
                    out += whole
                    note("", at: open.lowerBound, message: "Liquid `{% \(words[0]) %}` has no `{% end\(words[0]) %}`; it appears as written")
                }
            // A highlight block as posts write it, the tag on a line of its own or starting
            // one, becomes a fenced block; one inside a line (in a code span, say) would
            // start a block in Jekyll too, but Crier cannot make it one there.
            // One inside the author's own fenced block (a post showing how to write a
            // highlight block) stays as written: a fence there would close theirs early.
            case "highlight" where !inHighlight && (lastLineIsBlank(out) || lineIsBlank(rest)) && !fence.endsInside(out):
                if !lastLineIsBlank(out) { out += "\n" }
                out += "```" + (words.count > 1 ? String(words[1]) : "")
                inHighlight = true
            case "endhighlight" where inHighlight:
                if !lastLineIsBlank(out) { out += "\n" }
                out += "```"
                inHighlight = false
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

    /// The first match of a search in a text's suffixes, remembered: asked again from a
    /// later start that is not past it, the answer is the same (and with none found, there
    /// is none after either), so a run of searches over one text costs one pass.
    ///
    /// Every text asked about must end where the text does, and the search must depend on
    /// no more than the characters next to a match (as `TextSearch`'s does).
    struct ForwardSearch {
        let search: (Substring) -> Range<String.Index>?
        private var from: String.Index?
        private var found: Range<String.Index>?

        init(_ search: @escaping (Substring) -> Range<String.Index>?) { self.search = search }

        /// The first match in `text`.
        mutating func first(in text: Substring) -> Range<String.Index>? {
            if let from, text.startIndex >= from, found.map({ text.startIndex <= $0.lowerBound }) ?? true { return found }
            from = text.startIndex
            found = search(text)
            return found
        }
    }

    /// The first `{% end %}` tag in `text` (`name` such as `endraw`), as the regular
    /// expression `\{%-?\s*NAME\s*-?%\}` finds it: scalar by scalar, white space being
    /// Unicode's (a match may start or end inside a `Character`).
    static func firstEndTag(_ name: String, in text: Substring) -> Range<String.Index>? {
        let scalars = text.unicodeScalars
        let nameScalars = Array(name.unicodeScalars)
        var searchFrom = text.startIndex
        while let brace = TextSearch.firstByteRange(of: "{%", in: text[searchFrom...]) {
            searchFrom = brace.upperBound
            var i = brace.upperBound
            func take(_ scalar: Unicode.Scalar) -> Bool {
                guard i < scalars.endIndex, scalars[i] == scalar else { return false }
                i = scalars.index(after: i)
                return true
            }
            func skipWhiteSpace() {
                while i < scalars.endIndex, scalars[i].properties.isWhitespace { i = scalars.index(after: i) }
            }
            _ = take("-")
            skipWhiteSpace()
            guard nameScalars.allSatisfy(take) else { continue }
            skipWhiteSpace()
            _ = take("-")
            if take("%"), take("}") { return brace.lowerBound..<i }
        }
        return nil
    }

    /// Whether the output so far ends in a line of blanks (spaces, tabs, carriage returns):
    /// read back from its end, as far as the first other character. A line feed after a
    /// carriage return is one `Character` with it, neither a blank nor a line's end.
    static func lastLineIsBlank(_ out: String) -> Bool {
        let utf8 = out.utf8
        var i = utf8.endIndex
        while i > utf8.startIndex {
            let previous = utf8.index(before: i)
            switch utf8[previous] {
            case UInt8(ascii: "\n"):
                return previous == utf8.startIndex || utf8[utf8.index(before: previous)] != UInt8(ascii: "\r")
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                i = previous
            default:
                return false
            }
        }
        return true
    }

    /// Whether `text` up to its first line feed holds only blanks (as `lastLineIsBlank`
    /// reads them), read as far as the first other character.
    static func lineIsBlank(_ text: Substring) -> Bool {
        let utf8 = text.utf8
        var i = utf8.startIndex
        while i < utf8.endIndex {
            switch utf8[i] {
            case UInt8(ascii: "\n"):
                return true
            case UInt8(ascii: "\r"):
                let next = utf8.index(after: i)
                if next < utf8.endIndex, utf8[next] == UInt8(ascii: "\n") { return false }
                i = next
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                i = utf8.index(after: i)
            default:
                return false
            }
        }
        return true
    }

    /// Whether Markdown text, read as it grows, ends inside a fenced code block: a line
    /// starting (after up to three spaces) with three or more backticks or tildes opens
    /// one, and a like line of the same character at least as long closes it.
    ///
    /// Each finished line is read once, however often it is asked; only the unfinished
    /// last line is read again.
    struct FenceTracker {
        /// The fence open at the end of the finished lines read so far.
        private var open: (character: Character, count: Int)?
        /// UTF-8 offset of the first line not yet read (just after a line feed).
        private var readTo = 0

        /// Whether `text`, which starts with the text of every earlier call, ends inside a
        /// fenced code block.
        mutating func endsInside(_ text: String) -> Bool {
            let unread = text[text.utf8.index(text.startIndex, offsetBy: readTo)...]
            let lines = unread.split(separator: "\n", omittingEmptySubsequences: false)
            for line in lines.dropLast() { Self.read(line, into: &open) }
            readTo = text.utf8.count - lines[lines.count - 1].utf8.count
            var atEnd = open
            Self.read(lines[lines.count - 1], into: &atEnd)
            return atEnd != nil
        }

        private static func read(_ line: Substring, into open: inout (character: Character, count: Int)?) {
            let indent = line.prefix { $0 == " " }
            guard indent.count <= 3, let first = line.dropFirst(indent.count).first, first == "`" || first == "~" else { return }
            let run = line.dropFirst(indent.count).prefix { $0 == first }.count
            guard run >= 3 else { return }
            if let fence = open {
                if first == fence.character && run >= fence.count && line.dropFirst(indent.count + run).allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
                    open = nil
                }
            } else {
                open = (first, run)
            }
        }
    }

    /// Whether `inside`, the text between an opening `{{` or `{%` and the first closing
    /// `}}` or `%}` after it, belongs to that tag or output: it holds no other opening
    /// (Liquid has none inside one) and no blank line (the tag would run across paragraphs).
    /// Read only as far as the first opening, which is where the next search starts.
    static func isClosed(_ inside: Substring) -> Bool {
        if TextSearch.firstRange(of: "{{", or: "{%", in: inside) != nil { return false }
        var lineIsBlank = false
        for ch in inside {
            if ch == "\n" {
                if lineIsBlank { return false }
                lineIsBlank = true
            } else if ch != " " && ch != "\t" && ch != "\r" {
                lineIsBlank = false
            }
        }
        return true
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
}
