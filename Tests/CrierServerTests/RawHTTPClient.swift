import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A bare HTTP/1.1 client over a POSIX socket, so tests see exactly what the server sent
/// (no transparent gzip decoding, no header rewriting).
struct RawHTTPResponse {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

enum RawHTTPClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends `request` verbatim (it should say `Connection: close`) and reads until the
    /// server closes.
    static func send(_ request: String, port: Int, timeout: Int = 10) throws -> RawHTTPResponse {
        let raw = try exchange(Array(request.utf8), port: port, timeout: timeout)
        return try parse(raw, head: request.hasPrefix("HEAD "))
    }

    static func get(_ path: String, port: Int, headers: [String: String] = [:], method: String = "GET") throws -> RawHTTPResponse {
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        return try send(request, port: port)
    }

    /// Sends `bytes` and reads the response's head only (up to its blank line), leaving
    /// the connection as the server keeps it.
    static func exchangeHead(_ bytes: [UInt8], port: Int, timeout: Int) throws -> [UInt8] {
        try exchange(bytes, port: port, timeout: timeout, headOnly: true)
    }

    /// A socket connected to 127.0.0.1:`port`, reads timing out after `timeout` seconds,
    /// with a receive buffer of `receiveBuffer` bytes when given; the caller closes it.
    static func connect(port: Int, timeout: Int, receiveBuffer: Int32? = nil) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        if var size = receiveBuffer { setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size)) }
        var tv = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connect: \(errno)")
        }
        return fd
    }

    static func exchange(_ bytes: [UInt8], port: Int, timeout: Int, headOnly: Bool = false) throws -> [UInt8] {
        let fd = try connect(port: port, timeout: timeout)
        defer { close(fd) }
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: \(errno)") }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw Failure(description: "recv: \(errno) after \(received.count) bytes") }
            if n == 0 { break }
            received += buffer[0..<n]
            if headOnly, let end = received.indices.dropLast(3).first(where: { received[$0..<$0 + 4].elementsEqual([13, 10, 13, 10]) }) {
                return Array(received[..<(end + 4)])
            }
        }
        return received
    }

    static func parse(_ raw: [UInt8], head: Bool) throws -> RawHTTPResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, raw.count - 3)).first(where: { Array(raw[$0..<$0 + 4]) == separator }) else {
            throw Failure(description: "no header end in \(raw.count) bytes")
        }
        let headText = String(decoding: raw[..<end], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "bad status line") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(raw[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            body = try dechunk(body)
        }
        if head { body = [] }
        return RawHTTPResponse(status: status, headers: headers, body: body)
    }

    static func dechunk(_ data: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < data.count {
            guard let lineEnd = (i..<data.count - 1).first(where: { data[$0] == 13 && data[$0 + 1] == 10 }) else { break }
            let sizeText = String(decoding: data[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText, radix: 16) else { throw Failure(description: "bad chunk size") }
            if size == 0 { break }
            out += data[(lineEnd + 2)..<(lineEnd + 2 + size)]
            i = lineEnd + 2 + size + 2
        }
        return out
    }
}

/// A client that reads a response slowly, from a socket with a small receive buffer.
enum SlowReader {
    /// GETs `path`, then reads up to `bytesPerPause` bytes between pauses of `pause`
    /// seconds until the body declared by `Content-Length` is in or the server closes;
    /// returns the body read and how long.
    static func get(_ path: String, port: Int, bytesPerPause: Int, pause: Double) throws -> (body: [UInt8], seconds: Double) {
        let fd = try RawHTTPClient.connect(port: port, timeout: 20, receiveBuffer: 8192)
        defer { close(fd) }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else {
            throw RawHTTPClient.Failure(description: "send: \(errno)")
        }
        let start = Date()
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var bodyStart: Int?
        var length: Int?
        while true {
            var taken = 0
            while taken < bytesPerPause {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, min($0.count, bytesPerPause - taken), 0) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return (bodyStart.map { Array(received[$0...]) } ?? [], Date().timeIntervalSince(start)) }
                received += buffer[0..<n]
                taken += n
                if bodyStart == nil, let end = received.indices.dropLast(3).first(where: { received[$0..<$0 + 4].elementsEqual([13, 10, 13, 10]) }) {
                    bodyStart = end + 4
                    let head = String(decoding: received[..<end], as: UTF8.self).lowercased()
                    length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) }
                }
                if let bodyStart, let length, received.count - bodyStart >= length {
                    return (Array(received[bodyStart...]), Date().timeIntervalSince(start))
                }
            }
            if pause > 0 { usleep(useconds_t(pause * 1_000_000)) }
        }
    }
}
