import CrierMarkdown
import CrierValidation
import CrierXML
import Foundation

/// The rules that turn one file into a post.
enum PostRules {
    enum Format { case markdown, html, plainText }

    /// The post in `file`. A cache that vouches for files by their `stat` was asked about
    /// this one already (`PostLoader.loadInParallel`), and had no post for it.
    static func load(_ file: PostFile, context: SiteContext, options: LoadOptions) -> FileOutcome {
        var warnings: [PostError] = []
        // `stat` before reading: a write made while the file is read shows next time.
        let trusting = options.cache as? any StatTrustingPostCache
        let identity = trusting.flatMap { $0.identity(of: file.relativePath) ?? FileIO.identity(file.path) }
        guard let data = FileIO.read(file.path) else {
            let message = FileNames.isNotUTF8((file.path as NSString).lastPathComponent, at: file.path)
                ? "cannot read the file: its name is not valid UTF-8 (� stands for the bytes that are not), so it cannot be opened by that name; rename the file in \(SiteConfiguration.displayPath(file.url.deletingLastPathComponent())) to a UTF-8 name"
                : "cannot read the file: \(FileIO.unreadableReason(file.path))"
            return FileOutcome(result: .failure(PostError(path: SiteConfiguration.displayPath(file.url), message: message)), warnings: [])
        }
        // A post loaded by an earlier run from this very version of the file is reused
        // as it was: rendering is most of the cost of a run.
        let key = options.cache.flatMap { _ in PostCacheKeys.key(for: file, data: data, identity: identity) }
        if let cache = options.cache, let key,
           let cached = trusting.map({ $0.post(for: key, identity: identity) }) ?? cache.post(for: key) {
            return FileOutcome(result: .success(cached), warnings: [])
        }
        do {
            var linksToPosts = false
            var post = try build(file, data: data, context: context, options: options, warnings: &warnings, linksToPosts: &linksToPosts)
            // A post that links to others (`post_url`) is not remembered: their URLs may
            // change while its file does not.
            if let cache = options.cache, let key, !linksToPosts, var built = post {
                // Digested once, for the cache and the entry digest both.
                built.content = built.content.digested()
                post = built
                if let trusting { trusting.store(built, for: key, identity: identity) } else { cache.store(built, for: key) }
            }
            return FileOutcome(result: .success(post), warnings: warnings)
        } catch {
            return FileOutcome(result: .failure(error), warnings: warnings)
        }
    }

    /// The post in `file`, `nil` when it is left out (a draft, `published: false`);
    /// `linksToPosts` is set when its text holds other posts' URLs (`post_url`).
    static func build(_ file: PostFile, data: [UInt8], context: SiteContext, options: LoadOptions, warnings: inout [PostError],
                      linksToPosts: inout Bool) throws(PostError) -> Post? {
        // Made once, when needed: `PostFile.url` builds a URL every time it is asked.
        lazy var fileURL = file.url
        lazy var path = SiteConfiguration.displayPath(filePath: file.path)
        let flavor = context.flavor
        let leafName = FileNames.name(ofFile: file.path)
        let ext = FileNames.split(leafName).ext
        let lowercasedExt = ext.lowercased()
        // A Jekyll post whose extension is not in `markdown_ext`, other than HTML, which
        // Jekyll publishes as it is written (a `.txt` or `.textile` post).
        let jekyllAsWritten = flavor == .jekyll && !context.jekyllMarkdownExtensions.contains(lowercasedExt)
            && !PostFiles.htmlExtensions.contains(lowercasedExt)
        let text: String
        let carriageReturnLines: Bool
        do {
            (text, carriageReturnLines) = try SourceText.decodePost(data, path: path)
        } catch where jekyllAsWritten {
            // Jekyll skips it too (an image named like a post, say): said, not an error.
            warnings.append(PostError(path: error.path, line: error.line,
                                      message: "left out: \(error.message); Jekyll leaves out a post that is not UTF-8 text too"))
            return nil
        }
        let document = try SourceText.split(text, path: path, json: flavor == .hugo)
        if document.frontMatter == nil, text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            // Most likely a file not written yet, or emptied by accident: published, but said.
            warnings.append(PostError(path: path, message: "the file is empty: it is published as an entry with no text, titled from its name; write the post or delete the file"))
        }
        if carriageReturnLines, context.flavor == .jekyll, document.frontMatter != nil {
            // Read as the author meant it; Jekyll's site shows the front matter as text.
            warnings.append(PostError(path: path, line: 1, message: "the lines end in carriage returns alone (classic Mac OS): Crier reads them as line ends, but Jekyll does not find the front matter and shows it as text; save the file with LF line ends"))
        }
        var fm = document.frontMatter ?? ConfigTable()
        let toml = document.syntax == .toml
        // Hugo reads front matter keys without case (`Draft = true` is a draft); the
        // lookups below name them in lower case.
        if flavor == .hugo { fm = fm.withLowercasedKeys() }
        let includeDrafts = options.includeDrafts || (flavor == .hugo && context.hugoBuildDrafts)
        if flavor == .hugo, let cascade = context.hugoCascade {
            let page = file.relativePath.split(separator: "/").dropFirst(context.contentDirectory.split(separator: "/").count).map(String.init)
            if !includeDrafts, cascade.isInDraftSection(page: page) { return nil }
            fm = cascade.apply(to: fm, page: page)
        }
        // Categories from `defaults:` when the post names its own too: Jekyll adds the
        // post's to them rather than replacing them.
        var defaultCategories: [String] = []
        if flavor == .jekyll {
            let defaults = frontMatterDefaults(for: file.relativePath, in: context.frontMatterDefaults)
            if fm["categories"] != nil, let categories = defaults["categories"] { defaultCategories = categories.stringList }
            for key in defaults.keys where fm[key] == nil {
                fm[key] = defaults[key]
                if defaults.unzonedYAMLTimestamps.contains(key) { fm.unzonedYAMLTimestamps.insert(key) }
            }
        }

