import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP server on a loopback port that answers every connection with `respond`, which
/// writes what it likes (a body that never ends, one byte a second, nothing at all) until
/// the client hangs up; counts the bytes it managed to send.
final class ScriptedHTTPServer: @unchecked Sendable {
    /// One accepted connection, its request read.
    struct Connection: Sendable {
        let fd: Int32
        let path: String
        fileprivate let counters: Counters

        /// Sends all of `bytes`; false once the client has gone.
        @discardableResult
        func send(_ bytes: [UInt8]) -> Bool {
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                offset += n
                counters.add(n, on: fd)
            }
            return true
        }

        @discardableResult
        func send(_ text: String) -> Bool { send(Array(text.utf8)) }

        /// Blocks until the client closes the connection (or `seconds` pass).
        func waitForClose(seconds: Double = 30) {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            var byte: UInt8 = 0
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                guard poll(&descriptor, 1, 100) >= 0 else { return }
                if descriptor.revents != 0 && recv(fd, &byte, 1, 0) <= 0 { return }
            }
        }
    }

    fileprivate final class Counters: @unchecked Sendable {
        // All only touched under `lock`.
        private let lock = NSLock()
        private var sent = 0
        private var open: [Int32: Int] = [:]
        private var closed: [Int] = []

        func add(_ count: Int, on fd: Int32) {
            lock.withLock {
                sent += count
                open[fd, default: 0] += count
            }
        }
        func begin(_ fd: Int32) { lock.withLock { open[fd] = 0 } }
        func end(_ fd: Int32) { lock.withLock { closed.append(open.removeValue(forKey: fd) ?? 0) } }
        var bytesSent: Int { lock.withLock { sent } }
        var perConnection: [Int] { lock.withLock { closed } }
        var busy: Bool { lock.withLock { !open.isEmpty } }
    }

    let port: Int
    private let listener: Int32
    private let counters = Counters()

    init(_ respond: @escaping @Sendable (Connection) -> Void) throws {
        let sock = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(sock, $0, length) } }
        guard bound == 0, listen(sock, 16) == 0 else { close(sock); throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(sock, $0, &length) } }
        listener = sock
        port = Int(UInt16(bigEndian: address.sin_port))
        let counters = self.counters
        Thread.detachNewThread {
            while true {
                let client = acceptClosingOnExec(sock)
                if client < 0 {
                    if errno == EINTR { continue }
                    return  // the listener was shut down
                }
                counters.begin(client)
                Thread.detachNewThread {
                    defer {
                        counters.end(client)
                        close(client)
                    }
                    // The request's head, up to its blank line.
                    var head: [UInt8] = []
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while !head.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) && head.count < 65536 {
                        let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, 1, 0) }
                        if n <= 0 { return }
                        head.append(buffer[0])
                    }
                    let requestLine = String(decoding: head, as: UTF8.self).split(separator: "\r\n").first ?? ""
                    let parts = requestLine.split(separator: " ")
                    respond(Connection(fd: client, path: parts.count > 1 ? String(parts[1]) : "/", counters: counters))
                }
            }
        }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Bytes sent so far, on every connection.
    var bytesSent: Int { counters.bytesSent }

    /// Bytes sent on each connection closed so far, in the order they closed.
    var bytesSentPerConnection: [Int] { counters.perConnection }

    /// Waits until no connection is being answered; false if one still is after `seconds`.
    func waitUntilIdle(seconds: Double) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while counters.busy {
            if Date() > end { return false }
            usleep(10_000)
        }
        return true
    }
}

/// A gzip member that decompresses to `length` zero bytes (rounded to a whole number of
/// 258-byte runs, plus one): a literal zero and then back-references of 258 bytes at
/// distance 1, in one block with the fixed Huffman codes, about 160 times smaller.
enum GzipBomb {
    static func make(decompressedRuns runs: Int) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]
        var bits: UInt64 = 0
        var count = 0
        func put(_ value: UInt64, _ width: Int) {
            bits |= value << UInt64(count)
            count += width
            while count >= 8 {
                out.append(UInt8(truncatingIfNeeded: bits))
                bits >>= 8
                count -= 8
            }
        }
        /// Huffman codes go most significant bit first.
        func code(_ value: UInt64, _ width: Int) {
            var reversed: UInt64 = 0
            for i in 0..<width where value & (1 << UInt64(i)) != 0 { reversed |= 1 << UInt64(width - 1 - i) }
            put(reversed, width)
        }
        put(1, 1)  // BFINAL
        put(1, 2)  // BTYPE 01: fixed codes
        code(0x30, 8)  // literal 0
        // Length 258 is symbol 285 (8 bits, 11000101), distance 1 is code 0 (5 bits).
        var match: UInt64 = 0
        for i in 0..<8 where 0b1100_0101 & (1 << UInt64(i)) != 0 { match |= 1 << UInt64(7 - i) }
        out.reserveCapacity(10 + runs * 13 / 8 + 16)
        for _ in 0..<runs { put(match, 13) }
        code(0, 7)  // end of block
        if count > 0 { put(0, 8 - count) }
        let length = 1 + 258 * runs
        for value in [crc32OfZeros(length), UInt32(truncatingIfNeeded: length)] {
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
        }
        return out
    }

    /// CRC-32 of `length` zero bytes, by squaring the operator that feeds one zero byte
    /// (zlib's crc32_combine), not by feeding them one at a time.
    static func crc32OfZeros(_ length: Int) -> UInt32 {
        typealias Matrix = [UInt32]  // 32 columns, each the image of one bit
        func times(_ matrix: Matrix, _ vector: UInt32) -> UInt32 {
            var result: UInt32 = 0
            for i in 0..<32 where vector & (1 << UInt32(i)) != 0 { result ^= matrix[i] }
            return result
        }
        func square(_ matrix: Matrix) -> Matrix { matrix.map { times(matrix, $0) } }
        // One zero bit: shift right, xor the polynomial if the low bit was set.
        var operatorForBits: Matrix = [0xEDB8_8320] + (0..<31).map { UInt32(1) << UInt32($0) }
        operatorForBits = square(square(square(operatorForBits)))  // eight bits: one byte
        var crc: UInt32 = 0xFFFF_FFFF
        var n = length
        while n > 0 {
            if n & 1 != 0 { crc = times(operatorForBits, crc) }
            operatorForBits = square(operatorForBits)
            n >>= 1
        }
        return ~crc
    }
}

