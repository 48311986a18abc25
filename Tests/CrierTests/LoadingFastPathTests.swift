@testable import Crier
import Foundation
import Testing

/// The loader's byte-level fast paths give what the general code gives.
@Suite("Loading: fast paths agree with the general code")
struct LoadingFastPathTests {
    static let texts = [
        "", " ", "\t", "\n", "\r\n", "title", " title", "title ", "\ttitle\t", "title\n", "\ntitle", "a b",
        "\u{0B}x\u{0C}", "x\r", "\u{85}x", "x\u{85}", "\u{A0}x\u{A0}", "\u{2003}x", "x\u{2028}", "é", " é ", "e\u{301}",
        "\u{301}x", "x\u{301}", "日本", "  ", "\u{3000}全角\u{3000}",
    ]

    @Test(arguments: texts)
    func trimsAsFoundationDoes(text: String) {
        #expect(text.trimmingWhitespace == text.trimmingCharacters(in: .whitespaces))
        #expect(text.trimmingWhitespaceAndNewlines == text.trimmingCharacters(in: .whitespacesAndNewlines))
        let inside = Substring("[" + text + "]").dropFirst().dropLast()
        #expect(inside.trimmingWhitespace == inside.trimmingCharacters(in: .whitespaces))
        #expect(inside.trimmingWhitespaceAndNewlines == inside.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static let patterns = [
        "/:year/:month/:day/:title/", "/:categories/:year/:month/:day/:title:output_ext", ":title", "/blog/:slug",
        "/:unknown/:title/", "/a::b/:/c:", "//:year//x//", "/:year:month:day/", "/:Title_x/", "/x:\r\n:title", "",
        "/:year/é/:title/", "/:titlé/", "/:title\u{301}/", "/\u{301}:year/",
    ]

    @Test(arguments: patterns)
    func expandsPatternsAsCharacterByCharacter(pattern: String) {
        let value: (String) -> String? = { name in
            switch name {
            case "year": "2024"
            case "month": "03"
            case "day": "05"
            case "title": "Hello-World"
            case "slug": "hello/world//"
            case "categories": ""
            case "output_ext": ".html"
            case "Title_x": "ok"
            default: nil
            }
        }
        #expect(Permalink.expand(pattern, value: value) == Permalink.expandByCharacter(pattern, value: value))
        if pattern.utf8.allSatisfy({ $0 < 0x80 }) {
            #expect(Permalink.expandASCII(pattern, value: value) != nil)
        }
    }

    @Test(arguments: [
        "Hello, World!", "  leading and trailing  ", "Don't (stop) me_now+then;a=b@c", "x\r\ny", "UPPER lower 123", "",
        "---", "a--b", "Café au lait", "e\u{301}", "日本語のタイトル",
    ])
    func slugsAsCharacterByCharacter(text: String) {
        for (pretty, cased) in [(true, true), (false, false), (true, false), (false, true)] {
            #expect(Permalink.jekyllSlug(text, pretty: pretty, cased: cased)
                == Permalink.jekyllSlugByCharacter(text, pretty: pretty, cased: cased))
        }
    }

    @Test(arguments: ["", "/", "a//b///c/", "//x", "x//", "a/\r\n//b", "é//x", "\u{301}/x", "//\u{301}/", "/a/\u{301}//b"])
    func normalisesPathsAsCharacterByCharacter(path: String) {
        #expect(Permalink.normalisedPath(path) == Permalink.normalisedPathByCharacter(path))
    }

    @Test(arguments: [("Date", "date"), ("date", "date"), ("DATE", "date"), ("Dates", "date"), ("lastMod", "lastmod"),
                      ("last_Modified_At", "last_modified_at"), ("Ünïcode", "ünïcode"), ("K", "\u{212A}"), ("[", "{"), ("@", "`"), ("", "")])
    func comparesKeysAsLowercasingDoes(key: String, lower: String) {
        #expect(ConfigTable.lowercases(key, to: lower) == (key.lowercased() == lower))
    }

    @Test func normalisesPaths() {
        #expect(Permalink.normalisedPath("a//b///c/") == "/a/b/c/")
        #expect(Permalink.normalisedPath("/") == "/")
        #expect(Permalink.normalisedPath("") == "/")
        #expect(Permalink.normalisedPath("\u{301}/x") == "/\u{301}/x")
        #expect(Permalink.normalisedPath("//\u{301}/") == "//\u{301}/")
    }

    static let fileNames = [
        "2024-01-01-foo.md", "a.b.c", "a..md", "x.tar.gz", "日本.md", "a.MD", "a.markdown", "a.txt", "no-ext", ".md",
        "a.", "..md", "...md", "a b.m d", "x.md ", "a.b c", "a.é", "a.m-d", "a. md", "a.1", "index.md", "a.md~", ".hidden.md",
    ]

    @Test(arguments: fileNames)
    func namesSplitAsURLSplitsThem(name: String) {
        let url = URL(fileURLWithPath: "/site/_posts/" + name, isDirectory: false)
        #expect(FileNames.name(ofFile: url.path) == url.lastPathComponent)
        #expect(FileNames.baseName(name) == url.deletingPathExtension().lastPathComponent)
    }

    /// A post's path as shown in messages, worked out with and without a `URL`: absolute
    /// and relative, inside the working directory and outside it, tidy or not.
    @Test func displayPathsAgreeWithTheURLWay() {
        let cwd = FileManager.default.currentDirectoryPath
        let paths = [
            cwd + "/site/_posts/a.md", cwd + "/a.md", "/elsewhere/a.md", "/a.md", "site/_posts/a.md", "a.md",
            cwd + "/site/../site/_posts/a.md", cwd + "/site/./a.md", cwd + "//site/a.md", "./site/a.md", "../a.md",
            "site//a.md", cwd + "x/a.md", cwd,
        ]
        for path in paths {
            #expect(SiteConfiguration.displayPath(filePath: path) == SiteConfiguration.displayPath(URL(fileURLWithPath: path, isDirectory: false)), "\(path)")
        }
    }
}
