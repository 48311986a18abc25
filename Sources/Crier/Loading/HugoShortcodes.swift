import Foundation

/// Hugo shortcodes in a post's Markdown, before it is rendered: Crier runs no templates,
/// but does what the common built-in ones do, as Hugo 0.111 writes them (checked with
/// `hugo` here):
///
/// - `{{< figure src="…" alt="…" caption="…" title="…" link="…" width="…" height="…"
///   class="…" >}}` becomes the `<figure>` Hugo writes (the caption as text, not
///   Markdown);
/// - `{{< highlight go >}}…{{< /highlight >}}` becomes a fenced code block;
/// - the escaped forms `{{</* … */>}}` and `{{%/* … */%}}` become the shortcode as written.
///
/// Any other shortcode is left as written, and the post is warned about, naming the first
/// and its line, since its output (an embed, a link from `ref`) is missing from the feed.
enum HugoShortcodes {
    struct Result {
        var text: String
        /// The first shortcode left as written: its name and 0-based line in the text.
        var leftAsWritten: (name: String, line: Int)?
    }

    static func apply(_ text: String) -> Result {
        guard text.contains("{{<") || text.contains("{{%") else { return Result(text: text) }
        var output = ""
        var left: (name: String, line: Int)?
        var rest = Substring(text)
        // Lines are counted once, up to the first shortcode left as written.
        var counted = (upTo: text.startIndex, lines: 0)
        func line(at index: String.Index) -> Int {
            counted.lines += text[counted.upTo..<index].reduce(0) { $1 == "\n" ? $0 + 1 : $0 }
            counted.upTo = index
            return counted.lines
        }
        while let open = rest.range(of: "{{") {
            let afterBraces = rest[open.upperBound...]
            guard let marker = afterBraces.first, marker == "<" || marker == "%" else {
                output += rest[..<open.upperBound]
                rest = afterBraces
                continue
            }
            let close = marker == "<" ? ">}}" : "%}}"
            guard let end = afterBraces.range(of: close) else { break }
            let inner = afterBraces[afterBraces.index(after: afterBraces.startIndex)..<end.lowerBound]
            output += rest[..<open.lowerBound]
            rest = afterBraces[end.upperBound...]
            let trimmed = inner.trimmingCharacters(in: .whitespaces)
            // `{{</* figure */>}}`: the shortcode written out, not run.
            if trimmed.hasPrefix("/*"), trimmed.hasSuffix("*/") {
                output += "{{" + String(marker) + String(trimmed.dropFirst(2).dropLast(2)) + String(close.prefix(1)) + "}}"
                continue
            }
            var words = arguments(trimmed)
            // `{{< / notice >}}`: a closing tag written with a space.
            if words.first?.value == "/", words.count > 1 {
                words.removeFirst()
                words[0].value = "/" + words[0].value
            }
            guard let name = words.first?.value else { continue }
            let closing = name == "highlight"
                ? rest.range(of: #"\{\{[<%]\s*/\s*highlight\s*[>%]\}\}"#, options: .regularExpression) : nil
            switch name {
            case "figure":
                var parameters: [String: String] = [:]
                for word in words.dropFirst() {
                    if let key = word.key, parameters[key] == nil { parameters[key] = word.value }
                }
                output += figure(parameters)
            case "highlight" where closing != nil:
                // Closed by `{{< /highlight >}}`, spaced any way, or its `%` form; the code
                // fenced with more backticks than it holds in a row.
                let code = rest[..<closing!.lowerBound].drop { $0 == "\n" }
                var longest = 0, run = 0
                for c in code { run = c == "`" ? run + 1 : 0; longest = max(longest, run) }
                let fence = String(repeating: "`", count: max(3, longest + 1))
                let language = words.dropFirst().first?.value ?? ""
                output += "\n" + fence + language + "\n" + code
                if !output.hasSuffix("\n") { output += "\n" }
                output += fence + "\n"
                rest = rest[closing!.upperBound...]
            default:
                if left == nil { left = (name.hasPrefix("/") ? String(name.dropFirst()) : name, line(at: open.lowerBound)) }
                output += "{{" + String(marker) + inner + close
            }
        }
        output += rest
        return Result(text: output, leftAsWritten: left)
    }

    /// The words of a shortcode's inside: `name key="value" other=word "positional"`.
    static func arguments(_ text: String) -> [(key: String?, value: String)] {
        var words: [(key: String?, value: String)] = []
        var characters = Substring(text)
        func skipSpaces() { characters = characters.drop { $0 == " " || $0 == "\t" || $0 == "\n" } }
        func value() -> String {
            guard let quote = characters.first, quote == "\"" || quote == "`" else {
                let word = characters.prefix { $0 != " " && $0 != "\t" && $0 != "\n" }
                characters = characters.dropFirst(word.count)
                return String(word)
            }
            characters = characters.dropFirst()
            var result = ""
            while let c = characters.first {
                characters = characters.dropFirst()
                if c == quote { break }
                if c == "\\", quote == "\"", let next = characters.first {
                    result.append(next)
                    characters = characters.dropFirst()
                } else {
                    result.append(c)
                }
            }
            return result
        }
        skipSpaces()
        while !characters.isEmpty {
            let word = characters.prefix { $0 != " " && $0 != "\t" && $0 != "\n" && $0 != "=" && $0 != "\"" && $0 != "`" }
            if !word.isEmpty, characters.dropFirst(word.count).first == "=" {
                characters = characters.dropFirst(word.count + 1)
                words.append((String(word), value()))
            } else {
                words.append((nil, value()))
            }
            skipSpaces()
        }
        return words
    }

    /// Hugo 0.111's `figure`, its attributes escaped.
    static func figure(_ p: [String: String]) -> String {
        func attribute(_ name: String, _ value: String?) -> String {
            guard let value, !value.isEmpty else { return "" }
            return " \(name)=\"\(escaped(value))\""
        }
        var html = "\n<figure\(attribute("class", p["class"]))>"
        if let link = p["link"], !link.isEmpty { html += "<a href=\"\(escaped(link))\"\(attribute("target", p["target"]))\(attribute("rel", p["rel"]))>" }
        let alt = p["alt"].flatMap { $0.isEmpty ? nil : $0 } ?? p["caption"]
        html += "<img src=\"\(escaped(p["src"] ?? ""))\"\(attribute("alt", alt))\(attribute("width", p["width"]))\(attribute("height", p["height"]))/>"
        if !(p["link"] ?? "").isEmpty { html += "</a>" }
        let title = p["title"] ?? "", caption = p["caption"] ?? "", attr = p["attr"] ?? ""
        if !title.isEmpty || !caption.isEmpty || !attr.isEmpty {
            html += "<figcaption>"
            if !title.isEmpty { html += "<h4>\(escaped(title))</h4>" }
            if !caption.isEmpty || !attr.isEmpty {
                html += "<p>\(escaped(caption))"
                if let attrlink = p["attrlink"], !attrlink.isEmpty {
                    html += "<a href=\"\(escaped(attrlink))\">\(escaped(attr))</a>"
                } else {
                    html += escaped(attr)
                }
                html += "</p>"
            }
            html += "</figcaption>"
        }
        return html + "</figure>\n"
    }

    private static func escaped(_ text: String) -> String { PostRules.escapeHTML(text) }
}