        let kinds = ValueKinds(fm: fm, flavor: flavor, toml: toml, file: file.path)
        // Values of a kind their key cannot use, said in the order of their lines, after
        // the other warnings (and before an error, if one ends the post).
        var kindWarnings = kinds.switchWarnings()
        defer { warnings += kindWarnings.enumerated().sorted { ($0.element.line ?? .max, $0.offset) < ($1.element.line ?? .max, $1.offset) }.map(\.element) }
        // Left out: unpublished posts unless the site publishes them (Jekyll's
        // `unpublished: true`), drafts unless asked for.
        if flavor != .hugo, fm["published"]?.bool == false, !context.includeUnpublished { return nil }
        if flavor == .hugo {
            // Hugo: `draft`, or else a `published` that reads as a boolean (not a date),
            // the other way round.
            let yaml = document.syntax == .yaml
            let draft = fm["draft"].map { $0.hugoBool(yaml: yaml) ?? false } ?? fm["published"]?.hugoBool(yaml: yaml).map { !$0 }
            if draft == true, !includeDrafts { return nil }
            if !Self.hugoLists(fm, bundle: FileNames.baseName(leafName) == "index", yaml: yaml) { return nil }
        } else if fm["draft"]?.bool == true, !options.includeDrafts {
            return nil
        }
        if let merge = kinds.mergeWarning() { kindWarnings.append(merge) }
        kindWarnings += kinds.textWarnings()

        let format: Format
        switch flavor {
        case .jekyll:
            // Jekyll renders `markdown_ext` posts (an `.html` one too when the list names
            // `html`); any other it publishes as written.
            format = context.jekyllMarkdownExtensions.contains(lowercasedExt) ? .markdown : .html
            if jekyllAsWritten {
                warnings.append(PostError(path: path, message: ".\(ext) is not in the site's `markdown_ext`, so the post's text is its HTML as written, as Jekyll publishes it; rename it .md (or add \(ext) to `markdown_ext`) if it is Markdown"))
            }
        case .hugo:
            format = PostFiles.htmlExtensions.contains(ext) ? .html : .markdown
            // Hugo 0.111 copies an HTML file without front matter that starts with a tag
            // (a whole page, or `<p>`) as it is: it is no page of the site. (One that
            // starts with an HTML comment is read as a page, its front matter commented.)
            if format == .html, document.frontMatter == nil {
                let start = document.body.drop { $0.isWhitespace }
                if start.hasPrefix("<") && !start.hasPrefix("<!--") { return nil }
            }
        case .folder:
            if PostFiles.htmlExtensions.contains(lowercasedExt) {
                format = .html
            } else if document.frontMatter != nil || lowercasedExt != "txt" {
                // Front matter makes a Markdown post whatever the extension.
                format = .markdown
            } else {
                format = .plainText
            }
        }

        var baseName = FileNames.baseName(leafName)
        // A multilingual Hugo site: its feeds are the default language's. A page in another
        // language (`hello.fr.md`, or in that language's content folder) is left out; the
        // default's own (`hello.en.md`) is named without its language.
        if flavor == .hugo, let languages = context.hugoLanguages {
            if languages.otherFolders.contains(where: { file.relativePath.hasPrefix($0) }) { return nil }
            if let dot = baseName.lastIndex(of: "."), languages.all.contains(baseName[baseName.index(after: dot)...].lowercased()) {
                if baseName[baseName.index(after: dot)...].lowercased() != languages.primary { return nil }
                baseName = String(baseName[..<dot])
            }
        }
        let dated = FileNames.datePrefix(baseName, shortForms: flavor == .jekyll)
        // Hugo page bundles are named by their folder.
        let fileName: String = {
            if flavor == .hugo, baseName == "index" {
                return fileURL.deletingLastPathComponent().lastPathComponent
            }
            return baseName
        }()
        let fileSlug = dated?.slug ?? fileName

