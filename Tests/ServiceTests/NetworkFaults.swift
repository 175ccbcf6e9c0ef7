import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A local port that accepts connections (the kernel completes the handshake) and never answers:
/// a server that hangs.
final class Blackhole: @unchecked Sendable {
    let port: Int
    private let socket: Int32

    init() throws {
        (socket, port) = try listeningSocket()
    }

    deinit { close(socket) }
}

/// Forwards a local port to `127.0.0.1:target` until `cut()`: then every connection it carries
/// closes, and every new one is closed at once — a database that went away, for the service
/// pointed at the relay, while the shared database stays up for everyone else.
final class TCPRelay: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let target: Int
    private let lock = NSLock()
    private var sockets: Set<Int32> = []
    private var isCut = false

    init(to target: Int) throws {
        self.target = target
        (listener, port) = try listeningSocket()
        Thread { [self] in acceptLoop() }.start()
    }

    func cut() {
        lock.withLock {
            isCut = true
            for s in sockets { shutdown(s, Int32(SHUT_RDWR)) }
        }
    }

    /// Stops accepting (the accept loop ends).
    func stop() {
        cut()
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            if lock.withLock({ isCut }) { close(client); continue }
            let server = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = loopback(port: target)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { close(client); close(server); continue }
            lock.withLock { sockets.formUnion([client, server]) }
            Thread { [self] in pump(from: client, to: server) }.start()
            Thread { [self] in pump(from: server, to: client) }.start()
        }
    }

    private func pump(from source: Int32, to destination: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(source, &buffer, buffer.count)
            guard n > 0 else { break }
            var sent = 0
            while sent < n {
                let w = buffer[sent..<n].withUnsafeBytes { write(destination, $0.baseAddress, n - sent) }
                guard w > 0 else { break }
                sent += w
            }
            if sent < n { break }
        }
        shutdown(destination, Int32(SHUT_RDWR))
        shutdown(source, Int32(SHUT_RDWR))
    }
}

/// A service that answers 403 as soon as the request's body has begun, then reads the rest of it
/// and throws it away: what a service's early refusal of a large upload looks like (the client's
/// task is then back reading the body, which the test sends slowly).
final class EarlyAnswer: @unchecked Sendable {
    let port: Int
    private let listener: Int32

    init() throws {
        (listener, port) = try listeningSocket()
        Thread { [listener] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                Thread {
                    defer { close(client) }
                    var received: [UInt8] = []
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    var answered = false
                    while true {
                        let n = read(client, &buffer, buffer.count)
                        guard n > 0 else { return }
                        received += buffer[0..<n]
                        let parts = String(decoding: received, as: UTF8.self).split(separator: "\r\n\r\n", maxSplits: 1)
                        if !answered, parts.count == 2, parts[1].contains("{") {
                            answered = true
                            let answer = Array(("HTTP/1.1 403 Forbidden\r\nContent-Type: application/problem+json\r\n"
                                + "Content-Length: 17\r\n\r\n{\"title\":\"early\"}").utf8)
                            _ = answer.withUnsafeBytes { write(client, $0.baseAddress, answer.count) }
                        }
                    }
                }.start()
            }
        }.start()
    }

    deinit { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }
}

/// Sends raw bytes to `127.0.0.1:port` (and `rest` after `pause`) and returns what came back
/// before `timeout` (or the connection closed; with `waitForClose`, only then): for requests a
/// client library would not send, or not send whole, or not at once.
func rawHTTP(port: Int, _ bytes: [UInt8], rest: [UInt8] = [], after pause: TimeInterval = 0, waitForClose: Bool = false,
             timeout: TimeInterval) -> String {
    let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(s) }
    var address = loopback(port: port)
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return "" }
    _ = bytes.withUnsafeBytes { write(s, $0.baseAddress, bytes.count) }
    if !rest.isEmpty {
        Thread.sleep(forTimeInterval: pause)
        _ = rest.withUnsafeBytes { write(s, $0.baseAddress, rest.count) }
    }
    let deadline = Date(timeIntervalSinceNow: timeout)
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while Date() < deadline {
        var poller = pollfd(fd: s, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000)))
        guard ready > 0 else { break }
        let n = read(s, &buffer, buffer.count)
        guard n > 0 else { break }
        answer += buffer[0..<n]
        // One response is enough: its head and a problem body are small.
        if !waitForClose, let text = String(bytes: answer, encoding: .utf8), text.contains("\r\n\r\n"), text.contains("}") { break }
    }
    return String(decoding: answer, as: UTF8.self)
}

private func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}

private struct SocketError: Error { var call: String }

private func listeningSocket() throws -> (Int32, Int) {
    let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard s >= 0 else { throw SocketError(call: "socket") }
    var address = loopback(port: 0)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(s, 128) == 0 else { close(s); throw SocketError(call: "bind/listen") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &length) }
    }
    return (s, Int(UInt16(bigEndian: address.sin_port)))
}
