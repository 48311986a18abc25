@testable import Crier
import Foundation

/// Posts built in code for writer tests; loader tests read real files instead.
enum SamplePosts {
    static let site: Site = {
        var site = Site(title: "Field Notes", description: "Notes & sketches", baseURL: "https://example.org/notes/",
                        author: Person(name: "Ada Lovelace", email: "ada@example.org"), language: "en")
        site.feed.path = "feed.xml"
        return site
    }()

    static func date(_ text: String) -> Date {
        FeedReadBack.parseRFC3339(text)!
    }

    /// Text that has broken feeds elsewhere: a form feed, an escape character, `]]>`,
    /// `&`, `<`, emoji and right-to-left text.
    static let hostileText = "Form\u{0C}feed, esc\u{1B}ape, end ]]> of CDATA, fish & chips, 1 < 2, 🦜 parrot, שלום עולם"

    static let posts: [Post] = [
        Post(sourcePath: "2024-03-05-hello.md", title: "Hello, world", published: date("2024-03-05T14:30:00Z"),
             url: "https://example.org/notes/2024/03/05/hello.html", tags: ["swift", "Café Crème"],
             categories: ["essays"], summaryHTML: "<p>First.</p>", contentHTML: "<p>First post.</p>"),
        Post(sourcePath: "2024-04-01-hostile.md", title: hostileText, published: date("2024-04-01T08:00:00Z"),
             updated: date("2024-04-02T09:15:30Z"),
             url: "https://example.org/notes/2024/04/01/hostile.html?a=1&b=2",
             authors: [Person(name: "Grace Hopper")], tags: ["swift"],
             contentHTML: "<p>\(hostileText)</p><pre><code>if a &lt; b &amp;&amp; c ]]&gt; d</code></pre>"),
        Post(sourcePath: "2024-02-10-older.md", title: "Older", published: date("2024-02-10T00:00:00Z"),
             url: "https://example.org/notes/2024/02/10/older.html", tags: ["日本語"], contentHTML: "<p>Old.</p>"),
    ]

    /// What the writers must keep of `text`: everything but the characters XML forbids.
    static func xmlSafe(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{0C}", with: "").replacingOccurrences(of: "\u{1B}", with: "")
    }
}
