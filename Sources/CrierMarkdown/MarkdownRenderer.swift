import CCmarkGFM
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Markdown to HTML through cmark-gfm, with GitHub's table, strikethrough, autolink and
/// task list extensions.
///
/// Safe to call from many threads at once: each call has its own parser.
///
/// cmark-gfm 0.29 keeps the extensions' special inline characters (`~` for strikethrough,
/// `:` and `w` for autolinks) in one process-wide table. Every parser sets them when its
/// inline pass starts and *clears* them when it ends, by calling the library's exported
/// `cmark_manage_extensions_special_characters`, so two parsers in that pass at once corrupt
/// each other's output (seen here: `~~struck~~` left unrendered in about one render in four
/// under load). Crier defines that symbol itself (``_crierManageSpecialCharacters(_:_:)``),
/// which the dynamic linker binds the shared library's own calls to (they go through its
/// PLT, as Debian builds it), and sets the table once, for good, through the library's
/// definition. Inline passes then run fully in parallel. At start-up a first parse checks
/// that the library really calls Crier's definition; if it does not (a library built with
/// `-Bsymbolic-functions` or LTO keeps its calls internal), every render falls back to
/// serialising the inline pass behind a lock.
///
/// The definition is process-wide: a program that links Crier and also uses its own copy
/// of cmark-gfm shares it. Linking the static `libcmark-gfm.a` fails with a duplicate
/// symbol rather than silently.
public enum MarkdownRenderer {
    /// The extensions every render attaches, in cmark-gfm's names.
    public static let extensionNames = ["table", "strikethrough", "autolink", "tasklist"]

    /// Renders `markdown` as an HTML fragment.
    ///
    /// - Parameters:
    ///   - markdown: CommonMark with GitHub's extensions (and footnotes).
    ///   - allowRawHTML: `true` passes raw HTML (blocks and inline tags) through as
    ///     written; `false` replaces it with `<!-- raw HTML omitted -->` and drops links
    ///     with `javascript:`, `vbscript:`, `file:` and most `data:` URLs.
    /// - Returns: The HTML; empty for empty input.
    public static func render(_ markdown: String, allowRawHTML: Bool = true) -> String {
        render(markdown, allowRawHTML: allowRawHTML, rewritesURLs: false) { $0 }
    }

    /// Renders `markdown` as an HTML fragment, with the destination of every link and
    /// image (inline, reference-style, autolinks) replaced by `resolve`'s result before
    /// the HTML is written: the way to make a post's URLs absolute without parsing the
    /// HTML again.
    ///
    /// `resolve` is called once per link or image, with the destination as Markdown
    /// defines it (backslash escapes and character references decoded, not
    /// percent-encoded; possibly empty or fragment-only), and synchronously, on the
    /// calling thread. Its result is written as any destination is: percent-encoding what
    /// a URL may not hold raw, HTML-escaping `&` and `'`, and (when `allowRawHTML` is
    /// `false`) dropping unsafe schemes.
    ///
    /// Only the tree's own URLs are seen: URLs inside raw HTML (`<img src="...">`) and
    /// the `#fn-1` / `#fnref-1` links written for footnotes come out as they are, so a
    /// caller that needs every URL absolute must still check the result for those.
    ///
    /// - Parameters:
    ///   - markdown: As for ``render(_:allowRawHTML:)``.
    ///   - allowRawHTML: As for ``render(_:allowRawHTML:)``.
    ///   - resolve: The URL to write for a destination, such as the destination resolved
    ///     against the page's own URL.
    /// - Returns: The HTML; empty for empty input.
    public static func render(_ markdown: String, allowRawHTML: Bool = true, resolvingURLs resolve: (String) -> String) -> String {
        render(markdown, allowRawHTML: allowRawHTML, rewritesURLs: true, resolve)
    }

    /// As the public renders, with the arena on or off (for tests: both give the same HTML).
    static func render(_ markdown: String, allowRawHTML: Bool, usingArena: Bool, resolvingURLs resolve: ((String) -> String)? = nil) -> String {
        render(markdown, allowRawHTML: allowRawHTML, rewritesURLs: resolve != nil, usingArena: usingArena, resolve ?? { $0 })
    }

