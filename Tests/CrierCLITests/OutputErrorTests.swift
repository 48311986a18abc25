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
}
