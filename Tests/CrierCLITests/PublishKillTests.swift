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
        /// Starts a publish of the new version over the old files, kills it when `moment`
        /// comes, and checks every file is the old or the new version.
        func killRun(_ moment: KillMoment, index: Int, finishAfterwards: Bool) throws -> String {
            try replace(output, with: oldCopy)
            // Watch every folder of the published tree before the run starts, so the
            // first file renamed into place is seen.
            let watcher = moment == .firstRename ? try RenameWatcher(tree: output) : nil
            let process = try start(in: dir.url)
            switch moment {
            case .after(let delay): usleep(useconds_t(delay * 1_000_000))
            case .firstRename: watcher?.waitForVisibleRename(timeout: 60)
            }
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
        for index in 0..<kills {
            let delay = fullRun * 1.5 * Double(index) / Double(kills - 1)
            _ = try killRun(.after(delay), index: index, finishAfterwards: index % 4 == 0)
        }
        // The writes take a few milliseconds of a run that mostly builds, and a timed kill
        // on a busy machine may miss them all: also kill the moment the first published
        // file is renamed into place, which lands between two writes unless the run
        // finishes the others before this process wakes up.
        var extra = 0
        while outcomes["mixed", default: 0] == 0 && extra < 12 {
            _ = try killRun(.firstRename, index: kills + extra, finishAfterwards: extra % 4 == 0)
            extra += 1
        }
        // Evidence the kills hit during writes, not only before or after them.
        print("kill outcomes over \(kills + extra) runs of \(String(format: "%.2f", fullRun)) s: \(outcomes.sorted { $0.key < $1.key })")
        #expect(outcomes["mixed", default: 0] > 0, "no kill landed between two writes: \(outcomes)")
    }

    /// The pings for the feeds a run writes are pending before the first of them is
    /// renamed into place: a run killed then leaves them to the next, which finds the
    /// feeds already as they should be and would not ping for them itself.
    @Test(.timeLimit(.minutes(2)))
    func aPublishKilledAtItsFirstRenameLeavesItsPingsToTheNextRun() throws {
        // Port 1 refuses at once: every ping fails and stays pending.
        let dir = try makePublishSite("hub: http://127.0.0.1:1/hub\nformats: [atom, rss]", posts: 1)
        for day in 1...60 { try writePublishPost(dir, day: day, body: String(repeating: "Old paragraph \(day). ", count: 40)) }
        let output = dir.url.appendingPathComponent("public")
        let pending = output.appendingPathComponent(".crier/pending-pings.json")
        #expect(try CrierBinary.run(["publish"], in: dir.url).status == 5)
        for attempt in 1...5 {
            try? FileManager.default.removeItem(at: pending)
            try writePublishPost(dir, day: 61, body: "New post, attempt \(attempt).")
            let watcher = try RenameWatcher(tree: output)
            let process = try start(in: dir.url)
            watcher.waitForVisibleRename(timeout: 60)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let saved = (try? Data(contentsOf: pending)).flatMap { try? JSONDecoder().decode([[String: String]].self, from: $0) } ?? []
            #expect(Set(saved.compactMap { $0["topic"] }) == ["https://example.org/blog/feed.xml", "https://example.org/blog/feed.rss"],
                    "attempt \(attempt): the pings were not pending at the first rename: \(saved)")
        }
        // The next run, with the feeds already in place, still tells the hub.
        let next = try CrierBinary.run(["publish"], in: dir.url)
        #expect(next.status == 5)
        #expect(next.stderr.contains("not notified of https://example.org/blog/feed.xml"), "\(next.stderr)")
    }
}

/// When a test kills a publish: a time after it starts, or the moment its first
/// published file is renamed into place.
private enum KillMoment: Equatable {
    case after(Double)
    case firstRename
}

/// Watches every visible folder of a tree with inotify for files renamed into it.
private final class RenameWatcher {
    private let fd: Int32

    init(tree: URL) throws {
        fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var folders = [tree.path]
        if let walker = FileManager.default.enumerator(atPath: tree.path) {
            // Hidden folders (the state folder) are left out: only published files count.
            for case let path as String in walker where !path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
                var isDirectory: ObjCBool = false
                let full = tree.appendingPathComponent(path).path
                if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), isDirectory.boolValue {
                    folders.append(full)
                }
            }
        }
        for folder in folders where inotify_add_watch(fd, folder, UInt32(IN_MOVED_TO)) < 0 {
            close(fd)
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
    }

    deinit { close(fd) }

    /// Returns when a file whose name does not start with a dot is renamed into a watched
    /// folder, or after `timeout` seconds.
    func waitForVisibleRename(timeout: Double) {
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            guard count > 0 else { continue }
            var offset = 0
            while offset + 16 <= count {
                // struct inotify_event: wd, mask, cookie, len, then len bytes of name.
                let length = buffer.withUnsafeBytes { Int($0.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)) }
                let name = buffer[(offset + 16)..<min(offset + 16 + length, count)]
                if let first = name.first, first != 0, first != UInt8(ascii: ".") { return }
                offset += 16 + length
            }
        }
    }
}
