import CrierCLI
import Foundation
import Testing
import Crier
#if canImport(Glibc)
import Glibc
#endif

@Suite struct BuildCommandTests {
    @Test func buildsABareFolderIntoAllThreeFormats() async throws {
        let dir = try TempFolder()
        try dir.write("posts/2024-05-01-first.md", "---\ntitle: First\n---\nHello *there*.\n")
        try dir.write("posts/2024-05-02-second.txt", "Second post\n\nPlain text & more.\n")
        let status = await CrierMain.run(["build", "--posts", dir.path + "/posts", "--base-url", "https://example.org/",
                                          "--title", "Notes", "--output", dir.path + "/out", "--quiet"])
        #expect(status == 0)
        let atom = try dir.read("out/feed.xml")
        #expect(atom.contains("<title>First</title>") && atom.contains("<title>Second post</title>"))
        #expect(try dir.read("out/feed.rss").contains("<rss version=\"2.0\""))
        #expect(try dir.read("out/feed.json").contains("\"version\" : \"https://jsonfeed.org/version/1.1\""))
    }

    @Test func formatAndLimitAreObeyed() async throws {
        let dir = try TempFolder()
        for day in 1...5 {
            try dir.write("posts/2024-05-0\(day)-p\(day).md", "---\ntitle: Post \(day)\n---\nBody \(day).\n")
        }
        let status = await CrierMain.run(["build", "--posts", dir.path + "/posts", "--base-url", "https://example.org/",
                                          "--output", dir.path + "/out", "--format", "atom", "--limit", "2", "-q"])
        #expect(status == 0)
        #expect(!dir.exists("out/feed.rss") && !dir.exists("out/feed.json"))
        let atom = try dir.read("out/feed.xml")
        #expect(atom.components(separatedBy: "<entry>").count - 1 == 2)
        #expect(atom.contains("Post 5") && atom.contains("Post 4") && !atom.contains("Post 3"))
    }

    @Test func aBrokenPostStopsEveryWriteUnlessKeepGoing() async throws {
        let dir = try TempFolder()
        try dir.write("posts/2024-05-01-good.md", "---\ntitle: Good\n---\nFine.\n")
        try dir.write("posts/2024-05-02-bad.md", "---\ntitle: [unclosed\n---\nBroken front matter.\n")
        let args = ["build", "--posts", dir.path + "/posts", "--base-url", "https://example.org/", "--output", dir.path + "/out", "-q"]
        #expect(await CrierMain.run(args) == 1)
        #expect(!dir.exists("out/feed.xml"))
        #expect(await CrierMain.run(args + ["--keep-going"]) == 1)
        let atom = try dir.read("out/feed.xml")
        #expect(atom.contains("<title>Good</title>"))
    }

    /// Every definition that cannot be read is named, not only the first; with
    /// --keep-going the others are built and the build still fails.
    @Test func brokenDefinitionsAreAllNamedAndKeepGoingBuildsTheOthers() throws {
        let dir = try TempFolder()
        try dir.write("feeds/good.yml", "title: Good\nbase_url: https://example.org/\nposts: p\n")
        try dir.write("feeds/p/2024-06-01-first.md", "---\ntitle: First\n---\nOne.\n")
        try dir.write("feeds/bad.yml", "title: [unclosed\nposts: p\n")
        try dir.write("feeds/worse.yml", "title: Worse\nbase_url: https://example.org/w/\nposts: p\nlimt: 3\n")
        let stopped = try CrierBinary.run(["build", "--output", "out"], in: dir.url)
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("bad.yml:") && stopped.stderr.contains("worse.yml:"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("2 feed definitions could not be read; nothing written (use --keep-going to build the others)"))
        #expect(!dir.exists("out/good.xml"))

        let kept = try CrierBinary.run(["build", "--output", "out", "--keep-going"], in: dir.url)
        #expect(kept.status == 1)
        #expect(kept.stderr.contains("bad.yml:") && kept.stderr.contains("worse.yml:"), "\(kept.stderr)")
        #expect(kept.stderr.contains("3 files from 1 post, 2 failed"), "\(kept.stderr)")
        #expect(try dir.read("out/good.xml").contains("<title>First</title>"))
    }