        var body = document.body
        var plainParagraphs: [String] = []
        var title = fm["title"]?.scalarText?.trimmingWhitespaceAndNewlines
        // A title taken from the body's `# Heading` is not repeated as its summary.
        var titleIsLeadingHeading = false
        var titleIsFirstLine = false
        if format == .plainText {
            plainParagraphs = paragraphs(of: body)
            if !plainParagraphs.isEmpty {
                let first = plainParagraphs.removeFirst()
                // The first non-empty line is the title; the rest of its paragraph, if any,
                // is the first paragraph.
                let lines = first.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
                if title == nil || title?.isEmpty == true {
                    title = lines[0].trimmingWhitespace
                    titleIsFirstLine = true
                }
                if lines.count > 1 { plainParagraphs.insert(String(lines[1]), at: 0) }
            }
        } else if title == nil || title?.isEmpty == true, format == .markdown, let heading = leadingHeading(body) {
            title = heading
            titleIsLeadingHeading = true
        }
        let finalTitle = (title?.isEmpty == false ? title : nil) ?? Permalink.titleFromSlug(fileSlug)
        let titleSource = titleIsLeadingHeading ? "the post's first heading" : titleIsFirstLine ? "the post's first line"
            : flavor == .hugo && baseName == "index" ? "the folder's name" : "the file name"
        if let warning = kinds.titleWarning(source: titleSource) { kindWarnings.append(warning) }

        // Dates.
        let zone = context.site.timeZone
        let updatedKeys = flavor == .hugo ? ["lastmod", "modified"] : ["last_modified_at", "lastmod", "updated", "modified"]
        // Jekyll reads an unquoted `2024-03-05 20:00:00` as UTC (Ruby's YAML does), and makes
        // the post's URL from that: read otherwise, a date permalink's day would differ.
        let unzonedInUTC = flavor == .jekyll
        var published: Date?
        if flavor == .hugo {
            // Hugo's `publishDate` handlers, then `date`'s (its `.Date` falls back to the
            // modification dates too), in order; a `published` that reads as a boolean says
            // whether the post is a draft instead.
            for handler in context.hugoDateHandlers {
                switch handler {
                case ":filename":
                    // The date in the file (or bundle folder) name; the rest of the name
                    // is the slug, unless the front matter gives one.
                    guard let named = FileNames.datePrefix(fileName) else { continue }
                    published = named.date.date(in: zone)
                    if fm["slug"] == nil { fm["slug"] = .string(named.slug) }
                case ":filemodtime":
                    published = modificationDate(fileURL)
                case ":git":
                    continue
                default:
                    guard handler != "published" || fm["published"]?.hugoBool(yaml: document.syntax == .yaml) == nil else { continue }
                    published = try date(in: fm, keys: [handler], zone: zone, toml: toml, hugo: true, path: path)
                }
                if published != nil { break }
            }
        } else {
            published = try date(in: fm, keys: ["date"], zone: zone, toml: toml, unzonedInUTC: unzonedInUTC, path: path)
        }
        if published == nil, let dated {
            let date = dated.date.date(in: zone)
            if let problem = FeedDateRange.problem(date) {
                let name = baseName.split(separator: "-", maxSplits: 3).prefix(3).joined(separator: "-")
                throw PostError(path: path, message: "the date \(name) in the file name \(problem); give the post its date in the file name or with `date:` in its front matter")
            }
            published = date
        }
        let undated = published == nil && options.defaultDate == nil
        if published == nil {
            let fallback = options.defaultDate ?? modificationDate(fileURL)
            if let problem = FeedDateRange.problem(fallback) {
                let what = options.defaultDate == nil ? "the file's modification time" : "the default date"
                throw PostError(path: path, message: "no date in the front matter or the file name, and \(what) \(problem); give the post a `date:`")
            }
            published = fallback
            let how = options.defaultDate == nil ? "the file's modification time (its entry id is its URL)" : "the default date"
            let why = FileNames.impossibleDatePrefix(baseName).map { "no date in the front matter, and \($0) in the file name is not a real date" }
                ?? "no date in the front matter or the file name"
            warnings.append(PostError(path: path, message: "\(why); using \(how), \(FeedDates.rfc3339(fallback))"))
        }
        let publishedDate = published ?? Date(timeIntervalSince1970: 0)
        let updated = try date(in: fm, keys: updatedKeys, zone: zone, toml: toml, unzonedInUTC: unzonedInUTC, hugo: flavor == .hugo, path: path)
        // Only compared with the time of the run, never written: any date will do.
        let expires = flavor == .hugo && !context.hugoBuildExpired
            ? try date(in: fm, keys: ["expiryDate", "unpublishdate"], zone: zone, toml: toml, written: false, hugo: true, path: path) : nil

