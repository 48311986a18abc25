import Foundation
import Testing
@testable import Crier

/// Nine aliases of aliases: 9^9 values once expanded.
/// `aliasBomb` with its last line, `tags: *i`, replaced.
private func aliasBomb(endingWith last: String) -> String {
    aliasBomb.replacingOccurrences(of: "tags: *i", with: last)
}

private let aliasBomb = "---\na: &a [x, x, x, x, x, x, x, x, x]\n"
    + zip("bcdefghi", "abcdefgh").map { name, previous in
        "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ", ") + "]\n"
    }.joined() + "tags: *i\n---\nText\n"

@Suite("Loading: broken posts and sites")
struct LoadingErrorTests {
    let site = Site(title: "T", baseURL: "https://t.example/")

    func load(_ files: [String: [UInt8]], site: Site? = nil, options: LoadOptions = LoadOptions()) throws -> LoadResult {
        let temp = try TemporarySite()
        defer { temp.remove() }
        for (path, bytes) in files { try temp.write(path, bytes: bytes) }
        return PostLoader.load(.folder(temp.root, site ?? self.site), options: options)
    }

    /// An id or an author's address that the gate would refuse in the feed is an error at
    /// the line of the post that gives it, not at the line of the feed the gate would name
    /// (a JSON Feed's failure named no post at all). Good values still load.
    @Test func idsAndAuthorsAFeedWouldRefuseAreErrorsAtTheirLine() throws {
        let result = try load([
            "2024-01-01-space.md": Array("---\ntitle: A\nid: \"http://exa mple.com/x\"\n---\nText\n".utf8),
            "2024-01-02-urn.md": Array("---\ntitle: B\nguid: \"urn:x:%zz\"\n---\nText\n".utf8),
            "2024-01-03-tag.md": Array("---\ntitle: C\n\nid: tag:bad\n---\nText\n".utf8),
            "2024-01-04-trailing.md": Array("---\ntitle: D\nid: \"https://example.com/d \"\n---\nText\n".utf8),
            "2024-01-05-email.md": Array("---\ntitle: E\nauthor:\n  name: Ann\n  email: not an email\n---\nText\n".utf8),
            "2024-01-06-uri.md": Array("---\ntitle: F\nauthors:\n  - name: Bob\n    uri: \"http://exa mple.com/\"\n---\nText\n".utf8),
            "2024-01-07-good.md": Array("---\ntitle: G\nid: tag:example.com,2024:g\nauthor:\n  name: Cy\n  email: cy@example.com\n  uri: /about/\n---\nText\n".utf8),
            "2024-01-08-uuid.md": Array("---\ntitle: H\nguid: urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66\n---\nText\n".utf8),
            // White space before the scheme is said too, not taken for a value with none.
            "2024-01-09-leading.md": Array("---\ntitle: I\nid: \" urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66\"\n---\nText\n".utf8),
        ])
        let errors = Dictionary(uniqueKeysWithValues: result.errors.map { ($0.path.split(separator: "/").last.map(String.init) ?? $0.path, $0) })
        #expect(errors.count == 7, "\(result.errors)")
        #expect(errors["2024-01-09-leading.md"]?.message.contains("has white space around it") == true)
        #expect(errors["2024-01-01-space.md"]?.line == 3)
        #expect(errors["2024-01-01-space.md"]?.message.contains("contains white space, which must be percent-encoded") == true)
        #expect(errors["2024-01-02-urn.md"]?.line == 3)
        #expect(errors["2024-01-02-urn.md"]?.message.contains("`guid: urn:x:%zz` is not a valid URN") == true)
        #expect(errors["2024-01-03-tag.md"]?.line == 4)
        #expect(errors["2024-01-03-tag.md"]?.message.contains("is not a valid tag: URI") == true)
        #expect(errors["2024-01-04-trailing.md"]?.message.contains("has white space around it") == true)
        #expect(errors["2024-01-05-email.md"]?.line == 3)
        #expect(errors["2024-01-05-email.md"]?.message.contains("\"not an email\", is not one") == true)
        #expect(errors["2024-01-06-uri.md"]?.line == 3)
        #expect(errors["2024-01-06-uri.md"]?.message.contains("the address of `authors` Bob") == true)
        #expect(result.post("2024-01-07-good.md")?.explicitID == "tag:example.com,2024:g")
        #expect(result.post("2024-01-08-uuid.md")?.explicitID == "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66")
    }