    private static func render(_ markdown: String, allowRawHTML: Bool, rewritesURLs: Bool, usingArena: Bool = true,
                               _ resolve: (String) -> String) -> String {
        let extensions = registeredExtensions
        var options = CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES
        if allowRawHTML { options |= CMARK_OPT_UNSAFE }
        // The thread's arena, unless the text is large (an arena keeps every block until
        // the render ends) or a render on this thread is already using it.
        var arena: UnsafeMutablePointer<RenderArena>? = nil
        if usingArena, markdown.utf8.count <= arenaInputLimit, let candidate = RenderArena.forCurrentThread(),
           !candidate.pointee.inUse {
            arena = candidate
        }
        arena?.pointee.inUse = true
        defer {
            arena?.pointee.reset()
            arena?.pointee.inUse = false
        }
        guard let parser = arena == nil ? cmark_parser_new(options) : cmark_parser_new_with_mem(options, RenderArena.allocator) else { return "" }
        // In the arena, the parser and the tree usually go with its reset, unfreed.
        defer { if arena?.pointee.resetFreesEverything != true { cmark_parser_free(parser) } }
        for syntaxExtension in extensions.pointers {
            cmark_parser_attach_syntax_extension(parser, syntaxExtension)
        }
        var text = markdown
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress {
                    cmark_parser_feed(parser, base, chars.count)
                }
            }
        }
        let document: OpaquePointer?
        if extensions.inlinePassIsShared {
            document = cmark_parser_finish(parser)
        } else {
            // The node pointer leaves the lock as an address: it belongs to this call alone.
            let address = inlinePassLock.withLock { _ in Int(bitPattern: cmark_parser_finish(parser)) }
            document = OpaquePointer(bitPattern: address)
        }
        guard let document else { return "" }
        defer { if arena?.pointee.resetFreesEverything != true { cmark_node_free(document) } }
        if rewritesURLs { rewriteURLs(in: document, resolve) }
        guard let html = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else {
            return ""
        }
        // Written with the document's allocator.
        defer { if let arena { arena.pointee.release(html) } else { free(html) } }
        // cmark-gfm writes well-formed UTF-8 from well-formed input: the quick check passes
        // and the string is made without the standard library's slower validation.
        return UTF8Text.string(validating: UnsafeRawBufferPointer(start: html, count: strlen(html))) ?? String(cString: html)
    }

    /// Replaces the URL of every link and image node under `document` with `resolve`'s
    /// result. Only node data changes, never the tree's shape, so the iterator stays valid.
    private static func rewriteURLs(in document: OpaquePointer, _ resolve: (String) -> String) {
        guard let iterator = cmark_iter_new(document) else { return }
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            guard type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE else { continue }
            let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
            let resolved = resolve(url)
            if resolved != url { _ = cmark_node_set_url(node, resolved) }
        }
    }

    /// The largest Markdown, in bytes, rendered in the thread's arena (`RenderArena`).
    static let arenaInputLimit = 1 << 20

    /// `true` when renders run fully in parallel; `false` when cmark-gfm's inline pass has
    /// to be serialised (see the type's documentation).
    public static var inlinePassesRunInParallel: Bool { registeredExtensions.inlinePassIsShared }

    /// Serialises cmark-gfm's inline pass when the special characters could not be pinned.
    private static let inlinePassLock = Mutex(())

    /// The core extensions, registered once (cmark-gfm's registration is not thread safe),
    /// with their special inline characters set for good when Crier's definition of
    /// `cmark_manage_extensions_special_characters` is the one the library calls.
    private static let registeredExtensions: ExtensionList = {
        cmark_gfm_core_extensions_ensure_registered()
        let pointers = extensionNames.compactMap { cmark_find_syntax_extension($0) }
        typealias Manage = @convention(c) (OpaquePointer?, Int32) -> Void
        let symbol = "cmark_manage_extensions_special_characters"
        // RTLD_DEFAULT (a null handle on Linux) finds the definition the library's calls
        // bind to; RTLD_NEXT, the library's own. They differ only when Crier's definition
        // took precedence.
        guard let bound = dlsym(nil, symbol),
              let library = dlsym(UnsafeMutableRawPointer(bitPattern: -1), symbol),
              bound != library,
              let parser = cmark_parser_new(CMARK_OPT_DEFAULT)
        else { return ExtensionList(pointers: pointers, inlinePassIsShared: false) }
        defer { cmark_parser_free(parser) }
        for syntaxExtension in pointers {
            cmark_parser_attach_syntax_extension(parser, syntaxExtension)
        }
        unsafeBitCast(library, to: Manage.self)(parser, 1)
        // Proof that the library calls Crier's definition: a parse must reach it.
        let before = specialCharacterCalls.load(ordering: .relaxed)
        if let probe = cmark_parser_new(CMARK_OPT_DEFAULT) {
            for syntaxExtension in pointers { cmark_parser_attach_syntax_extension(probe, syntaxExtension) }
            cmark_parser_feed(probe, "~~a~~", 5)
            if let document = cmark_parser_finish(probe) { cmark_node_free(document) }
            cmark_parser_free(probe)
        }
        let reached = specialCharacterCalls.load(ordering: .relaxed) > before
        return ExtensionList(pointers: pointers, inlinePassIsShared: reached)
    }()
}

/// Crier's definition of cmark-gfm's `cmark_manage_extensions_special_characters`, which
/// the library calls at the start and end of every inline pass: it does nothing, so the
/// process-wide table of special characters, set once at start-up, is never cleared under
/// another parser's feet. Not for calling from Swift.
@_cdecl("cmark_manage_extensions_special_characters")
public func _crierManageSpecialCharacters(_ parser: OpaquePointer?, _ add: Int32) {
    specialCharacterCalls.add(1, ordering: .relaxed)
}

/// How often cmark-gfm called `_crierManageSpecialCharacters(_:_:)`: the start-up check.
private let specialCharacterCalls = Atomic<Int>(0)

/// Extension pointers looked up once and then only read: cmark-gfm never mutates a
/// registered extension after registration.
private struct ExtensionList: @unchecked Sendable {
    let pointers: [OpaquePointer]
    /// Whether the special characters are pinned, so inline passes need no lock.
    let inlinePassIsShared: Bool
}
