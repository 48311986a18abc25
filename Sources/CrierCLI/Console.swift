import Foundation

/// Output for people: results to standard output, problems to standard error.
struct Console {
    var quiet = false

    func say(_ line: String) {
        guard !quiet else { return }
        print(line)
    }

    func warn(_ line: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data(("warning: " + line + "\n").utf8))
    }

    func error(_ line: String) {
        FileHandle.standardError.write(Data(("error: " + line + "\n").utf8))
    }

    static func size(_ count: Int) -> String {
        if count < 1024 { return "\(count) B" }
        let kib = Double(count) / 1024
        if kib < 1024 { return String(format: "%.1f KiB", kib) }
        return String(format: "%.1f MiB", kib / 1024)
    }
}
