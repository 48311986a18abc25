import Crier
import CrierCLI
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A folder set up the way the README's crontab line expects: `feeds/blog.yml` and its
/// posts, published into `public/`.
func makePublishSite(_ extra: String = "", posts: Int = 2) throws -> TempFolder {
    let dir = try TempFolder()
    try dir.write("feeds/blog.yml", """
        title: Cron Blog
        base_url: https://example.org/blog/
        author: { name: Cron Author }
        posts: ../posts
        path: feed.xml
        \(extra)
        """)
    for day in 1...posts { try writePublishPost(dir, day: day) }
    return dir
}

func writePublishPost(_ dir: TempFolder, day: Int, body: String = "Text.", tags: [String] = []) throws {
    let name = String(format: "posts/2024-01-%02d-post-%d.md", (day - 1) % 28 + 1, day)
    let tagList = tags.isEmpty ? "" : "tags: [\(tags.joined(separator: ", "))]\n"
    try dir.write(name, "---\ntitle: \"Post \(day)\"\ndate: \(String(format: "2024-01-%02d", (day - 1) % 28 + 1))T\(String(format: "%02d", day / 28 % 24)):00:00Z\n\(tagList)---\n\n\(body)\n")
}

@Suite struct PublishCommandTests {
    @Test func aPublishThatCopiesEntriesFromHundredsOfFilesNeedsFewFileDescriptors() throws {
        // 120 posts in archive pages of 1: about 240 Atom and RSS files, each of whose
        // entries the second run copies from the file published before.
        let dir = try makePublishSite("archive: true\narchive_size: 1\nformats: [atom, rss]", posts: 1)
        for day in 1...120 { try writePublishPost(dir, day: day, body: "Text of post \(day).") }
        #expect(try CrierBinary.run(["publish"], in: dir.url).status == 0)
        let pages = try FileManager.default.subpathsOfDirectory(atPath: dir.url.appendingPathComponent("public").path)
            .filter { !$0.hasPrefix(".") && ($0.hasSuffix(".xml") || $0.hasSuffix(".rss")) }
        #expect(pages.count > 200)
        try writePublishPost(dir, day: 121, body: "A new post.")
        try writePublishPost(dir, day: 60, body: "Edited text of post 60.")

        // Under a limit of 64 open files, far fewer than the files copied from.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -n 64 && exec \"$0\" publish --verbose", CrierBinary.url.path]
        process.currentDirectoryURL = dir.url
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(message)")

        // The same files as a fresh build of the same posts.
        #expect(try CrierBinary.run(["build", "--output", "built"], in: dir.url).status == 0)
        for page in pages {
            let published = FileManager.default.contents(atPath: dir.url.appendingPathComponent("public/" + page).path)
            let built = FileManager.default.contents(atPath: dir.url.appendingPathComponent("built/" + page).path)
            #expect(published != nil && published == built, "\(page)")
        }
    }

    @Test func publishPrintsNothingOnSuccessAndListsWhatChangedWithVerbose() throws {
        let dir = try makePublishSite()
        let first = try CrierBinary.run(["publish"], in: dir.url)
        #expect(first.status == 0)
        #expect(first.stdout.isEmpty && first.stderr.isEmpty, "cron mails any output: \(first.stdout)\(first.stderr)")
        #expect(dir.exists("public/feed.xml") && dir.exists("public/feed.rss") && dir.exists("public/feed.json"))
        #expect(dir.exists("public/.crier/lock") && dir.exists("public/.crier/cache"))

        try writePublishPost(dir, day: 3)
        let verbose = try CrierBinary.run(["publish", "--verbose"], in: dir.url)
        #expect(verbose.status == 0)
        #expect(verbose.stdout.contains("updated public/feed.xml  atom, 3 entries"))
        #expect(verbose.stdout.contains("updated public/feed.json"))
        #expect(verbose.stdout.contains("3 files changed, 0 unchanged, 3 posts (2 from cache)"))

        let again = try CrierBinary.run(["publish", "-v"], in: dir.url)
        #expect(again.stdout.contains("nothing changed, 3 unchanged, 3 posts (3 from cache)"))
    }