    /// An output path that is a file is said once, with a summary, not once per feed file
    /// with Foundation's error number; an unreadable post says why.
    @Test func fileSystemFailuresSayWhatFailedOnce() throws {
        let dir = try TempFolder()
        try dir.write("posts/2024-05-01-first.md", "---\ntitle: First\n---\nHello.\n")
        try dir.write("out", "a file where the output folder should be\n")
        let run = try CrierBinary.run(["build", "--posts", "posts", "--base-url", "https://example.org/", "--output", "out"], in: dir.url)
        #expect(run.status == 1)
        let errors = run.stderr.split(separator: "\n")
        #expect(errors.filter { $0.contains("out: exists and is not a folder") }.count == 1, "\(run.stderr)")
        #expect(errors.last?.contains("0 files from 1 post, 3 could not be written") == true, "\(run.stderr)")
        #expect(!run.stderr.contains("NSCocoaErrorDomain"))

        // A FIFO where a post should be: refused without waiting on it, and said why.
        #expect(mkfifo(dir.url.appendingPathComponent("posts/2024-05-02-pipe.md").path, 0o644) == 0)
        let unreadable = try CrierBinary.run(["build", "--posts", "posts", "--base-url", "https://example.org/", "--output", "out2"], in: dir.url)
        #expect(unreadable.stderr.contains("2024-05-02-pipe.md: cannot read the file: it is not a regular file"), "\(unreadable.stderr)")
    }

    @Test func usageErrorsExitWithTwo() async {
        #expect(await CrierMain.run(["build", "--posts", "/tmp"]) == 2, "--posts without --base-url")
        for base in ["https://example.org/?q=1#frag", "https://", "https://example.org/a b/", "ftp://example.org/"] {
            #expect(await CrierMain.run(["build", "--posts", "/tmp", "--base-url", base, "--output", "/tmp/crier-never-written"]) == 2, "\(base)")
        }
        #expect(await CrierMain.run(["build", "--format", "atom,pdf", "--posts", "/tmp", "--base-url", "https://e.org/"]) == 2)
        #expect(await CrierMain.run(["build", "--site", "/a", "--posts", "/b", "--base-url", "https://e.org/"]) == 2)
        #expect(await CrierMain.run(["build", "--no-such-option"]) == 2)
        #expect(await CrierMain.run(["build", "--feeds", "/nonexistent-crier-feeds"]) == 2)
        #expect(await CrierMain.run(["build", "--posts", "/nonexistent-crier-posts", "--base-url", "https://e.org/", "--title", " "]) == 2, "an empty --title")
    }

    /// Options that used to be ignored without a word: definitions set their own title
    /// and address, and --feeds is not read with --site or --posts.
    @Test func optionsThatWouldBeIgnoredAreUsageErrors() async throws {
        let dir = try TempFolder()
        try dir.write("feeds/notes.yml", "title: Notes\nbase_url: https://example.org/\nposts: notes\n")
        try dir.write("feeds/notes/2024-06-01-first.md", "---\ntitle: First\n---\nOne.\n")
        try dir.write("site/_config.yml", "title: S\nurl: https://s.example/\n")
        try dir.write("site/_posts/2024-06-01-a.md", "---\ntitle: A\n---\nx\n")
        let feeds = dir.path + "/feeds", out = dir.path + "/out"
        #expect(await CrierMain.run(["build", "--feeds", feeds, "--output", out, "-q"]) == 0, "the definitions build")
        #expect(await CrierMain.run(["build", "--feeds", feeds, "--output", out, "-q", "--title", "T"]) == 2)
        #expect(await CrierMain.run(["build", "--feeds", feeds, "--output", out, "-q", "--base-url", "https://e.org/"]) == 2)
        #expect(await CrierMain.run(["build", "--site", dir.path + "/site", "--output", out, "-q"]) == 0, "the site builds")
        #expect(await CrierMain.run(["build", "--site", dir.path + "/site", "--output", out, "-q", "--feeds", feeds]) == 2)
        #expect(await CrierMain.run(["build", "--site", dir.path + "/site", "--output", out, "-q", "--title", "Other"]) == 0, "--title overrides a site's")
    }

