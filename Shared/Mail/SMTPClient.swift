import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where mail goes, from `SMTP_URL`: `smtp://host:25` (plain; only for a local relay or a capture
/// server), `smtp+starttls://user:pass@relay:587` (STARTTLS, required), `smtps://user:pass@relay:465`
/// (TLS from the first byte). With credentials, AUTH PLAIN — over TLS, or on a plain connection only
/// to a loopback address. Certificates are verified against the system's roots (`SMTP_CA_FILE` adds one).
public struct SMTPConfiguration: Sendable, CustomStringConvertible {
    public enum Security: Sendable { case none, starttls, tls }
    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    public var caFile: String?
    /// Every step (connect, each reply) must end within this.
    public var timeout: TimeAmount = .seconds(20)

    public struct Invalid: Error, CustomStringConvertible { public var description: String }

    public init(url text: String, caFile: String? = nil) throws {
        guard let url = URLComponents(string: text), let scheme = url.scheme, let host = url.host, !host.isEmpty else {
            throw Invalid(description: "SMTP_URL: not a URL (smtp://host:port, smtp+starttls://…, smtps://…)")
        }
        switch scheme {
        case "smtp": (security, port) = (.none, url.port ?? 25)
        case "smtp+starttls": (security, port) = (.starttls, url.port ?? 587)
        case "smtps": (security, port) = (.tls, url.port ?? 465)
        default: throw Invalid(description: "SMTP_URL: scheme \(scheme) (smtp, smtp+starttls or smtps)")
        }
        self.host = host
        username = url.user?.removingPercentEncoding
        password = url.password?.removingPercentEncoding
        self.caFile = caFile
        if username != nil, security == .none, !["127.0.0.1", "::1", "localhost"].contains(host) {
            throw Invalid(description: "SMTP_URL: credentials only over TLS (smtp+starttls:// or smtps://)")
        }
    }

    /// The URL without its password, for logs.
    public var description: String {
        let scheme = switch security { case .none: "smtp"; case .starttls: "smtp+starttls"; case .tls: "smtps" }
        return "\(scheme)://\(username.map { "\($0)@" } ?? "")\(host):\(port)"
    }
}

/// Why a mail was not sent. `delivered` says whether the server may hold it anyway: only when the
/// connection failed after the end of the message was sent and before the server's answer.
public struct SMTPFailure: Error, CustomStringConvertible {
    public var description: String
    /// A 5xx answer: the same mail will be refused again.
    public var permanent = false
    /// The server answered with a reply code (as opposed to a cut or a timeout).
    public var replied = false
    public var uncertain = false
}

/// A minimal SMTP client (RFC 5321) on SwiftNIO: EHLO, STARTTLS or implicit TLS, AUTH PLAIN, one
/// message to one or more recipients. Every reply is checked; a line that is not SMTP, too long or
/// too many is an error, never a crash.
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    public let heloName: String

    public init(configuration: SMTPConfiguration, heloName: String = "ece.localhost") {
        self.configuration = configuration
        self.heloName = heloName
    }

    /// Sends `message` (already MIME, lines ending in CRLF). `beforeEnd` runs just before the
    /// end-of-data marker is written: from then on the server may hold the mail whatever happens.
    public func send(from: String, to recipients: [String], message: String,
                     beforeEnd: @Sendable () async throws -> Void = {}) async throws {
        let c = configuration
        var tls: NIOSSLContext?
        if c.security != .none {
            var settings = TLSConfiguration.makeClientConfiguration()
            if let caFile = c.caFile { settings.additionalTrustRoots = [.file(caFile)] }
            tls = try NIOSSLContext(configuration: settings)
        }
        let replies = SMTPReplyHandler()
        let channel: Channel
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(c.timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if c.security == .tls, let tls {
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: c.host))
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                        try channel.pipeline.syncOperations.addHandler(replies)
                    }
                }
                .connect(host: c.host, port: c.port).get()
        } catch {
            throw SMTPFailure(description: "SMTP \(c): connection failed: \(error)")
        }
        defer { channel.close(promise: nil) }
        let session = Session(channel: channel, replies: replies, timeout: c.timeout, server: c.description)

        try await session.expect(220, after: nil)
        var extensions = try await session.expect(250, after: "EHLO \(heloName)")
        if c.security == .starttls {
            guard extensions.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                throw SMTPFailure(description: "SMTP \(c): the server offers no STARTTLS")
            }
            try await session.expect(220, after: "STARTTLS")
            let handler = try NIOSSLClientHandler(context: tls!, serverHostname: c.host)
            try await channel.pipeline.addHandler(handler, position: .first).get()
            extensions = try await session.expect(250, after: "EHLO \(heloName)")
        }
        if let user = c.username {
            guard extensions.contains(where: { $0.uppercased().hasPrefix("AUTH") && $0.uppercased().contains("PLAIN") }) else {
                throw SMTPFailure(description: "SMTP \(c): the server offers no AUTH PLAIN")
            }
            let token = Data("\0\(user)\0\(c.password ?? "")".utf8).base64EncodedString()
            try await session.expect(235, after: "AUTH PLAIN \(token)", shown: "AUTH PLAIN ***")
        }
        try await session.expect(250, after: "MAIL FROM:<\(try Self.address(from))>")
        for recipient in recipients { try await session.expect([250, 251], after: "RCPT TO:<\(try Self.address(recipient))>") }
        try await session.expect(354, after: "DATA")
        try await beforeEnd()
        do {
            try await session.expect(250, after: Self.dotStuffed(message) + ".", shown: "(message).")
        } catch var failure as SMTPFailure {
            // Refused with a reply: not delivered. Cut off before any reply: the server may hold it.
            failure.uncertain = !failure.replied
            throw failure
        }
        _ = try? await session.expect(221, after: "QUIT")
    }

    /// An address as SMTP carries it: no brackets, spaces or line breaks (header and command injection).
    static func address(_ text: String) throws -> String {
        guard text.count <= 254, text.contains("@"), !text.contains(where: { "<>\r\n\0 ,;".contains($0) || !$0.isASCII }) else {
            throw SMTPFailure(description: "adresse électronique invalide / invalid address: \(text.prefix(80))", permanent: true)
        }
        return text
    }

    /// Lines in CRLF, a line starting with "." doubled (RFC 5321 §4.5.2), ending in CRLF.
    static func dotStuffed(_ message: String) -> String {
        var lines = message.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0 + "\r\n" }.joined()
    }

    /// One conversation: a command, then its reply, each within the timeout.
    private struct Session {
        let channel: Channel
        let replies: SMTPReplyHandler
        let timeout: TimeAmount
        let server: String

        @discardableResult
        func expect(_ code: Int, after command: String?, shown: String? = nil) async throws -> [String] {
            try await expect([code], after: command, shown: shown)
        }

        @discardableResult
        func expect(_ codes: Set<Int>, after command: String?, shown: String? = nil) async throws -> [String] {
            let step = shown ?? command.map { String($0.prefix(40)) } ?? "greeting"
            let reply = replies.next(on: channel.eventLoop)
            if let command {
                channel.writeAndFlush(ByteBuffer(string: command.hasSuffix("\r\n") ? command : command + "\r\n"), promise: nil)
            }
            let seconds = timeout.nanoseconds / 1_000_000_000
            let timer = channel.eventLoop.scheduleTask(in: timeout) { [replies, server] in
                replies.expire(reply, SMTPFailure(description: "SMTP \(server): no reply to \(step) within \(seconds) s"))
            }
            defer { timer.cancel() }
            let (code, lines): (Int, [String])
            do {
                (code, lines) = try await reply.futureResult.get()
            } catch let failure as SMTPFailure {
                throw failure
            } catch {
                throw SMTPFailure(description: "SMTP \(server): \(step): \(error)")
            }
            guard codes.contains(code) else {
                throw SMTPFailure(description: "SMTP \(server) answered \(code) to \(step): \(lines.joined(separator: " ").prefix(300))",
                                  permanent: code >= 500, replied: true)
            }
            return lines
        }
    }
}