    /// A posts folder emptied (or not mounted) does not empty the published feeds: the
    /// run fails (exit 1) saying why, without --verbose, and leaves them; --allow-empty
    /// publishes them empty, with the warning naming the folder.
    @Test func aPublishOfAFolderWithNoPostsSaysSo() throws {
        let dir = try makePublishSite()
        let first = try CrierBinary.run(["publish"], in: dir.url)
        #expect(first.status == 0 && first.stderr.isEmpty, "\(first.stderr)")
        let feed = try Data(contentsOf: dir.url.appendingPathComponent("public/feed.xml"))
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.url.appendingPathComponent("posts").path) {
            try FileManager.default.removeItem(at: dir.url.appendingPathComponent("posts/" + name))
        }
        let refused = try CrierBinary.run(["publish"], in: dir.url)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("error: feed.xml: not published: it would replace the published feed's 2 entries with none (no posts were found: is the posts folder emptied or unmounted?); "
            + "the published file stays as it was; run with --allow-empty to publish it empty\n"), "\(refused.stderr)")
        #expect(try Data(contentsOf: dir.url.appendingPathComponent("public/feed.xml")) == feed)
        let empty = try CrierBinary.run(["publish", "--verbose", "--allow-empty"], in: dir.url)
        #expect(empty.status == 0)
        #expect(empty.stderr == "warning: posts: no posts found: the feeds are written with no entries\n", "\(empty.stderr)")
        let site = try TempFolder()
        try site.write("_config.yml", "title: J\nurl: https://j.example\n")
        try site.write("_posts/.keep", "")
        let jekyll = try CrierBinary.run(["build", "--site", ".", "--output", "out"], in: site.url)
        #expect(jekyll.stderr.contains("warning: _posts: no posts found: the feeds are written with no entries"), "\(jekyll.stderr)")
    }

    /// `HUGO_ENVIRONMENT` picks the folder of `config/` a Hugo site is read with, as for
    /// `hugo`; a publish under another environment is no "nothing changed" (nor are its
    /// cached posts, rendered with other links, reused), and a bad name is refused.
    @Test func aHugoSiteIsPublishedForTheEnvironmentHugoEnvironmentNames() throws {
        let dir = try TempFolder()
        try dir.write("h/hugo.toml", "title = \"H\"\nbaseURL = \"https://prod.example/\"\n")
        try dir.write("h/config/staging/hugo.toml", "baseURL = \"https://staging.example/\"\n")
        try dir.write("h/content/posts/a.md", "---\ntitle: A\ndate: 2024-06-01\n---\nSee [b](/b/).\n")
        func publish(_ environment: String?, legacy: String? = nil) throws -> CrierBinary.Run {
            var variables = ProcessInfo.processInfo.environment
            variables["HUGO_ENVIRONMENT"] = environment
            variables["HUGO_ENV"] = legacy
            return try CrierBinary.run(["publish", "--site", "h", "--output", "out", "--format", "atom"], in: dir.url, environment: variables)
        }
        #expect(try publish(nil).status == 0)
        #expect(try dir.read("out/feed.xml").contains("https://prod.example/b/"))
        let staging = try publish("staging")
        #expect(staging.status == 0 && staging.stderr.isEmpty, "\(staging.stderr)")
        let feed = try dir.read("out/feed.xml")
        #expect(feed.contains("https://staging.example/b/") && !feed.contains("prod.example"), "\(feed)")
        #expect(try publish("production").status == 0)
        #expect(try dir.read("out/feed.xml").contains("https://prod.example/b/"))
        // As Hugo: HUGO_ENV when HUGO_ENVIRONMENT is not set; an empty one is production.
        #expect(try publish(nil, legacy: "staging").status == 0)
        #expect(try dir.read("out/feed.xml").contains("https://staging.example/b/"))
        #expect(try publish("", legacy: "staging").status == 0)
        #expect(try dir.read("out/feed.xml").contains("https://prod.example/b/"))

        let bad = try publish("../x")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("HUGO_ENVIRONMENT=../x is not an environment name"), "\(bad.stderr)")
        let badLegacy = try publish(nil, legacy: "a/b")
        #expect(badLegacy.status == 1 && badLegacy.stderr.contains("HUGO_ENV=a/b is not an environment name"), "\(badLegacy.stderr)")
        #expect(try dir.read("out/feed.xml").contains("https://prod.example/b/"))
    }

    /// A site with no address of its own links localhost: a build says so, a publish
    /// refuses (it printed nothing and put feeds linking http://localhost:4000/ online,
    /// whose entries' ids would all change once the address was set).
    @Test func aSiteWithoutAnAddressIsNotPublished() throws {
        let dir = try TempFolder()
        try dir.write("j/_config.yml", "title: J\n")
        try dir.write("j/_posts/2024-06-01-a.md", "---\ntitle: A\n---\nx\n")
        try dir.write("h/hugo.toml", "title = \"H\"\nbaseURL = \"/\"\n")
        try dir.write("h/content/posts/a.md", "---\ntitle: A\ndate: 2024-06-01\n---\nx\n")
        let jekyll = try CrierBinary.run(["publish", "--site", "j", "--output", "jout"], in: dir.url)
        #expect(jekyll.status == 1)
        #expect(jekyll.stderr.contains("_config.yml: no `url`: links use http://localhost:4000 until you set one; published feeds must link the site's own address"), "\(jekyll.stderr)")
        #expect(!dir.exists("jout/feed.xml"))
        let hugo = try CrierBinary.run(["publish", "--site", "h", "--output", "hout"], in: dir.url)
        #expect(hugo.status == 1)
        #expect(hugo.stderr.contains("hugo.toml:2: no absolute `baseURL`"), "\(hugo.stderr)")
        #expect(!dir.exists("hout/feed.xml"))
        // An address given on the command line will do; a build is a local matter.
        let given = try CrierBinary.run(["publish", "--site", "j", "--output", "jout", "--base-url", "https://j.example/"], in: dir.url)
        #expect(given.status == 0 && given.stderr.isEmpty, "\(given.stderr)")
        #expect(try dir.read("jout/feed.xml").contains("https://j.example/2024/06/01/a.html"))
        let build = try CrierBinary.run(["build", "--site", "j", "--output", "bout"], in: dir.url)
        #expect(build.status == 0 && build.stderr.contains("no `url`: links use http://localhost:4000"), "\(build.stderr)")
    }

    @Test func aDefinitionDeletedFromFeedsTakesItsFeedOffline() throws {
        let dir = try makePublishSite("formats: [atom]")
        try dir.write("feeds/podcast.yml", "title: Pod\nbase_url: https://example.org/pod/\nposts: ../posts\npath: podcast.xml\nformats: [atom]\n")
        #expect(try CrierBinary.run(["publish"], in: dir.url).status == 0)
        #expect(dir.exists("public/podcast.xml"))
        try FileManager.default.removeItem(at: dir.url.appendingPathComponent("feeds/podcast.yml"))
        let run = try CrierBinary.run(["publish", "-v"], in: dir.url)
        #expect(run.status == 0)
        #expect(!dir.exists("public/podcast.xml") && dir.exists("public/feed.xml"))
        #expect(run.stdout.contains("removed public/podcast.xml"), "\(run.stdout)")
        #expect(run.stdout.contains("no file written, 1 unchanged, 1 removed"), "\(run.stdout)")
    }

    /// A definition that cannot be read stops the run, naming every such definition;
    /// with --keep-going the others are published, the run still fails, and the broken
    /// definition's published files stay online (it was not withdrawn, only unreadable),
    /// run after run, until it is mended.
    @Test func aBrokenDefinitionIsSkippedWithKeepGoingAndItsFilesStay() throws {
        let dir = try makePublishSite("formats: [atom]")
        try dir.write("feeds/podcast.yml", "title: Pod\nbase_url: https://example.org/pod/\nposts: ../posts\npath: podcast.xml\nformats: [atom]\n")
        #expect(try CrierBinary.run(["publish"], in: dir.url).status == 0)
        let podcast = try dir.read("public/podcast.xml")
        try dir.write("feeds/podcast.yml", "title: Pod\nbase_url: https://example.org/pod/\nposts: ../posts\npath: podcast.xml\nformats: [atom\n")
        try dir.write("feeds/zines.yml", "title: Zines\nbase_url: https://example.org/z/\nposts: ../posts\nbogus_key: 1\n")
        try writePublishPost(dir, day: 3)

        let stopped = try CrierBinary.run(["publish"], in: dir.url)
        #expect(stopped.status == 1)
        #expect(stopped.stderr.contains("podcast.yml") && stopped.stderr.contains("zines.yml"), "\(stopped.stderr)")
        #expect(stopped.stderr.contains("2 feed definitions could not be read; nothing published"), "\(stopped.stderr)")
        #expect(try !dir.read("public/feed.xml").contains("Post 3"))

        for _ in 0..<2 {
            let kept = try CrierBinary.run(["publish", "--keep-going", "-v"], in: dir.url)
            #expect(kept.status == 1)
            #expect(kept.stderr.contains("podcast.yml") && kept.stderr.contains("zines.yml"), "\(kept.stderr)")
            #expect(try dir.read("public/feed.xml").contains("Post 3"))
            #expect(try dir.read("public/podcast.xml") == podcast)
            #expect(!kept.stdout.contains("removed"), "\(kept.stdout)")
        }

        // What the last good publish knew of the broken definition's feed is kept too: mended
        // to read an empty folder, it is refused as an emptied one, not published empty.
        try FileManager.default.removeItem(at: dir.url.appendingPathComponent("feeds/zines.yml"))
        try dir.write("empty/.keep", "")
        try dir.write("feeds/podcast.yml", "title: Pod\nbase_url: https://example.org/pod/\nposts: ../empty\npath: podcast.xml\nformats: [atom]\n")
        let emptied = try CrierBinary.run(["publish"], in: dir.url)
        #expect(emptied.status == 1 && emptied.stderr.contains("would replace the published feed's 2 entries with none"), "\(emptied.stderr)")
        #expect(try dir.read("public/podcast.xml") == podcast)

        try dir.write("feeds/podcast.yml", "title: Pod\nbase_url: https://example.org/pod/\nposts: ../posts\npath: podcast.xml\nformats: [atom]\n")
        #expect(try CrierBinary.run(["publish"], in: dir.url).status == 0)
        #expect(try dir.read("public/podcast.xml").contains("Post 3"))
    }

    @Test func everyRunAppendsOneLineToTheLogSayingHowItWent() throws {
        let dir = try makePublishSite()
        #expect(try CrierBinary.run(["publish", "--log", "run.log"], in: dir.url).status == 0)
        #expect(try CrierBinary.run(["publish", "--log", "run.log"], in: dir.url).status == 0)
        // Invalid UTF-8: a post error naming the file.
        try Data("---\ntitle: caf".utf8 + [0xE9] + "\n---\nBody.\n".utf8).write(to: dir.url.appendingPathComponent("posts/broken.md"))
        let failed = try CrierBinary.run(["publish", "--log", "run.log"], in: dir.url)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("broken.md"))
        #expect(failed.stderr.contains("nothing published, the published feeds stay as they were"))

        // A run that cannot even start (no such --site) is logged too.
        #expect(try CrierBinary.run(["publish", "--site", "no-such-site", "--log", "run.log"], in: dir.url).status == 2)

        let lines = try dir.read("run.log").split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[3].contains(" publish failed "))
        #expect(lines[0].contains(" publish ok output=public changed=3 unchanged=0 failed=0 posts=2 cached=0"))
        #expect(lines[1].contains(" publish ok output=public changed=0 unchanged=3 failed=0 posts=2 cached=2"))
        #expect(lines[2].contains(" publish failed output=public changed=0 "))
        #expect(lines.allSatisfy { $0.hasPrefix("20") })
    }

    @Test func aRunWhileAnotherHoldsTheLockExitsWithFourAndSaysWhoHoldsItAndWaitsWhenAsked() throws {
        let dir = try makePublishSite()
        let held = try PublishLock.acquire(dir.url.appendingPathComponent("public/.crier/lock"))
        let refused = try CrierBinary.run(["publish", "--log", "run.log"], in: dir.url)
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("another crier publish (pid \(getpid()) since "))
        #expect(refused.stderr.contains("holds the lock"))
        #expect(refused.stderr.contains("--wait"))
        #expect(!dir.exists("public/feed.xml"))
        #expect(try dir.read("run.log").contains(" publish locked "))

        let releaser = Thread { usleep(500_000); held.release() }
        releaser.start()
        let waited = try CrierBinary.run(["publish", "--wait", "10"], in: dir.url)
        #expect(waited.status == 0, "\(waited.stderr)")
        #expect(dir.exists("public/feed.xml"))
    }

    @Test func anUnreachableHubExitsWithFiveWhileTheFeedsStayPublishedAndIsTriedAgainNextRun() throws {
        // Port 1 on the loopback interface: nobody listens, the connection is refused.
        let dir = try makePublishSite("hub: http://127.0.0.1:1/hub\nformats: [atom]")
        let arguments = ["publish", "--ping-attempts", "2", "--ping-delay", "0.01"]
        let first = try CrierBinary.run(arguments, in: dir.url)
        #expect(first.status == 5)
        #expect(first.stderr.contains("hub http://127.0.0.1:1/hub not notified of https://example.org/blog/feed.xml"))
        #expect(first.stderr.contains("tried again on the next run"))
        #expect(first.stdout.isEmpty)
        #expect(try dir.read("public/feed.xml").contains("<link rel=\"hub\" href=\"http://127.0.0.1:1/hub\"/>"))
        #expect(dir.exists("public/.crier/pending-pings.json"))

        let second = try CrierBinary.run(arguments, in: dir.url)
        #expect(second.status == 5, "the ping is still owed although no feed changed")
    }

    /// A damaged state file (here the pending hub notifications) is said on standard
    /// error without --verbose: the notifications in it are lost, and cron should mail it.
    @Test func aDamagedStateFileIsSaidWithoutVerbose() throws {
        let dir = try makePublishSite("hub: http://127.0.0.1:1/hub\nformats: [atom]")
        let arguments = ["publish", "--ping-attempts", "1"]
        #expect(try CrierBinary.run(arguments, in: dir.url).status == 5)
        try dir.write("public/.crier/pending-pings.json", "\u{01}garbage, not JSON")
        let next = try CrierBinary.run(arguments, in: dir.url)
        #expect(next.status == 0, "nothing changed and no ping known to be owed")
        #expect(next.stderr.contains("warning: ignoring unreadable") && next.stderr.contains("pending-pings.json"), "\(next.stderr)")
        #expect(next.stdout.isEmpty)
        // So is a damaged record of the published files, read by a run that builds.
        try dir.write("public/.crier/published-files", "{ not the record")
        try writePublishPost(dir, day: 3)
        let built = try CrierBinary.run(arguments, in: dir.url)
        #expect(built.stderr.contains("warning: ignoring unreadable") && built.stderr.contains("published-files"), "\(built.stderr)")
    }

    @Test func aScheduledPostGoesOutOnTheFirstRunAfterItsTime() throws {
        let dir = try makePublishSite()
        let due = Date().addingTimeInterval(3).timeIntervalSince1970.rounded(.up)
        let stamp = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: due))
        try dir.write("posts/scheduled.md", "---\ntitle: Scheduled\ndate: \(stamp)\n---\n\nOn time.\n")
        #expect(try CrierBinary.run(["publish"], in: dir.url).status == 0)
        #expect(try !dir.read("public/feed.xml").contains("Scheduled"))

        let wait = due - Date().timeIntervalSince1970 + 0.2
        if wait > 0 { usleep(useconds_t(wait * 1_000_000)) }
        let later = try CrierBinary.run(["publish", "--verbose"], in: dir.url)
        #expect(later.status == 0)
        #expect(later.stdout.contains("updated public/feed.xml"))
        #expect(try dir.read("public/feed.xml").contains("<title>Scheduled</title>"))
    }

    @Test func usageErrorsExitWithTwo() async {
        #expect(await CrierMain.run(["publish", "--wait", "-1"]) == 2)
        #expect(await CrierMain.run(["publish", "--ping-attempts", "0"]) == 2)
        #expect(await CrierMain.run(["publish", "--feeds", "/nonexistent-crier-feeds"]) == 2)
        // Numbers that would wait for ever or overflow a timer are refused up front.
        for (option, value) in [("--wait", "nan"), ("--wait", "inf"), ("--ping-delay", "1e300"), ("--ping-timeout", "nan"), ("--ping-attempts", "1000")] {
            #expect(await CrierMain.run(["publish", option, value]) == 2, "\(option) \(value)")
        }
        for value in ["inf", "nan", "1e16", "0.01"] {
            #expect(await CrierMain.run(["serve", "--interval", value]) == 2, "--interval \(value)")
        }
        #expect(await CrierMain.run(["validate", "--timeout", "inf", "-"]) == 2)
    }
}
