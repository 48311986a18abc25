import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Kills real `crier publish` processes at many moments and checks that every feed file
/// is then byte for byte either the version published before or the one being
/// published, never a mixture or a truncated file, and that the next run finishes the job.
@Suite struct PublishKillTests {
    /// Published files by path, the state folder left out.
    private func snapshot(_ folder: URL) -> [String: Data] {
        var files: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return files }
        for case let path as String in walker where !path.hasPrefix(".crier") {
            let url = folder.appendingPathComponent(path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files[path] = try? Data(contentsOf: url)
        }
        return files
    }

    private func replace(_ folder: URL, with copy: URL) throws {
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.copyItem(at: copy, to: folder)
    }

    private func start(in dir: URL) throws -> Process {
        let process = Process()
        process.executableURL = CrierBinary.url
        process.arguments = ["publish"]
        process.currentDirectoryURL = dir
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test(.timeLimit(.minutes(5)))
    func aPublishKilledAtAnyMomentLeavesEveryFeedEitherOldOrNew() throws {
        // Enough files that killing lands in the middle of the writes: 40 tags, a feed
        // each, three formats, plus archives of the main feed.
        let dir = try makePublishSite("formats: [atom, rss, json]\ntags: true\nlimit: 10\narchive: true\narchive_size: 10", posts: 1)
        let tags = (1...40).map { "tag\($0)" }
        for day in 1...80 {
            try writePublishPost(dir, day: day, body: String(repeating: "Old paragraph \(day). ", count: 40), tags: [tags[day % 40], tags[(day * 7) % 40]])
        }
        let output = dir.url.appendingPathComponent("public")
        #expect(try CrierBinary.run(["publish"], in: dir.url).status == 0)
        let old = snapshot(output)
        let oldCopy = dir.url.appendingPathComponent("public-old")
        try FileManager.default.copyItem(at: output, to: oldCopy)

        // The new version changes every post, so every file changes, and adds a post.
        for day in 1...81 {
            try writePublishPost(dir, day: day, body: String(repeating: "New paragraph \(day). ", count: 40), tags: [tags[day % 40], tags[(day * 7) % 40]])
        }
        let started = Date()
        #expect(try CrierBinary.run(["publish"], in: dir.url).status == 0)
        let fullRun = Date().timeIntervalSince(started)
        let new = snapshot(output)
        #expect(old.count > 130 && new.count >= old.count)
        #expect(Set(old.keys).allSatisfy { old[$0] != new[$0] || $0.contains("/archive/") })

        var outcomes: [String: Int] = [:]
        /// Starts a publish of the new version over the old files, kills it after
        /// `delay` seconds, and checks every file is the old or the new version.
        func killRun(after delay: Double, index: Int, finishAfterwards: Bool) throws -> String {
            try replace(output, with: oldCopy)
            let process = try start(in: dir.url)
            usleep(useconds_t(delay * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            let now = snapshot(output)
            var oldCount = 0, newCount = 0
            for path in Set(old.keys).union(new.keys) {
                let bytes = now[path]
                if path.split(separator: "/").last?.hasPrefix(".") == true { continue }
                if bytes == old[path] && bytes == new[path] { continue }
                if bytes == old[path] { oldCount += 1 } else if bytes == new[path] { newCount += 1 } else {
                    Issue.record("kill \(index): \(path) is neither the old nor the new version (\(bytes?.count ?? -1) bytes)")
                }
            }
            for path in now.keys where old[path] == nil && new[path] == nil {
                // Only temporary files may be extra, and they are hidden.
                #expect(path.split(separator: "/").last?.hasPrefix(".") == true, "kill \(index): unexpected \(path)")
            }
            let state = oldCount == 0 ? "new" : newCount == 0 ? "old" : "mixed"
            outcomes[state, default: 0] += 1

            // The next run completes the job and sweeps up what the killed one left.
            if finishAfterwards {
                #expect(try CrierBinary.run(["publish"], in: dir.url).status == 0)
                let after = snapshot(output)
                #expect(after == new, "kill \(index): the run after the kill did not finish the job")
            }
            return state
        }

        // Spread the kills over the whole run, from before the first write to after the last.
        let kills = 24
        var latestOld = 0.0, earliestNew = fullRun * 1.5
        for index in 0..<kills {
            let delay = fullRun * 1.5 * Double(index) / Double(kills - 1)
            switch try killRun(after: delay, index: index, finishAfterwards: index % 4 == 0) {
            case "old": latestOld = max(latestOld, delay)
            case "new": earliestNew = min(earliestNew, delay)
            default: break
            }
        }
        // On a loaded machine the writes may fall between two of those moments: narrow
        // in on the window between the last kill that left everything old and the first
        // that left everything new, so the test still shows kills landing mid-write.
        var extra = 0
        while outcomes["mixed", default: 0] == 0 && extra < 16 && earliestNew > latestOld {
            let delay = (latestOld + earliestNew) / 2
            switch try killRun(after: delay, index: kills + extra, finishAfterwards: false) {
            case "old": latestOld = delay
            case "new": earliestNew = delay
            default: break
            }
            extra += 1
        }
        // Evidence the kills hit during writes, not only before or after them.
        print("kill outcomes over \(kills + extra) runs of \(String(format: "%.2f", fullRun)) s: \(outcomes.sorted { $0.key < $1.key })")
        #expect(outcomes["mixed", default: 0] > 0, "no kill landed between two writes: \(outcomes)")
    }
}