        // Taxonomies.
        var tags: [String]
        var categories: [String]
        switch flavor {
        case .hugo:
            tags = kinds.names("tags", warnings: &kindWarnings)
            categories = kinds.names("categories", warnings: &kindWarnings)
        case .jekyll, .folder:
            tags = kinds.names("tags", warnings: &kindWarnings) + kinds.names("tag", warnings: &kindWarnings)
            categories = kinds.names("categories", warnings: &kindWarnings) + kinds.names("category", warnings: &kindWarnings)
        }
        switch file.role {
        case .jekyllPost(let fromPath), .jekyllDraft(let fromPath): categories = fromPath + defaultCategories + categories
        case .hugo, .folder: break
        }
        tags = names(tags)
        categories = names(categories)

        // The URL.
        var placeholders = PermalinkPlaceholders(fm: fm, file: file, flavor: flavor, title: finalTitle, fileName: fileName, fileSlug: fileSlug,
                                                 categories: categories, time: CivilTime(publishedDate, in: zone))
        // Jekyll's `:output_ext`: `.html` for a Markdown post, the file's own extension
        // (`.htm`, `.txt`) for one it publishes as written.
        if flavor == .jekyll, format != .markdown { placeholders.outputExtension = "." + ext }
        placeholders.hugoSectionFolders = context.hugoSectionFolders
        let sitePath: String
        switch flavor {
        case .hugo:
            if let url = fm.value("url")?.scalarText, !url.isEmpty {
                sitePath = url
            } else {
                let folders = Array(file.relativePath.split(separator: "/").dropFirst(context.contentDirectory.split(separator: "/").count).dropLast().map(String.init))
                let inBundle = baseName == "index" && !folders.isEmpty
                let section = folders.first ?? ""
                var path: String
                if let pattern = context.hugoPermalinks[section] {
                    path = Permalink.expand(pattern, value: placeholders.value)
                } else {
                    let parents = inBundle ? Array(folders.dropLast()) : folders
                    let last = fm.value("slug")?.scalarText ?? fileName
                    path = Permalink.normalisedPath(Permalink.hugoPath((parents + [last]).joined(separator: "/")) + "/")
                }
                // `uglyURLs`: `/posts/name.html`, not `/posts/name/`.
                if context.hugoUglyURLs.sections[section.lowercased()] ?? context.hugoUglyURLs.all, path.hasSuffix("/"), path.count > 1 {
                    path = String(path.dropLast()) + ".html"
                }
                // `defaultContentLanguageInSubdir`: the default language under `/en/` too.
                if let languages = context.hugoLanguages, languages.inSubdir {
                    path = "/" + languages.primary + (path.hasPrefix("/") ? path : "/" + path)
                }
                sitePath = path
            }
        case .jekyll, .folder:
            if let permalink = fm["permalink"]?.scalarText, !permalink.isEmpty {
                sitePath = Permalink.expand(permalink, value: placeholders.value)
            } else {
                sitePath = Permalink.expand(context.permalink, value: placeholders.value)
            }
        }
        let url = Permalink.absoluteURL(baseURL: context.site.baseURL, path: sitePath)
        if options.urlOnly {
            return Post(sourcePath: file.relativePath, title: finalTitle, published: publishedDate, url: url, contentHTML: "")
        }