/// `bytes` in gzip and zlib ("deflate" in HTTP) wrappers around stored (uncompressed)
/// deflate blocks: real encodings a client must decode, without a compressor at hand.
enum StoredDeflate {
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3] + blocks(bytes) + littleEndian(crc32(bytes)) + littleEndian(UInt32(truncatingIfNeeded: bytes.count))
    }

    static func zlib(_ bytes: [UInt8]) -> [UInt8] {
        [0x78, 0x01] + blocks(bytes) + littleEndian(adler32(bytes)).reversed()
    }

    private static func blocks(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var start = 0
        repeat {
            let end = min(start + 65535, bytes.count)
            let length = UInt16(end - start)
            out.append(end == bytes.count ? 1 : 0)  // BFINAL, BTYPE 00: stored
            out += littleEndian(UInt32(length) | UInt32(~length) << 16)
            out += bytes[start..<end]
            start = end
        } while start < bytes.count
        return out
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        stride(from: 0, to: 32, by: 8).map { UInt8(truncatingIfNeeded: value >> UInt32($0)) }
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }
}

/// The `crier` binary run with its peak memory measured.
///
/// Not `wait4`'s `ru_maxrss`: Linux carries the spawning process's peak over an exec, so a
/// child of a test process that has grown to 300 MB reports 300 MB. The child's own
/// high-water mark (`VmHWM`, which starts afresh at exec) is read from /proc while it runs;
/// it only grows, and a body buffered in memory grows it for long before the child exits.
enum MeasuredRun {
    struct Result {
        var status: Int32
        var stderr: String
        /// Peak resident size seen, bytes.
        var peakResident: Int
        var seconds: Double
    }

    /// Runs `crier arguments`, standard output to `/dev/null` (or `stdoutPath`), standard
    /// error kept.
    static func run(_ arguments: [String], stdoutPath: String = "/dev/null", environment: [String: String] = [:]) throws -> Result {
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("crier-stderr-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: errorFile) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errorFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Nothing else of the test process's: another test's sockets would stay open in it.
        closeInChild(from: 3, &actions)
        let path = CrierBinary.url.path
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let start = Date()
        // glibc's posix_spawn returns once the child has exec'd, so /proc shows crier's memory.
        // The test's environment, with `environment` on top.
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { $1 }
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var status: Int32 = 0
        var peak = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .ECHILD) }
            peak = max(peak, highWaterMark(of: pid))
            usleep(2_000)
        }
        let seconds = Date().timeIntervalSince(start)
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return Result(status: exit, stderr: stderr, peakResident: peak, seconds: seconds)
    }

    /// `VmHWM` of a running process, bytes; 0 once it has exited.
    private static func highWaterMark(of pid: pid_t) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return (Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0) * 1024
    }
}

/// Has `posix_spawn` close every descriptor from `first` on in the child: glibc's
/// `posix_spawn_file_actions_addclosefrom_np` (2.34 on), which Swift's Glibc module leaves
/// out; nothing where the C library has none.
func closeInChild(from first: Int32, _ actions: inout posix_spawn_file_actions_t) {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return }
    _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, first)
}

/// `accept4(fd, nil, nil, SOCK_CLOEXEC)`: the connection is close-on-exec from the start,
/// so a process another test spawns meanwhile cannot inherit it. Swift's Glibc module
/// leaves `accept4` out (a GNU extension); where it is missing, `accept` and then
/// `FD_CLOEXEC`.
func acceptClosingOnExec(_ listener: Int32) -> Int32 {
    typealias Accept4 = @convention(c) (Int32, UnsafeMutablePointer<sockaddr>?, UnsafeMutablePointer<socklen_t>?, Int32) -> Int32
    if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "accept4") {
        return unsafeBitCast(symbol, to: Accept4.self)(listener, nil, nil, Int32(SOCK_CLOEXEC.rawValue))
    }
    let fd = accept(listener, nil, nil)
    if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
    return fd
}
