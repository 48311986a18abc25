import Foundation

/// Front matter values of a kind their key cannot use (a list where a title is text, a
/// mapping among tags): each is said, naming the file and the key's line, what the value
/// is and what is done instead, so nothing the author wrote is dropped unsaid.
extension PostRules {
    /// Says what cannot be used of a post's front matter `fm` (its defaults and Hugo's
    /// lower-cased keys applied).
    struct ValueKinds {
        var fm: ConfigTable
        var flavor: SourceFlavor
        /// The front matter was TOML (a mapping is "a table" there).
        var toml: Bool
        /// The post's file's path (its display path is worked out only for a warning).
        var file: String

        /// A warning about `key`'s value (its `item`, 1-based, in a list), at the key's
        /// line; a key without a line is a Jekyll default from the site's configuration,
        /// and is said to be one.
        func warning(_ key: String, item: Int? = nil, _ message: String) -> PostError {
            let line = fm.line(of: key)
            let from = line == nil && flavor == .jekyll ? " (from `defaults:` in _config.yml)" : ""
            return PostError(path: SiteConfiguration.displayPath(filePath: file), line: line, message: "`\(key)`\(item.map { " item \($0)" } ?? "")\(from) \(message)")
        }

        /// What `value` is, for a message.
        func kind(_ value: ConfigValue) -> String { value.kindForUser(toml: toml) }

        /// `published` and `draft` values that are not true or false (a list, a number),
        /// with what the post is taken for instead.
        func switchWarnings() -> [PostError] {
            var keys: [(key: String, instead: String)] = [("draft", "the post is not taken for a draft")]
            if flavor != .hugo { keys.insert(("published", "the post is published"), at: 0) }
            return keys.compactMap { key, instead in
                guard let value = fm[key], (flavor == .hugo ? value.hugoBool(yaml: !toml) : value.bool) == nil,
                      value.scalarText?.trimmingWhitespace.isEmpty != true else { return nil }
                return warning(key, "is \(kind(value)), not true or false; \(instead)")
            }
        }

        /// Values of the keys read as text (but the title, said by `titleWarning`) that are
        /// not text: lists, mappings, dates.
        func textWarnings() -> [PostError] {
            var keys: [(key: String, wanted: String, instead: String)] = [
                ("description", "text", "the summary is taken from the post"),
                ("slug", "text", "it does not give the post's slug"),
                ("lang", "a language tag such as en or pt-BR", "it does not give the post's language"),
                ("language", "a language tag such as en or pt-BR", "it does not give the post's language"),
                ("guid", "text", "it is not the entry's id"),
                ("id", "text", "it is not the entry's id"),
            ]
            switch flavor {
            case .hugo:
                keys += [
                    ("summary", "text", "the summary is taken from the post"),
                    ("url", "text", "the post's URL is made from its place in the content folder"),
                ]
            case .jekyll, .folder:
                keys += [
                    ("excerpt", "text", "the summary is taken from the post"),
                    ("excerpt_separator", "text", "the site's excerpt separator is used"),
                    ("permalink", "text", "the site's permalink pattern is used"),
                ]
            }
            return keys.compactMap { key, wanted, instead in
                guard let value = fm[key], value.scalarText == nil else { return nil }
                return warning(key, "is \(kind(value)), not \(wanted); \(instead)")
            }
        }

        /// A title that is not text, with where the title comes from instead (`source`:
        /// "the file name", "the post's first heading").
        func titleWarning(source: String) -> PostError? {
            guard let value = fm["title"], value.scalarText == nil else { return nil }
            return warning("title", "is \(kind(value)), not text; the title is taken from \(source)")
        }

        /// A merge key left in the table: its value was not a mapping or a list of them.
        func mergeWarning() -> PostError? {
            guard let value = fm["<<"] else { return nil }
            return warning("<<", "merges a mapping or a list of mappings into the front matter (such as `<<: *defaults`); this one is \(kind(value)), so nothing is merged")
        }

        /// The names (tags or categories) of `key`, as Jekyll reads them: a list, nested
        /// lists taken flat (Jekyll flattens them), or one text split at spaces (whole, for
        /// Hugo); a mapping or a date, which names nothing, is said and left out.
        func names(_ key: String, warnings: inout [PostError]) -> [String] {
            guard let value = fm[key] else { return [] }
            switch value {
            case .string(let text) where flavor == .hugo:
                return text.isEmpty ? [] : [text]
            case .array(let items):
                var names: [String] = []
                for (index, item) in items.enumerated() {
                    func add(_ item: ConfigValue) {
                        switch item {
                        case .array(let inner): inner.forEach(add)
                        case .table, .dateTime:
                            warnings.append(warning(key, item: index + 1, "is \(kind(item)), not a name; it is left out"))
                        default:
                            if let text = item.scalarText, !text.isEmpty { names.append(text) }
                        }
                    }
                    add(item)
                }
                return names
            case .table, .dateTime:
                warnings.append(warning(key, "is \(kind(value)), not a list of names; it names nothing"))
                return []
            default:
                return value.stringList
            }
        }

        /// The people in `author` (or `authors`) that give no one, said: a mapping whose
        /// name is missing or not text, a date; and an email or address that is not text.
        /// (`PersonRules.people` reads them; a null item is a person not given.)
        func peopleWarnings(_ key: String) -> [PostError] {
            guard let value = fm[key] else { return [] }
            var warnings: [PostError] = []
            func check(_ value: ConfigValue, item: Int?) {
                switch value {
                case .array(let items):
                    // Nested lists are read flat, each item numbered in the outer list.
                    for (index, inner) in items.enumerated() { check(inner, item: item ?? index + 1) }
                case .table(let person):
                    let named = person.first("name", "display_name", "displayName")
                    if let named, named.value.scalarText == nil {
                        warnings.append(warning(key, item: item, "is a person whose `\(named.key)` is \(kind(named.value)), not text; the person is left out"))
                    } else if named?.value.scalarText?.isEmpty != false {
                        warnings.append(warning(key, item: item, "is a person without a `name`; the person is left out"))
                    } else {
                        for given in [person.first("email"), person.first("uri", "url", "web", "website", "homepage")].compactMap({ $0 })
                        where given.value.scalarText == nil {
                            warnings.append(warning(key, item: item, "is a person whose `\(given.key)` is \(kind(given.value)), not text; it is left out"))
                        }
                    }
                case .dateTime:
                    warnings.append(warning(key, item: item, "is a date, not a person's name; it is left out"))
                default:
                    break
                }
            }
            check(value, item: nil)
            return warnings
        }
    }
}