        // Content and summary.
        if flavor == .jekyll {
            do {
                let liquid = try JekyllLiquid.apply(body, baseURL: context.site.baseURL, links: context.postLinks)
                body = liquid.text
                linksToPosts = liquid.linksToPosts
                if let left = liquid.leftAsWritten {
                    warnings.append(PostError(path: path, line: document.bodyLine + left.line, message: left.message))
                }
            } catch {
                throw PostError(path: path, line: document.bodyLine + error.line, message: error.message)
            }
        }
        if flavor == .hugo, format == .markdown {
            let shortcodes = HugoShortcodes.apply(body)
            body = shortcodes.text
            if let left = shortcodes.leftAsWritten {
                warnings.append(PostError(path: path, line: document.bodyLine + left.line,
                                          message: "the Hugo shortcode `\(left.name)` is not run by Crier (only figure and highlight are): it appears in the feed as written, as does any other in the post"))
            }
        }
        let allowRawHTML = context.site.feed.allowRawHTML
        // Markdown's links and images are resolved against the post's URL on cmark-gfm's
        // tree, as they are rendered; `absolutizingURLs` below then finds nothing left to
        // resolve and returns the HTML as it is, without parsing it. Only what the tree
        // does not hold (raw HTML such as `<img src="rel.png">`, footnote links) still
        // costs the libxml2 pass, as every other format's HTML does.
        // Hugo's `canonifyURLs`: `/images/a.png` is under `baseURL`, its path included.
        let canonify = flavor == .hugo && context.hugoCanonifyURLs
        let siteBase = context.site.baseURL
        func render(_ source: String, as format: Format) -> String {
            switch format {
            case .markdown:
                let html = MarkdownRenderer.render(source, allowRawHTML: allowRawHTML, resolvingURLs: { link in
                    canonify && link.hasPrefix("/") && !link.hasPrefix("//")
                        ? HTMLFragment.resolve(String(link.dropFirst()), against: siteBase) : HTMLFragment.resolve(link, against: url)
                })
                return canonify ? Self.canonified(html, base: siteBase) : html
            case .html: return canonify ? Self.canonified(source, base: siteBase) : source
            case .plainText: return paragraphsHTML(paragraphs(of: source))
            }
        }
        let contentHTML: String = format == .plainText ? paragraphsHTML(plainParagraphs) : render(body, as: format)
        // What the summary is taken from: the body after the heading that gave the title.
        let excerptBody = titleIsLeadingHeading ? droppingLeadingHeading(body) : body
        var summaryHTML: String?
        let description = fm["description"]?.scalarText.flatMap { $0.isEmpty ? nil : escapeHTML($0.trimmingWhitespaceAndNewlines) }
        let more = "<!--more-->"
        /// `excerpt` with the post's link reference definitions after it, so that its
        /// reference links and images resolve as in the whole post (Hugo cuts the rendered
        /// page; Jekyll adds them to the excerpt).
        func withReferences(_ excerpt: String) -> String {
            guard format == .markdown else { return excerpt }
            let references = linkReferenceDefinitions(in: body)
            return references.isEmpty ? excerpt : excerpt + "\n\n" + references.joined(separator: "\n") + "\n"
        }
        switch flavor {
        case .hugo:
            if let summary = fm.value("summary")?.scalarText, !summary.isEmpty {
                summaryHTML = render(summary, as: .markdown)
            } else if let range = TextSearch.firstRange(of: more, in: excerptBody) {
                summaryHTML = render(withReferences(String(excerptBody[..<range.lowerBound])), as: format)
            } else if let description {
                summaryHTML = description
            } else {
                summaryHTML = render(withReferences(firstBlock(of: excerptBody, separator: "\n\n")), as: format)
            }
        case .jekyll, .folder:
            if format == .plainText {
                summaryHTML = description ?? plainParagraphs.first.map { paragraphsHTML([$0]) }
            } else if let description {
                summaryHTML = description
            } else if let excerpt = fm["excerpt"]?.scalarText, !excerpt.isEmpty {
                summaryHTML = render(excerpt, as: .markdown)
            } else {
                var separator = fm["excerpt_separator"]?.scalarText ?? context.excerptSeparator
                if flavor == .folder, fm["excerpt_separator"] == nil, TextSearch.contains(more, in: body) { separator = more }
                // An empty separator turns excerpts off (Jekyll's rule).
                if separator.isEmpty {
                    summaryHTML = nil
                } else {
                    // Jekyll's rule: reference links in the excerpt still resolve.
                    let excerpt = withReferences(firstBlock(of: excerptBody, separator: separator))
                    // With no separator in the post the excerpt is the whole body: reuse
                    // the rendering rather than render it again.
                    summaryHTML = excerpt == body ? contentHTML : render(excerpt, as: format)
                }
            }
        }
        if let summary = summaryHTML, isBlank(summary) { summaryHTML = nil }

        let authorKey = fm["author"] != nil ? "author" : "authors"
        kindWarnings += kinds.peopleWarnings(authorKey)
        // Refused here, at the line that gives them, rather than by the gate in the feeds
        // (whether or not the post is in one yet: a post scheduled for later is said now).
        let authors = try PersonRules.checkedPeople(from: fm["author"] ?? fm["authors"] ?? .null, key: authorKey,
                                                    authors: context.authors, path: path, line: fm.line(of: authorKey))
        // A feed id must be an absolute URI: `guid:` first, then `id:`; any other value is
        // no id, and the entry keeps its `tag:` URI (said, as the post meant otherwise).
        var language: String?
        if let key = ["lang", "language"].first(where: { fm[$0]?.scalarText != nil }), let raw = fm[key]?.scalarText,
           !raw.trimmingWhitespace.isEmpty {
            language = LanguageValue.tag(raw)
            if language == nil { warnings.append(LanguageValue.warning(key: key, raw: raw, path: path, line: fm.line(of: key))) }
        }
        let givenIDs = ["guid", "id"].compactMap { key in fm[key]?.scalarText.map { (key: key, value: $0) } }.filter { !$0.value.isEmpty }
        // White space around a URI is said, not taken for a value with no scheme.
        let explicit = givenIDs.first { HTMLFragment.hasScheme($0.value.trimmingWhitespace) }
        if let explicit, let problem = FeedValues.problem(withID: explicit.value) {
            throw PostError(path: path, line: fm.line(of: explicit.key),
                            message: "`\(explicit.key): \(explicit.value)` \(problem), so it cannot be the entry's id; correct it, or remove it for an id made from the post's date and name")
        }
        let explicitID = explicit?.value
        if explicitID == nil, let ignored = givenIDs.first {
            warnings.append(PostError(path: path, line: fm.line(of: ignored.key),
                                      message: "`\(ignored.key): \(ignored.value)` is not an absolute URI (such as urn:uuid:… or https://…), so the entry keeps its tag: id"))
        }