/// Lines of at most 1,000 bytes (RFC 5321 §4.5.3.1.5); a longer one fails the connection.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String
    struct TooLong: Error {}

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 1000 { throw TooLong() }
            return .needMoreData
        }
        let length = end - buffer.readerIndex
        guard length <= 1000, var line = buffer.readString(length: length) else { throw TooLong() }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}

/// Gathers reply lines (`250-…` continued, `250 …` last) into replies and hands each to the step
/// waiting for it. Anything else — a malformed line, a 100-line reply, replies nobody asked for, the
/// connection closing, a step's timeout — fails the waiting step and closes the connection.
final class SMTPReplyHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = String
    typealias Reply = (code: Int, lines: [String])

    // Touched on the channel's event loop only.
    private var waiting: EventLoopPromise<Reply>?
    private var received: [Reply] = []
    private var lines: [String] = []
    private var failure: Error?
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// The next reply (the greeting may have come already).
    func next(on loop: EventLoop) -> EventLoopPromise<Reply> {
        let promise = loop.makePromise(of: Reply.self)
        loop.execute {
            if !self.received.isEmpty { promise.succeed(self.received.removeFirst()) }
            else if let failure = self.failure { promise.fail(failure) }
            else { self.waiting = promise }
        }
        return promise
    }

    /// A step's time is up: fails it if it still waits (a promise is completed once only).
    func expire(_ promise: EventLoopPromise<Reply>, _ error: Error) {
        guard let waiting, waiting.futureResult === promise.futureResult else { return }
        fail(error)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, bytes.prefix(3).allSatisfy({ (48...57).contains($0) }),
              let code = Int(String(decoding: bytes.prefix(3), as: UTF8.self)), (200...599).contains(code),
              bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-"), lines.count < 100
        else {
            return fail(SMTPFailure(description: "SMTP: not a reply: \(line.prefix(80).debugDescription)"))
        }
        lines.append(bytes.count > 4 ? String(decoding: bytes.dropFirst(4), as: UTF8.self) : "")
        guard bytes.count == 3 || bytes[3] == UInt8(ascii: " ") else { return }
        let reply = (code, lines)
        lines = []
        if let waiting {
            self.waiting = nil
            waiting.succeed(reply)
        } else if received.isEmpty {
            received.append(reply)
        } else {
            fail(SMTPFailure(description: "SMTP: replies nobody asked for (\(code))"))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(SMTPFailure(description: "SMTP: \(error)"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPFailure(description: "SMTP: connection closed"))
        context.fireChannelInactive()
    }

    private func fail(_ error: Error) {
        if failure == nil { failure = error }
        waiting?.fail(error)
        waiting = nil
        context?.close(promise: nil)
    }
}
