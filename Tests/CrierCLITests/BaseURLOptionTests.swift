import CrierCLI
import Foundation
import Testing

/// `--base-url` takes the site addresses `_config.yml` and `hugo.toml` take.
@Suite struct BaseURLOptionTests {
    @Test func aBaseURLAtAnIPv6AddressBuildsAndOneWithAZoneIsAUsageError() async throws {
        let dir = try TempFolder()
        try dir.write("posts/2024-05-01-first.md", "---\ntitle: First\n---\nHello.\n")
        let arguments = ["build", "--quiet", "--posts", dir.path + "/posts", "--output", dir.path + "/out", "--base-url"]
        #expect(await CrierMain.run(arguments + ["http://[::1]:4000/"]) == 0)
        let feed = try dir.read("out/feed.xml")
        #expect(feed.contains("<id>tag:1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa,2024-05-01:2024-05-01-first</id>"), "\(feed)")
        #expect(await CrierMain.run(arguments + ["http://[fe80::1%25eth0]:4000/"]) == 2)
    }
}