        // A no-op without parsing unless a relative URL is left (see `render` above).
        let absoluteContent = HTMLFragment.absolutizingURLs(in: contentHTML, base: url)
        var post = Post(
            sourcePath: file.relativePath,
            title: finalTitle,
            published: publishedDate,
            updated: updated,
            expires: expires,
            url: url,
            explicitID: explicitID,
            authors: authors,
            tags: tags,
            categories: categories,
            summaryHTML: summaryHTML.map { $0 == contentHTML ? absoluteContent : HTMLFragment.absolutizingURLs(in: $0, base: url) },
            contentHTML: absoluteContent,
            language: language
        )
        post.isUndated = undated
        return post
    }

    /// The values Jekyll's `defaults:` give the post at `relativePath`, merged as Jekyll
    /// merges them: where two scopes set a key, the one with the longer `path` wins, then
    /// the one that names a `type`, then the later one.
    static func frontMatterDefaults(for relativePath: String, in defaults: [(path: String, typed: Bool, values: ConfigTable)]) -> ConfigTable {
        var merged = ConfigTable()
        var winner: (path: String, typed: Bool)?
        for scope in defaults where scope.path.isEmpty || relativePath.hasPrefix(scope.path) {
            let takesPrecedence: Bool
            if let old = winner {
                takesPrecedence = scope.path.count != old.path.count ? scope.path.count > old.path.count : scope.typed || !old.typed
            } else {
                takesPrecedence = true
            }
            for key in scope.values.keys where takesPrecedence || merged[key] == nil {
                merged[key] = scope.values[key]
                // Written as a timestamp Jekyll reads as UTC, or not, as this scope wrote it.
                if scope.values.unzonedYAMLTimestamps.contains(key) {
                    merged.unzonedYAMLTimestamps.insert(key)
                } else {
                    merged.unzonedYAMLTimestamps.remove(key)
                }
            }
            if takesPrecedence { winner = (scope.path, scope.typed) }
        }
        return merged
    }

    /// `html` with the root-relative `href`, `src` and `srcset` values written in it
    /// (raw HTML) made absolute under `base`, as Hugo's `canonifyURLs` does.
    static func canonified(_ html: String, base: String) -> String {
        guard html.contains("=\"/") || html.contains("='/") else { return html }
        var result = html
        for attribute in ["href", "src", "srcset"] {
            for quote in ["\"", "'"] {
                let needle = " \(attribute)=\(quote)/"
                var output = ""
                var rest = Substring(result)
                while let range = rest.range(of: needle) {
                    output += rest[..<range.lowerBound]
                    // `//host/...` is another site's, left as it is.
                    if rest[range.upperBound...].first == "/" {
                        output += rest[range]
                    } else {
                        output += " \(attribute)=\(quote)" + base
                    }
                    rest = rest[range.upperBound...]
                }
                result = output + rest
            }
        }
        return result
    }

    /// Whether Hugo 0.111 lists the page in the site's pages, which its home feed holds:
    /// not with `_build: {list: never}` (or `local`, only its section's list; `false` is
    /// `never`), nor with `render: never` (it has no page to link to), nor a leaf bundle
    /// marked `headless: true`.
    static func hugoLists(_ fm: ConfigTable, bundle: Bool, yaml: Bool) -> Bool {
        if bundle, fm["headless"]?.hugoBool(yaml: yaml) == true { return false }
        guard let build = fm["_build"]?.table?.withLowercasedKeys() else { return true }
        func option(_ key: String) -> String? {
            guard let value = build[key] else { return nil }
            if let b = value.hugoBool(yaml: yaml) { return b ? "always" : "never" }
            return value.scalarText?.lowercased()
        }
        return option("list") != "never" && option("list") != "local" && option("render") != "never"
    }

    /// The first of `keys` present as a date; an unknown form, or a value that is no date
    /// at all (a list, a mapping; a table if `toml`), is an error at its line, and so is a
    /// date a feed cannot hold (`FeedDateRange`) when it is `written` in the feeds. With
    /// `unzonedInUTC`, a value YAML wrote as an unquoted timestamp without a zone
    /// (`ConfigTable.unzonedYAMLTimestamps`) is UTC, as Jekyll reads it, not in `zone`.
    /// With `hugo`, the forms Hugo reads are read too (`HugoDates`).
    static func date(in fm: ConfigTable, keys: [String], zone: TimeZone, toml: Bool = false, unzonedInUTC: Bool = false,
                     written: Bool = true, hugo: Bool = false, path: @autoclosure () -> String) throws(PostError) -> Date? {
        func checked(_ date: Date, _ key: String, text: String?) throws(PostError) -> Date {
            guard written, let problem = FeedDateRange.problem(date) else { return date }
            let named = text.map { "`\(key): \($0.trimmingWhitespace)`" } ?? "`\(key)`"
            throw PostError(path: path(), line: fm.line(of: key), message: "\(named) \(problem); write the post's own date, such as 2024-03-05")
        }
        for key in keys {
            guard let entry = fm.first(key) else { continue }
            switch entry.value {
            case .null:
                continue
            case .dateTime(let value):
                return try checked(value.date(in: zone), entry.key, text: nil)
            case .string(let text) where text.trimmingWhitespace.isEmpty:
                continue
            case .integer(let seconds) where hugo:
                // Hugo reads a number as seconds since 1970.
                return try checked(Date(timeIntervalSince1970: Double(seconds)), entry.key, text: String(seconds))
            default:
                let example = "write it like 2024-03-05, 2024-03-05 14:30, 2024-03-05 14:30:00 +0100 or 2024-03-05T14:30:00Z"
                guard let text = entry.value.scalarText else {
                    throw PostError(path: path(), line: fm.line(of: entry.key),
                                    message: "`\(entry.key)` is \(entry.value.kindForUser(toml: toml)), not a date; \(example)")
                }
                guard let value = DateTimeValue.parse(text) else {
                    if hugo, let date = HugoDates.parse(text, zone: zone) { return try checked(date, entry.key, text: text) }
                    throw PostError(path: path(), line: fm.line(of: entry.key), message: "unknown date format '\(text)' in `\(entry.key)`; \(example)")
                }
                let utc = unzonedInUTC && fm.unzonedYAMLTimestamps.contains(entry.key)
                return try checked(value.date(in: utc ? TimeZone(identifier: "UTC")! : zone), entry.key, text: text)
            }
        }
        return nil
    }

    static func modificationDate(_ url: URL) -> Date {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        return attributes?[.modificationDate] as? Date ?? Date(timeIntervalSince1970: 0)
    }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }

    /// Tag or category names as written, without the white space around them (`" swift "`
    /// in quotes is `swift`), blank ones left out, each once.
    static func names(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.map { $0.trimmingWhitespaceAndNewlines }.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// A Markdown body's leading `# Title` line, if the body starts with one.
    static func leadingHeading(_ body: String) -> String? {
        guard let line = body.split(separator: "\n", omittingEmptySubsequences: true).first(where: { !$0.allSatisfy(\.isWhitespace) }) else { return nil }
        let trimmed = line.trimmingWhitespace
        guard trimmed.hasPrefix("# ") else { return nil }
        let heading = trimmed.dropFirst(2).trimmingWhitespace
        return heading.isEmpty ? nil : heading
    }

    /// `body` without its leading `# Title` line (and the blank lines before it), for a
    /// post whose title came from that line; `body` when it does not start with one.
    static func droppingLeadingHeading(_ body: String) -> String {
        var rest = Substring(body)
        while let newline = rest.firstIndex(of: "\n"), rest[..<newline].allSatisfy(\.isWhitespace) {
            rest = rest[rest.index(after: newline)...]
        }
        let line = rest.firstIndex(of: "\n").map { rest[..<$0] } ?? rest
        guard line.trimmingWhitespace.hasPrefix("# ") else { return body }
        return String(rest[line.endIndex...].dropFirst())
    }

    /// The text before `separator` (leading blank lines skipped); all of it when the
    /// separator does not occur (Jekyll's rule).
    static func firstBlock(of body: String, separator: String) -> String {
        var text = Substring(body)
        if separator.allSatisfy(\.isWhitespace) {
            // Skip whole blank lines only: the first line's indentation matters in Markdown.
            while let newline = TextSearch.firstLineFeed(in: text), text[..<newline].allSatisfy({ $0 == " " || $0 == "\t" }) {
                text = text[text.index(after: newline)...]
            }
        }
        guard let range = TextSearch.firstRange(of: separator, in: text) else { return String(text) }
        return String(text[..<range.lowerBound])
    }

    /// Markdown link reference definitions (`[name]: https://...`), one per line.
    static func linkReferenceDefinitions(in body: String) -> [String] {
        guard TextSearch.contains("]:", in: body) else { return [] }
        return body.split(separator: "\n").compactMap { line in
            let trimmed = line.drop(while: { $0 == " " })
            guard line.count - trimmed.count <= 3, trimmed.hasPrefix("["), !trimmed.hasPrefix("[^"),
                  let close = trimmed.firstIndex(of: "]"), trimmed[trimmed.index(after: close)...].hasPrefix(":") else { return nil }
            return String(line)
        }
    }

    /// Plain text paragraphs: split on blank (or whitespace-only) lines, trimmed.
    static func paragraphs(of text: String) -> [String] {
        var result: [String] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !current.isEmpty { result.append(current.joined(separator: "\n")) }
                current = []
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { result.append(current.joined(separator: "\n")) }
        return result
    }

    static func paragraphsHTML(_ paragraphs: [String]) -> String {
        paragraphs.map { "<p>" + escapeHTML($0) + "</p>\n" }.joined()
    }

    /// Whether `text` is only white space and line breaks, as `trimmingCharacters(in:
    /// .whitespacesAndNewlines).isEmpty` says, without a UTF-16 copy of a whole rendered
    /// summary (every character of that set is a single UTF-16 unit).
    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { CharacterSet.whitespacesAndNewlines.contains($0) }
    }

    static func escapeHTML(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}

