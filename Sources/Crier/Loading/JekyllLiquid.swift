import Foundation

/// The little Liquid that Jekyll posts lean on for their content, done without a Liquid
/// engine: `{{ site.url }}`, `{{ site.baseurl }}`, `{{ "/path" | relative_url }}`,
/// `{{ "/path" | absolute_url }}`, `{% highlight lang %}…{% endhighlight %}` (as a fenced
/// code block) and `{% raw %}…{% endraw %}`. Any other tag is left as written.
enum JekyllLiquid {
    static func apply(_ body: String, baseURL: String) -> String {
        guard TextSearch.contains("{{", in: body) || TextSearch.contains("{%", in: body) else { return body }
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        var url = base
        var baseurl = ""
        if let schemeEnd = TextSearch.firstRange(of: "://", in: base), let slash = base[schemeEnd.upperBound...].firstIndex(of: "/") {
            url = String(base[..<slash])
            baseurl = String(base[slash...])
        }

        var out = ""
        out.reserveCapacity(body.utf8.count)
        var rest = Substring(body)
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
                out += rest[open.lowerBound...]
                rest = rest[rest.endIndex...]
                break
            }
            let whole = rest[open.lowerBound..<close.upperBound]
            let expression = inner[..<close.lowerBound].trimmingCharacters(in: CharacterSet(charactersIn: "- \t\n"))
            rest = rest[close.upperBound...]
            if kind == "{" {
                out += output(of: expression, url: url, baseurl: baseurl) ?? String(whole)
                continue
            }
            let words = expression.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
            switch words.first {
            case "raw":
                // Everything up to `{% endraw %}` is kept exactly.
                if let end = rest.range(of: #"\{%-?\s*endraw\s*-?%\}"#, options: .regularExpression) {
                    out += rest[..<end.lowerBound]
                    rest = rest[end.upperBound...]
                } else {
                    out += rest
                    rest = rest[rest.endIndex...]
                }
            case "highlight":
                if !out.isEmpty && !out.hasSuffix("\n") { out += "\n" }
                out += "```" + (words.count > 1 ? String(words[1]) : "")
            case "endhighlight":
                if !out.hasSuffix("\n") { out += "\n" }
                out += "```"
            default:
                out += whole
            }
        }
        out += rest
        return out
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