    /// `crier help NAME` for no such command is a usage error (it printed the general help
    /// and exited 0), and a usage error found when a command runs shows that command's
    /// usage (it showed `Usage: crier <subcommand>`).
    @Test func usageErrorsNameTheCommand() throws {
        let dir = try TempFolder()
        let unknown = try CrierBinary.run(["help", "nonsense"], in: dir.url)
        #expect(unknown.status == 2 && unknown.stdout.isEmpty)
        #expect(unknown.stderr.contains("no command `nonsense`; the commands are build, validate, publish, serve"), "\(unknown.stderr)")
        let known = try CrierBinary.run(["help", "build"], in: dir.url)
        #expect(known.status == 0 && known.stdout.contains("OVERVIEW: Build Atom, RSS and JSON feeds"))
        #expect(try CrierBinary.run(["help", "help"], in: dir.url).status == 0)
        let noFeeds = try CrierBinary.run(["build"], in: dir.url)
        #expect(noFeeds.status == 2)
        #expect(noFeeds.stderr.contains("no feed definitions folder `feeds` here"), "\(noFeeds.stderr)")
        #expect(noFeeds.stderr.contains("Usage: crier build [--site <dir>]") && noFeeds.stderr.contains("See 'crier build --help'"), "\(noFeeds.stderr)")
        let noPosts = try CrierBinary.run(["publish", "--posts", "nope", "--base-url", "https://e.org/"], in: dir.url)
        #expect(noPosts.status == 2 && noPosts.stderr.contains("See 'crier publish --help'"), "\(noPosts.stderr)")
    }

    /// A negative number is out of range, and said so: ArgumentParser took `-1` for an
    /// option and said "Missing value for '--wait <seconds>'".
    @Test func negativeNumbersAreSaidToBeOutOfRange() throws {
        let dir = try TempFolder()
        for (arguments, message) in [
            (["publish", "--wait", "-1"], "--wait must be from 0 to 86400 seconds."),
            (["publish", "--ping-attempts", "-2"], "--ping-attempts must be from 1 to 10."),
            (["build", "--limit", "-3"], "--limit must be 0 or more."),
            (["serve", "--port", "-1"], "--port must be between 0 and 65535."),
            (["serve", "--interval", "-5"], "--interval must be from 0.1 to 86400 seconds."),
            (["validate", "--max-bytes", "-5", "x.xml"], "--max-bytes must be positive."),
            (["validate", "--timeout", "-5", "x.xml"], "--timeout must be more than 0 seconds"),
        ] {
            let run = try CrierBinary.run(arguments, in: dir.url)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.stderr.contains(message) && !run.stderr.contains("Missing value"), "\(arguments): \(run.stderr)")
        }
    }

    /// A site whose configuration cannot be read is that one error, and no feed: not an
    /// empty feed failing the gate besides.
    @Test func anUnreadableSiteIsOneErrorAndNoFeed() async throws {
        let dir = try TempFolder()
        try dir.write("site/_config.yml", "title: T\nurl: [unclosed\n")
        try dir.write("site/_posts/2024-05-01-a.md", "---\ntitle: A\n---\nBody.\n")
        let outcome = BuildPipeline.run([BuildJob(source: .site(URL(fileURLWithPath: dir.path + "/site")), formats: [.atom])], options: BuildOptions())
        #expect(outcome.postErrors.count == 1 && outcome.postErrors.first?.path.hasSuffix("_config.yml") == true)
        #expect(outcome.feedFailures.isEmpty && outcome.files.isEmpty && outcome.feedCount == 0)
        #expect(await CrierMain.run(["build", "--site", dir.path + "/site", "--output", dir.path + "/out", "--keep-going", "-q"]) == 1)
        #expect(!dir.exists("out/feed.xml"))
    }

    @Test func theBinaryWithNoArgumentsBuildsTheFeedsFolder() throws {
        let dir = try TempFolder()
        try dir.write("feeds/notes.yml", """
            title: Notes
            base_url: https://example.org/notes/
            posts: notes
            path: notes/feed.xml
            tags: true
            """)
        try dir.write("feeds/notes/2024-06-01-tagged.md", "---\ntitle: Tagged\ntags: [swift, ελληνικά]\n---\nText.\n")
        let run = try CrierBinary.run(["build"], in: dir.url)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("wrote public/notes/feed.xml"))
        #expect(run.stdout.contains("from 1 post"))
        #expect(dir.exists("public/notes/feed.rss") && dir.exists("public/notes/feed.json"))
        #expect(dir.exists("public/notes/feed/by_tag/swift.xml") && dir.exists("public/notes/feed/by_tag/ελληνικά.xml"))
        let quiet = try CrierBinary.run(["build", "--quiet"], in: dir.url)
        #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty)
    }

    @Test func helpExplainsTheCommand() throws {
        let dir = try TempFolder()
        let run = try CrierBinary.run(["build", "--help"], in: dir.url)
        #expect(run.status == 0)
        for text in ["--site", "--posts", "--base-url", "--output", "--format", "--limit", "--keep-going", "Exit status"] {
            #expect(run.stdout.contains(text), "help mentions \(text)")
        }
    }
}