/// A post's permalink placeholders (`:year`, `:title`, Hugo's `:slugorfilename`...), each
/// worked out only when a pattern uses it.
struct PermalinkPlaceholders {
    var fm: ConfigTable
    var file: PostFile
    var flavor: SourceFlavor
    var title: String
    var fileName: String
    var fileSlug: String
    var categories: [String]
    /// The post's published time in the site's zone.
    var time: CivilTime
    /// `:output_ext`.
    var outputExtension = ".html"
    /// Hugo's folders (below the content folder) that have an `_index` page: below the
    /// top, only those are sections.
    var hugoSectionFolders: Set<[String]> = []

    /// The value of placeholder `name`, `nil` when there is no such placeholder.
    func value(_ name: String) -> String? {
        switch flavor {
        case .hugo:
            switch name {
            case "section": return Permalink.hugoPath(hugoFolders.first ?? "")
            case "sections": return Permalink.hugoPath(hugoSections.joined(separator: "/"))
            case "title": return Permalink.hugoPath(title)
            // Hugo urlizes each of these, a `slug:` as written too.
            case "slug": return Permalink.hugoPath(hugoSlug ?? title)
            case "filename", "contentbasename": return Permalink.hugoPath(fileName)
            case "slugorfilename": return Permalink.hugoPath(hugoSlug ?? fileName)
            default: break
            }
        case .jekyll, .folder:
            // Jekyll escapes each value it puts in a pattern (`URL.escape_path`): a `#` or
            // `%` in a file name or category is `%23` or `%25` in the link, where left as
            // written the link would end at the `#` or hold a broken escape. A `?`, which
            // Jekyll leaves and so links a query, is `%3F`: the page is in a folder named
            // with the `?`. The pattern's own text is left as written.
            switch name {
            case "title": return Permalink.jekyllSlug(slugSource, pretty: true, cased: true)
            case "slug": return Permalink.jekyllSlug(slugSource, pretty: false, cased: false)
            case "categories": return Permalink.escapingDelimiters(PostRules.unique(categories.map { $0.lowercased() }).joined(separator: "/"))
            case "slugified_categories":
                return PostRules.unique(categories.map { Permalink.jekyllSlug($0, pretty: false, cased: false) }).joined(separator: "/")
            case "output_ext": return outputExtension
            case "path": return Permalink.escapingDelimiters(path)
            case "name": return jekyllName
            case "basename": return Permalink.escapingDelimiters(fileName)
            default: break
            }
        }
        return Permalink.dateValue(name, time)
    }

