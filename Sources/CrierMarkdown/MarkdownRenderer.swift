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
/// Safe to call from many threads at once: each call has its own parser. cmark-gfm 0.29
/// keeps the extensions' special inline characters in one process-wide table that every
/// parser sets and then *clears* when it finishes its inline pass, so two parsers running
/// that pass at the same time corrupt each other's output (seen here: `~~struck~~` left
/// unrendered in about one render in four under load). That pass is therefore serialised
/// behind a lock; block parsing and HTML rendering, most of the work, still run in parallel.
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
        let extensions = registeredExtensions
        var options = CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES
        if allowRawHTML { options |= CMARK_OPT_UNSAFE }
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
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
        // The node pointer leaves the lock as an address: it belongs to this call alone.
        let address = inlinePassLock.withLock { _ in Int(bitPattern: cmark_parser_finish(parser)) }
        guard let document = OpaquePointer(bitPattern: address) else { return "" }
        defer { cmark_node_free(document) }
        guard let html = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else {
            return ""
        }
        defer { free(html) }
        return String(cString: html)
    }

    /// Serialises cmark-gfm's inline pass (see the type's documentation).
    private static let inlinePassLock = Mutex(())

    /// The core extensions, registered once; cmark-gfm's registration is not thread safe.
    private static let registeredExtensions: ExtensionList = {
        cmark_gfm_core_extensions_ensure_registered()
        return ExtensionList(pointers: extensionNames.compactMap { cmark_find_syntax_extension($0) })
    }()
}

/// Extension pointers looked up once and then only read: cmark-gfm never mutates a
/// registered extension after registration.
private struct ExtensionList: @unchecked Sendable {
    let pointers: [OpaquePointer]
}
