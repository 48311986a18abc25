import Foundation
import Testing

/// A command whose output could not be written says so and fails, rather than exiting 0
/// having told nobody anything (`crier validate f.xml > /dev/full`).
@Suite struct OutputErrorTests {
    @Test func validateFailsWhenItsResultsCannotBeWritten() throws {
        let dir = try TempFolder()
        let feed = try dir.write("feed.xml", ValidateFetchTests.feed)
        for format in ["text", "json"] {
            let run = try MeasuredRun.run(["validate", "--format", format, feed.path], stdoutPath: "/dev/full")
            #expect(run.status == 3, "\(format): \(run.stderr)")
            #expect(run.stderr == "error: could not write the results to standard output: No space left on device\n", "\(format): \(run.stderr)")
        }
        // Written, it is a pass.
        #expect(try MeasuredRun.run(["validate", feed.path]).status == 0)
    }

    @Test func buildFailsWhenItsReportCannotBeWritten() throws {
        let dir = try TempFolder()
        try dir.write("posts/2024-05-01-first.md", "---\ntitle: First\n---\nHello.\n")
        let arguments = ["build", "--posts", dir.path + "/posts", "--base-url", "https://example.org/", "--output", dir.path + "/out"]
        let run = try MeasuredRun.run(arguments, stdoutPath: "/dev/full")
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr == "error: could not write to standard output: No space left on device\n", "\(run.stderr)")
        #expect(dir.exists("out/feed.xml"), "the feeds themselves were written")
        // --quiet prints nothing, so nothing fails.
        #expect(try MeasuredRun.run(arguments + ["--quiet"], stdoutPath: "/dev/full").status == 0)
    }
}