    private var slugSource: String { fm["slug"]?.scalarText ?? fileSlug }

    /// Hugo's `slug:`, unless empty or blank: Hugo then uses the title (or file name).
    private var hugoSlug: String? {
        fm["slug"]?.scalarText.flatMap { $0.trimmingWhitespace.isEmpty ? nil : $0 }
    }

    /// `:path`: the source path without its extension; for a Jekyll post, without the
    /// `_posts` folder (Jekyll's `cleaned_relative_path`: `blog/_posts/2024-03-05-a.md` is
    /// `blog/2024-03-05-a`) and without trailing dots.
    private var path: String {
        var path = (file.relativePath as NSString).deletingPathExtension
        guard flavor == .jekyll else { return path }
        // Jekyll removes the first `_posts` it finds in the path (a draft's has none).
        if let range = path.range(of: "_posts") { path.removeSubrange(range) }
        while path.hasSuffix(".") { path.removeLast() }
        return path
    }

    /// `:name`: for a Jekyll post, its file name without the extension, date included,
    /// slugified (`2024-03-05-Hello_World.md` is `2024-03-05-hello-world`), as Jekyll's
    /// `:name` is; for a folder's post, its file name after any date.
    private var jekyllName: String {
        flavor == .jekyll ? Permalink.jekyllSlug(fileName, pretty: false, cased: false) : fileSlug
    }

    /// The folders between Hugo's content folder and the file.
    private var hugoFolders: [String] { file.relativePath.split(separator: "/").dropFirst().dropLast().map(String.init) }

    /// Hugo's sections of the page, as `:sections` names them: the top folder, then each
    /// folder below it that has an `_index` page, as long as they follow on.
    private var hugoSections: [String] {
        let folders = hugoFolders
        guard !folders.isEmpty else { return [] }
        var depth = 1
        while depth < folders.count, hugoSectionFolders.contains(Array(folders.prefix(depth + 1))) { depth += 1 }
        return Array(folders.prefix(depth))
    }
}