    /// An author named from the site's authors data (`_data/authors.yml`) with an address
    /// a feed would refuse: the post's line, and where the address is.
    @Test func anAuthorFromTheSitesAuthorsDataSaysWhereItsAddressIs() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("_config.yml", "title: S\nurl: https://example.org\n")
        try temp.write("_data/authors.yml", "ada:\n  name: Ada\n  email: ada at example\n")
        try temp.write("_posts/2024-01-01-a.md", "---\ntitle: A\nauthor: ada\n---\nText\n")
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.errors.count == 1, "\(result.errors)")
        #expect(result.errors.first?.line == 3)
        #expect(result.errors.first?.message.contains("\"ada at example\", is not one") == true)
        #expect(result.errors.first?.message.contains("in the site's authors data, under `ada`") == true, "\(result.errors)")
    }

    /// The same for the site's own author, at the line of its configuration file.
    @Test func aSiteAuthorAFeedWouldRefuseIsAnErrorAtItsLine() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("_config.yml", "title: S\nurl: https://example.org\nauthor:\n  name: Zed\n  email: nope\n")
        try temp.write("_posts/2024-01-01-a.md", "---\ntitle: A\n---\nText\n")
        let jekyll = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(jekyll.errors.count == 1, "\(jekyll.errors)")
        #expect(jekyll.errors.first?.path.hasSuffix("_config.yml") == true)
        #expect(jekyll.errors.first?.line == 3)
        #expect(jekyll.errors.first?.message.contains("\"nope\", is not one") == true)

        let hugo = try TemporarySite()
        defer { hugo.remove() }
        try hugo.write("hugo.toml", "title = \"S\"\nbaseURL = \"https://example.org/\"\n[params]\nauthor = { name = \"Zed\", uri = \"http://a b/\" }\n")
        try hugo.write("content/posts/a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nText\n")
        let hugoResult = PostLoader.load(.site(hugo.root), options: LoadOptions())
        #expect(hugoResult.errors.count == 1, "\(hugoResult.errors)")
        #expect(hugoResult.errors.first?.path.hasSuffix("hugo.toml") == true)
        #expect(hugoResult.errors.first?.line == 4)
        #expect(hugoResult.errors.first?.message.contains("contains white space") == true)
    }

    @Test func byteOrderMarkAndCRLFAreAccepted() throws {
        let text = "---\r\ntitle: Windows\r\ndate: 2024-01-01\r\n---\r\n\r\nLine one\r\nline two\r\n\r\nNext\r\n"
        let result = try load(["2024-01-01-w.md": [0xEF, 0xBB, 0xBF] + Array(text.utf8)])
        #expect(result.errors == [])
        let post = try #require(result.posts.first)
        #expect(post.title == "Windows")
        #expect(post.contentHTML == "<p>Line one\nline two</p>\n<p>Next</p>\n")
    }

    /// Classic Mac OS line ends (a carriage return alone) are line ends: the front matter
    /// is read, not rendered into the text with the post dated by its file's time.
    @Test func carriageReturnLineEndsAreReadAsLineEnds() throws {
        let result = try load([
            "cr.md": Array("---\rtitle: CR\rdate: 2024-01-01\r---\r\rBody text.\r".utf8),
            // The first line says so in a file with line feeds too.
            "mixed.md": Array("---\rtitle: Mixed\rdate: 2024-01-02\r---\nBody.\n".utf8),
            "2024-01-03-plain.txt": Array("Plain title\rrest of its paragraph\r\rSecond paragraph\r".utf8),
        ])
        #expect(result.errors == [] && result.warnings == [], "\(result.errors) \(result.warnings)")
        let cr = try #require(result.post("cr.md"))
        #expect(cr.title == "CR")
        #expect(cr.published == utcDate(2024, 1, 1))
        #expect(cr.contentHTML == "<p>Body text.</p>\n")
        #expect(result.post("mixed.md")?.title == "Mixed")
        #expect(result.post("mixed.md")?.contentHTML == "<p>Body.</p>\n")
        let plain = try #require(result.post("2024-01-03-plain.txt"))
        #expect(plain.title == "Plain title")
        #expect(plain.contentHTML == "<p>rest of its paragraph</p>\n<p>Second paragraph</p>\n")
    }

    /// Jekyll does not read such front matter (its site shows it as text): a Jekyll post
    /// says so; an error's line counts the carriage returns.
    @Test func carriageReturnLineEndsInAJekyllPostAreSaid() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("_config.yml", "title: J\nurl: https://j.example\n")
        try temp.write("_posts/2024-03-05-cr.md", "---\rtitle: CR\r---\rBody.\r")
        try temp.write("_posts/2024-03-06-bad.md", bytes: Array("---\rtitle: Bad\r---\rab".utf8) + [0xFF])
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.posts.map(\.title) == ["CR"])
        let posts = "\(temp.root.standardizedFileURL.path)/_posts"
        #expect(result.warnings.map(\.description) == [
            "\(posts)/2024-03-05-cr.md:1: the lines end in carriage returns alone (classic Mac OS): Crier reads them as line ends, but Jekyll does not find the front matter and shows it as text; save the file with LF line ends",
        ])
        #expect(result.errors.map(\.description) == ["\(posts)/2024-03-06-bad.md:4: not valid UTF-8 (byte 22 of the file); save the file as UTF-8"])
    }

    /// An empty post file (or one of white space only) is most likely one not written yet:
    /// it is still published, but said, in a site and in a folder of posts. A post with
    /// front matter and no text is a post like any other.
    @Test func anEmptyPostFileIsSaid() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("_config.yml", "title: J\nurl: https://j.example\n")
        try temp.write("_posts/2024-03-01-empty.md", "")
        try temp.write("_posts/2024-03-02-blank.md", "  \n\t\r\n\n")
        try temp.write("_posts/2024-03-03-titled.md", "---\ntitle: Titled\n---\n")
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(Set(result.posts.map(\.title)) == ["Empty", "Blank", "Titled"])
        let posts = "\(temp.root.standardizedFileURL.path)/_posts"
        let said = "the file is empty: it is published as an entry with no text, titled from its name; write the post or delete the file"
        #expect(result.warnings.map(\.description).sorted() == ["\(posts)/2024-03-01-empty.md: \(said)", "\(posts)/2024-03-02-blank.md: \(said)"])

        let folder = try load(["2024-01-01-nothing.txt": [], "2024-01-02-text.txt": Array("A title\n\nText.\n".utf8)])
        #expect(folder.posts.count == 2 && folder.errors.isEmpty)
        #expect(folder.warnings.map { URL(fileURLWithPath: $0.path).lastPathComponent + ": " + $0.message } == ["2024-01-01-nothing.txt: \(said)"])
    }

    /// A FIFO named like a post is an error naming it, not a build that waits forever
    /// for something to write into it.
    @Test func aFIFOWhereAPostWouldBeIsAnErrorNotAHang() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("2024-01-01-a.md", bytes: Array("A post\n\nText.\n".utf8))
        #expect(mkfifo(temp.root.appendingPathComponent("2024-01-02-pipe.md").path, 0o644) == 0)
        let result = PostLoader.load(.folder(temp.root, site), options: LoadOptions())
        #expect(result.posts.count == 1)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.description.contains("2024-01-02-pipe.md") == true)
        #expect(result.errors.first?.description.contains("cannot read the file") == true)
    }

    /// Makes `name` (a relative path as bytes, not UTF-8) in `folder`: a folder, or a file
    /// holding `text`.
    func makeRaw(_ name: [UInt8], in folder: URL, text: String? = nil) {
        let path = Array(folder.path.utf8) + [UInt8(ascii: "/")] + name + [0]
        path.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { path in
                if let text {
                    let fd = open(path.baseAddress!, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
                    _ = Array(text.utf8).withUnsafeBytes { Glibc.write(fd, $0.baseAddress!, $0.count) }
                    close(fd)
                } else {
                    mkdir(path.baseAddress!, 0o755)
                }
            }
        }
    }

    /// A post whose file name is not UTF-8 (Latin-1 `café`) cannot be opened by the name
    /// read back (was: "No such file or directory", of a file that is there): the error
    /// says why and names the folder; a folder so named is said, not silently skipped.
    @Test func aNameThatIsNotUTF8IsSaidNotTakenForAMissingFile() throws {
        let temp = try TemporarySite()
        defer {
            // FileManager cannot remove what it cannot name.
            _ = try? Process.run(URL(fileURLWithPath: "/bin/rm"), arguments: ["-rf", temp.root.path]).waitUntilExit()
        }
        try temp.write("2024-01-02-good.md", "---\ntitle: Good\n---\nText.\n")
        makeRaw(Array("2024-01-01-caf".utf8) + [0xE9] + Array(".md".utf8), in: temp.root, text: "---\ntitle: Bad\n---\nText.\n")
        makeRaw(Array("caf".utf8) + [0xE9], in: temp.root)
        makeRaw(Array("caf".utf8) + [0xE9] + Array("/2024-01-03-inside.md".utf8), in: temp.root, text: "---\ntitle: Inside\n---\nText.\n")
        let result = PostLoader.load(.folder(temp.root, site), options: LoadOptions())
        #expect(result.posts.map(\.title) == ["Good"])
        let root = temp.root.standardizedFileURL.path
        #expect(result.errors.map(\.description) == [
            "\(root)/2024-01-01-caf\u{FFFD}.md: cannot read the file: its name is not valid UTF-8 (� stands for the bytes that are not), so it cannot be opened by that name; rename the file in \(root) to a UTF-8 name",
        ])
        #expect(result.warnings.map(\.description) == [
            "\(root)/caf\u{FFFD}: left out, with any posts in it: the folder's name is not valid UTF-8 (� stands for the bytes that are not), so it cannot be opened by that name; rename it to a UTF-8 name",
        ])
    }

    /// After a byte order mark, an invalid byte is counted from the file's start, and one
    /// among the first three bytes after the mark no longer crashes the loader.
    @Test(arguments: [([0xFF] + Array(" hello\n".utf8), 4, 1), (Array("---\ntitle: x\n---\nab".utf8) + [0xFF], 23, 4)])
    func invalidUTF8AfterAByteOrderMarkIsCountedFromTheFilesStart(text: [UInt8], byte: Int, line: Int) throws {
        let result = try load(["2024-01-01-bom.md": [0xEF, 0xBB, 0xBF] + text])
        let error = try #require(result.errors.first)
        #expect(error.line == line)
        #expect(error.message == "not valid UTF-8 (byte \(byte) of the file); save the file as UTF-8")
    }

    /// A post saved as UTF-16 is said to be one: with its byte order mark (little or big
    /// endian), or without one, where its NUL bytes are valid UTF-8 and the post was
    /// published as replacement characters. A NUL in a UTF-8 file is an error at its line.
    @Test func aUTF16PostOrOneHoldingANulIsAnErrorSayingSo() throws {
        let text = "---\ntitle: Wide\n---\nBody.\n"
        let little: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { (unit: UInt16) -> [UInt8] in [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let big: [UInt8] = [0xFE, 0xFF] + text.utf16.flatMap { (unit: UInt16) -> [UInt8] in [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
        let bare = Array(big.dropFirst(2))
        let withNul: [UInt8] = Array("---\ntitle: Nul\n---\nBody".utf8) + [0] + Array(" more\n".utf8)
        let result = try load(["2024-01-01-le.md": little, "2024-01-02-be.md": big, "2024-01-03-bare.md": bare,
                               "2024-01-04-nul.md": withNul, "2024-01-05-fine.md": Array(text.utf8)])
        #expect(result.posts.map(\.title) == ["Wide"])
        var said: [String: String] = [:]
        for error in result.errors {
            said[URL(fileURLWithPath: error.path).lastPathComponent] = "\(error.line.map { String($0) } ?? "-"): \(error.message)"
        }
        let bom = "1: the file is UTF-16 (it starts with a UTF-16 byte order mark), not UTF-8; save it as UTF-8"
        #expect(said["2024-01-01-le.md"] == bom)
        #expect(said["2024-01-02-be.md"] == bom)
        #expect(said["2024-01-03-bare.md"] == "1: a NUL byte (byte 1 of the file), which no text holds: if the file is UTF-16, save it as UTF-8")
        #expect(said["2024-01-04-nul.md"] == "4: a NUL byte (byte 24 of the file), which no text holds: if the file is UTF-16, save it as UTF-8")
        #expect(result.errors.count == 4, "\(result.errors)")
    }

    @Test func invalidUTF8IsAnErrorAtItsLineAndTheOtherPostsStillLoad() throws {
        let broken: [UInt8] = Array("---\ntitle: Bad\n---\nfine\ncaf".utf8) + [0xE9] + Array(" latin-1\n".utf8)
        let result = try load(["2024-01-01-bad.md": broken, "2024-01-02-good.md": Array("Good\n".utf8)])
        #expect(result.posts.map(\.sourcePath) == ["2024-01-02-good.md"])
        let error = try #require(result.errors.first)
        #expect(error.path.hasSuffix("2024-01-01-bad.md"))
        #expect(error.line == 5)
        #expect(error.message.contains("UTF-8"))
    }

    @Test(arguments: [
        ("---\ntitle: x\nbody without an end\n", 1, "never closed"),
        // The opening line alone, with or without its line feed.
        ("---", 1, "never closed"), ("+++", 1, "never closed"), ("---\n", 1, "never closed"),
        ("---\ntitle: x\ntags: [a, b\n---\nText\n", 3, "YAML"),  // where the bracket opens
        ("---\ntitle: ok\n  bad: indentation\n---\n", 3, "YAML"),
        ("+++\ntitle = \"x\"\ndate = what\n+++\n", 3, "TOML"),
        ("---\ntitle: x\ndate: March 5, 2024\n---\n", 3, "unknown date format 'March 5, 2024'"),
        ("+++\ntitle = \"x\"\n\nlastmod = \"yesterday\"\n+++\n", 4, "unknown date format 'yesterday' in `lastmod`"),
        ("---\n- a\n- b\n---\n", 2, "not a mapping"),
        // Nine aliases of aliases stand for 9^9 values: refused at the first key past the limit.
        (aliasBomb, 7, "aliases here expand to more than"),
        // TOML nested 100,000 deep overflowed the stack; dotted keys nest as deep.
        ("+++\ntitle = \"x\"\na = " + String(repeating: "[", count: 100_000) + "\n+++\n", 3, "nested more than 1000 deep"),
        ("+++\na = " + String(repeating: "{b = ", count: 100_000) + "\n+++\n", 2, "nested more than 1000 deep"),
        ("+++\n" + Array(repeating: "a", count: 100_000).joined(separator: ".") + " = 1\n+++\n", 2, "nested more than 1000 deep"),
        ("+++\n[" + Array(repeating: "a", count: 100_000).joined(separator: ".") + "]\n+++\n", 2, "nested more than 1000 deep"),
    ])
    func brokenFrontMatterIsAnErrorAtTheFileLine(source: String, line: Int, message: String) throws {
        let result = try load(["post.md": Array(source.utf8)])
        #expect(result.posts.isEmpty)
        let error = try #require(result.errors.first)
        #expect(error.path.hasSuffix("post.md"))
        #expect(error.line == line)
        #expect(error.message.contains(message), "\(error)")
    }

    /// A date that is a list or a mapping is said in the author's words, not as Swift
    /// prints the value (`array([Crier.ConfigValue.string("2024-01-01")])`).
    @Test(arguments: [
        ("---\ntitle: x\ndate: [2024-01-01]\n---\nBody\n", 3, "`date` is a list, not a date"),
        ("---\ntitle: x\ndate:\n  day: 2024-01-01\n---\nBody\n", 3, "`date` is a mapping, not a date"),
        ("---\ntitle: x\nupdated: []\n---\nBody\n", 3, "`updated` is a list, not a date"),
        ("+++\ntitle = \"x\"\n[date]\nday = 2024-01-01\n+++\nBody\n", 3, "`date` is a table, not a date"),
    ])
    func aDateThatIsAListOrAMappingIsSaidInTheAuthorsWords(source: String, line: Int, message: String) throws {
        let result = try load(["post.md": Array(source.utf8)])
        #expect(result.posts.isEmpty)
        let error = try #require(result.errors.first)
        #expect(error.path.hasSuffix("post.md"))
        #expect(error.line == line)
        #expect(error.message == message + "; write it like 2024-03-05, 2024-03-05 14:30, 2024-03-05 14:30:00 +0100 or 2024-03-05T14:30:00Z", "\(error)")
    }

    // The aliases of `aliasBomb` as a key: Yams would hash it expanded while composing,
    // for hours; refused before Yams composes it.
    @Test(arguments: [
        (aliasBomb(endingWith: "? *i\n: x"), 11),
        (aliasBomb(endingWith: "[*i, *h]: x"), 11),
        (aliasBomb(endingWith: "nested:\n  *i : x"), 12),
        (aliasBomb(endingWith: "list: [{*i : x}]"), 11),
        // Where a plain word would swallow the `:` that makes the alias a key.
        (aliasBomb(endingWith: "tags: {*i:x}"), 11),
        (aliasBomb(endingWith: "tags: [*i:x]"), 11),
        (aliasBomb(endingWith: "tags: {*i :x}"), 11),
        (aliasBomb(endingWith: "tags: [*i\t: x]"), 11),
    ])
    func anAliasOfAListAsAKeyIsAnError(source: String, line: Int) throws {
        let result = try load(["post.md": Array(source.utf8)])
        #expect(result.posts.isEmpty)
        let error = try #require(result.errors.first)
        #expect(error.line == line)
        #expect(error.message.contains("this key is an alias of a list or mapping"), "\(error)")
    }

    @Test(arguments: [
        aliasBomb(endingWith: "? *i\n: x\nbad: [unclosed"),
        // Line breaks libyaml knows beyond LF and CR, around the anchor and the alias.
        aliasBomb.replacingOccurrences(of: "i: &i [", with: "i: &i\u{2028}[").replacingOccurrences(of: "tags: *i", with: "? *i\n: x"),
        aliasBomb(endingWith: "?\u{2028}*i\n: x"),
    ])
    func brokenYAMLWithAnAliasOfAListAsAKeyIsReportedWithoutComposingTheKey(source: String) throws {
        let result = try load(["post.md": Array(source.utf8)])
        let error = try #require(result.errors.first)
        #expect(error.message.contains("YAML"), "\(error)")
    }

    @Test func rawHTMLIsDroppedWhenTheSiteDisallowsIt() throws {
        var site = self.site
        site.feed.allowRawHTML = false
        let result = try load(["2024-01-01-x.md": Array("Text <script>alert(1)</script> end\n\n<div onclick=\"x()\">block</div>\n".utf8)], site: site)
        let post = try #require(result.posts.first)
        #expect(!post.contentHTML.contains("<script"))
        #expect(!post.contentHTML.contains("<div"))
        #expect(post.contentHTML.contains("Text"))
    }

    @Test func draftAndUnpublishedFolderPostsAreLeftOut() throws {
        let result = try load([
            "2024-01-01-a.md": Array("---\ndraft: true\n---\nA\n".utf8),
            "2024-01-01-b.md": Array("---\npublished: false\n---\nB\n".utf8),
            "2024-01-01-c.md": Array("---\npublished: true\n---\nC\n".utf8),
        ])
        #expect(result.posts.map(\.sourcePath) == ["2024-01-01-c.md"])
    }

    @Test func aMissingFolderIsOneError() {
        let result = PostLoader.load(.site(URL(fileURLWithPath: "/nonexistent/crier-site")), options: LoadOptions())
        #expect(result.posts.isEmpty)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.message == "no such folder")
    }

    @Test func aFolderThatIsNoSiteIsOneError() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("notes.md", "x")
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.message.contains("neither a Jekyll site") == true)
    }

    /// A site with no `title` still gets feeds that pass the gate: titled after its host
    /// (or, without a real address, its folder), with a warning that says so.
    @Test func aSiteWithoutATitleIsTitledAfterItsAddressWithAWarning() throws {
        let jekyll = try TemporarySite()
        defer { jekyll.remove() }
        try jekyll.write("_config.yml", "url: https://notes.example\n")
        try jekyll.write("_posts/2024-01-01-a.md", "---\ntitle: A\n---\nBody.\n")
        let hugo = try TemporarySite()
        defer { hugo.remove() }
        try hugo.write("hugo.toml", "title = \"  \"\n")
        try hugo.write("content/posts/a.md", "+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nBody.\n")
        // A title of a control character only, which no feed holds, is none, said at its line.
        let control = try TemporarySite()
        defer { control.remove() }
        try control.write("_config.yml", "title: \"\\x01\"\nurl: https://control.example\n")
        try control.write("_posts/2024-01-01-a.md", "---\ntitle: A\n---\nBody.\n")
        let ignored = BuildPipeline.run([BuildJob(source: .site(control.root), formats: [.atom])], options: BuildOptions())
        #expect(ignored.warnings.contains { $0.path.hasSuffix("_config.yml") && $0.line == 1 && $0.message.contains("holds nothing a feed can show") },
                "\(ignored.warnings)")
        for (site, title) in [(jekyll.root, "notes.example"), (hugo.root, hugo.root.lastPathComponent), (control.root, "control.example")] {
            let outcome = BuildPipeline.run([BuildJob(source: .site(site), formats: [.atom, .rss, .json])], options: BuildOptions())
            #expect(outcome.feedFailures.isEmpty && outcome.postErrors.isEmpty, "\(outcome.feedFailures)")
            #expect(outcome.files.count == 3)
            let atom = try #require(outcome.files.first { $0.format == .atom })
            #expect(String(decoding: atom.parts.bytes, as: UTF8.self).contains("<title>\(title)</title>"))
            #expect(outcome.warnings.contains { $0.message.contains("no `title`") && $0.message.contains(title) })
        }
    }

    /// A post's own id must be an absolute URI: `guid:` is taken first, then `id:`; a value
    /// that is no URI is not used, and a warning names it and its line.
    @Test func anIdThatIsNoURIIsSaidAndTheTagIdKept() throws {
        let site = try TemporarySite()
        defer { site.remove() }
        try site.write("_config.yml", "title: T\nurl: https://e.org\n")
        try site.write("_posts/2024-01-01-plain.md", "---\ntitle: A\nid: post-12345\n---\nBody.\n")
        try site.write("_posts/2024-01-02-both.md", "---\ntitle: B\nguid: not a uri\nid: urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66\n---\nBody.\n")
        try site.write("_posts/2024-01-03-good.md", "---\ntitle: C\nguid: https://e.org/c\nid: urn:x:ignored\n---\nBody.\n")
        let result = PostLoader.load(.site(site.root), options: LoadOptions())
        #expect(result.errors.isEmpty)
        let ids = result.posts.map { EntryID.make(for: $0, site: result.site) }
        #expect(ids == ["tag:e.org,2024-01-01:_posts/2024-01-01-plain", "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66", "https://e.org/c"])
        let warning = try #require(result.warnings.first { $0.path.hasSuffix("2024-01-01-plain.md") })
        #expect(warning.line == 3 && warning.message.contains("post-12345"))
        #expect(!result.warnings.contains { $0.path.hasSuffix("both.md") || $0.path.hasSuffix("good.md") })
    }

    /// "No `url`" (Jekyll) or "no absolute `baseURL`" (Hugo) is said only when nothing else
    /// gives the site an address: not when `--base-url` or a definition's `base_url` does.
    @Test func aMissingAddressIsSaidOnlyWhenNothingGivesOne() throws {
        let jekyll = try TemporarySite()
        defer { jekyll.remove() }
        try jekyll.write("_config.yml", "title: T\n")
        try jekyll.write("_posts/2024-01-01-a.md", "---\ntitle: A\n---\nBody.\n")
        let hugo = try TemporarySite()
        defer { hugo.remove() }
        try hugo.write("hugo.toml", "title = \"H\"\n")
        try hugo.write("content/posts/a.md", "+++\ntitle = \"A\"\ndate = 2024-01-01\n+++\nBody.\n")
        var overridden = LoadOptions()
        overridden.siteOverrides = { site in
            var site = site
            site.baseURL = "https://x.example/"
            return site
        }
        for (root, words) in [(jekyll.root, "no `url`"), (hugo.root, "no absolute `baseURL`")] {
            let plain = PostLoader.load(.site(root), options: LoadOptions())
            #expect(plain.warnings.filter { $0.message.contains(words) }.count == 1)
            let given = PostLoader.load(.site(root), options: overridden)
            #expect(given.site.baseURL == "https://x.example/" && given.posts.first?.url.hasPrefix("https://x.example/") == true)
            #expect(!given.warnings.contains { $0.message.contains(words) }, "\(given.warnings)")
        }
    }

    @Test func aConfigSyntaxErrorNamesTheConfigLine() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("_config.yml", "title: ok\nurl: https://x.example\nfeed: [unclosed\n")
        try temp.write("_posts/2024-01-01-a.md", "---\ntitle: A\n---\n")
        let result = PostLoader.load(.site(temp.root), options: LoadOptions())
        #expect(result.posts.isEmpty)
        let error = try #require(result.errors.first)
        #expect(error.path.hasSuffix("_config.yml"))
        #expect(error.line == 4 || error.line == 3)
        let hugo = try TemporarySite()
        defer { hugo.remove() }
        try hugo.write("hugo.toml", "baseURL = \"https://h.example/\"\ntitle = \"H\"\ntimeZone = \"Mars/Olympus\"\n")
        let hugoResult = PostLoader.load(.site(hugo.root), options: LoadOptions())
        #expect(hugoResult.errors.first?.line == 3)
        #expect(hugoResult.errors.first?.message.contains("unknown time zone") == true)
    }

    @Test func manyPostsLoadInParallelInADeterministicOrder() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        for i in 0..<400 {
            let day = i % 28 + 1
            let name = "p\(String(format: "%03d", (i * 7919) % 400))"
            try temp.write("\(name)/2024-02-\(day < 10 ? "0" : "")\(day)-post.md",
                           "---\ntitle: Post \(i)\ntags: [t\(i % 5)]\n---\n\nParagraph with ~~strike~~ and [link](../x\(i).html).\n\n| a |\n|---|\n| \(i) |\n")
        }
        let first = PostLoader.load(.folder(temp.root, site), options: LoadOptions())
        let second = PostLoader.load(.folder(temp.root, site), options: LoadOptions())
        #expect(first.errors == [])
        #expect(first.posts.count == 400)
        #expect(first.posts == second.posts)
        #expect(first.posts.map(\.sourcePath) == first.posts.map(\.sourcePath).sorted())
        #expect(first.posts.allSatisfy { $0.contentHTML.contains("<del>strike</del>") && $0.contentHTML.contains("<table>") })
    }

    @Test func aSymbolicLinkBackUpTheTreeIsNotFollowedForever() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        try temp.write("posts/2024-01-01-a.md", "A\n")
        try FileManager.default.createSymbolicLink(at: temp.root.appendingPathComponent("posts/loop"), withDestinationURL: temp.root)
        let result = PostLoader.load(.folder(temp.root, site), options: LoadOptions())
        #expect(result.posts.map(\.sourcePath) == ["posts/2024-01-01-a.md"])
    }

    /// Links are followed: one to a post and one to a folder of posts load (under the
    /// link's own path); a dangling one named like a post is an error saying so (a post
    /// silently missing from the feed is worse); hidden names are skipped.
    @Test func symbolicLinksToPostsAndFoldersAreFollowed() throws {
        let temp = try TemporarySite()
        defer { temp.remove() }
        let outside = try TemporarySite()
        defer { outside.remove() }
        try temp.write("posts/2024-01-01-a.md", "A\n")
        try temp.write("posts/.2024-01-05-hidden.md", "Hidden\n")
        try outside.write("2024-01-02-b.md", "B\n")
        try outside.write("more/2024-01-03-c.md", "C\n")
        let fm = FileManager.default
        try fm.createSymbolicLink(at: temp.root.appendingPathComponent("posts/2024-01-02-b.md"),
                                  withDestinationURL: outside.root.appendingPathComponent("2024-01-02-b.md"))
        try fm.createSymbolicLink(at: temp.root.appendingPathComponent("posts/linked"),
                                  withDestinationURL: outside.root.appendingPathComponent("more"))
        try fm.createSymbolicLink(at: temp.root.appendingPathComponent("posts/2024-01-04-gone.md"),
                                  withDestinationURL: outside.root.appendingPathComponent("missing.md"))
        let result = PostLoader.load(.folder(temp.root, site), options: LoadOptions())
        #expect(result.errors.map(\.message) == ["cannot read the file: No such file or directory"])
        #expect(result.errors.first?.path.hasSuffix("posts/2024-01-04-gone.md") == true)
        #expect(Set(result.posts.map(\.sourcePath)) == ["posts/2024-01-01-a.md", "posts/2024-01-02-b.md", "posts/linked/2024-01-03-c.md"])
    }
}
