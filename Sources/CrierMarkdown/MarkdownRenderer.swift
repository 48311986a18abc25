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
/// which the dynamic linker binds the library's own calls to, and sets the table once, for
/// good, through the library's definition. Inline passes then run fully in parallel.
/// Should the binding ever not take (a statically linked or differently built library),
/// ``render(_:allowRawHTML:)`` falls back to serialising the inline pass behind a lock.
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
        let document: OpaquePointer?
        if extensions.inlinePassIsShared {
            document = cmark_parser_finish(parser)
        } else {
            // The node pointer leaves the lock as an address: it belongs to this call alone.
            let address = inlinePassLock.withLock { _ in Int(bitPattern: cmark_parser_finish(parser)) }
            document = OpaquePointer(bitPattern: address)
        }
        guard let document else { return "" }
        defer { cmark_node_free(document) }
        guard let html = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else {
            return ""
        }
        defer { free(html) }
        return String(cString: html)
    }

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
        // RTLD_DEFAULT finds the definition the library's calls bind to; RTLD_NEXT, the
        // library's own. They differ only when Crier's definition took precedence.
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
        return ExtensionList(pointers: pointers, inlinePassIsShared: true)
    }()
}

/// Crier's definition of cmark-gfm's `cmark_manage_extensions_special_characters`, which
/// the library calls at the start and end of every inline pass: it does nothing, so the
/// process-wide table of special characters, set once at start-up, is never cleared under
/// another parser's feet. Not for calling from Swift.
@_cdecl("cmark_manage_extensions_special_characters")
public func _crierManageSpecialCharacters(_ parser: OpaquePointer?, _ add: Int32) {}

/// Extension pointers looked up once and then only read: cmark-gfm never mutates a
/// registered extension after registration.
private struct ExtensionList: @unchecked Sendable {
    let pointers: [OpaquePointer]
    /// Whether the special characters are pinned, so inline passes need no lock.
    let inlinePassIsShared: Bool
}
