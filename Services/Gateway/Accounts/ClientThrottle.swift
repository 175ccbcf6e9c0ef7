import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Shared
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Password checks allowed per client (a token bucket each; an IPv6 client is its /64), in front of
/// bcrypt: one address cannot spend the gateway's CPU on guesses, whichever logins it tries. A successful sign-in gives
/// its token back, so a school's shared address only pays for its mistakes.
final class ClientThrottle: Sendable {
    /// Checks a client may make at once, and how many it gets back per minute.
    let burst: Double
    let perMinute: Double
    /// Clients remembered at most: beyond, the full buckets (clients idle long enough) are forgotten,
    /// and when most are not full (a flood of new clients: `makeRoom`) every bucket but those under
    /// half their burst, if they fit in half of it: a flood gives a client back at most half its burst
    /// (holding only the empty buckets, a guesser waiting a second at 60 a minute got all of it back).
    let capacity: Int

    private struct Bucket { var tokens: Double; var at: ContinuousClock.Instant }
    private let buckets = Mutex<[String: Bucket]>([:])

    init(burst: Int, perMinute: Int, capacity: Int = 50_000) {
        self.burst = Double(max(burst, 1))
        self.perMinute = Double(max(perMinute, 1))
        self.capacity = capacity
    }

    /// Takes one check for `client`: nil when allowed, else the seconds until the next one.
    func take(_ address: String) -> Int? {
        let client = Self.bucket(of: address)
        let now = ContinuousClock.now
        return buckets.withLock { buckets in
            let known = buckets[client]
            var bucket = refilled(known ?? Bucket(tokens: burst, at: now), now)
            defer {
                if known == nil {
                    buckets.makeRoom(capacity: capacity, keeping: { refilled($0, now).tokens < burst },
                                     holding: { self.refilled($0, now).tokens < self.burst / 2 })
                }
                buckets[client] = bucket
            }
            guard bucket.tokens >= 1 else { return Int(((1 - bucket.tokens) * 60 / perMinute).rounded(.up)) }
            bucket.tokens -= 1
            return nil
        }
    }

    /// Gives back the check `take` counted (a successful sign-in).
    func giveBack(_ address: String) {
        let client = Self.bucket(of: address)
        buckets.withLock { buckets in
            if var bucket = buckets[client] {
                bucket.tokens = min(burst, bucket.tokens + 1)
                buckets[client] = bucket
            }
        }
    }

    /// What an address counts against: an IPv6 client's whole /64 (a subscriber's network, in which
    /// a host picks new addresses at will), an IPv4 address (mapped into IPv6 or not) alone.
    static func bucket(of address: String) -> String {
        var ip = in6_addr()
        guard address.contains(":"), inet_pton(AF_INET6, address, &ip) == 1 else { return address }
        let bytes = withUnsafeBytes(of: &ip) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        let prefix = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
        return prefix.joined(separator: ":") + "::/64"
    }

    private func refilled(_ bucket: Bucket, _ now: ContinuousClock.Instant) -> Bucket {
        let elapsed = now - bucket.at
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Bucket(tokens: min(burst, bucket.tokens + seconds * perMinute / 60), at: now)
    }

    static func tooMany(retryAfter: Int) -> Problem {
        var problem = Problem(.tooManyRequests, type: "too-many-requests", title: "Trop de tentatives / Too many attempts",
                              detail: "réessayer dans \(retryAfter) s / retry in \(retryAfter) s")
        problem.retryAfter = retryAfter
        return problem
    }
}

/// Who a request comes from, for the throttle: the peer's address, or — when the peer is one of
/// `TRUSTED_PROXIES` (a reverse proxy in front of the gateway) — the nearest address it reports
/// in `X-Forwarded-For` that is not itself a trusted proxy. Otherwise the header is ignored: any
/// client can write it.
struct ClientAddress: Sendable {
    let trustedProxies: Set<String>

    init(_ environment: [String: String]) {
        trustedProxies = Set((environment["TRUSTED_PROXIES"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    func of(_ request: Request, _ context: ECERequestContext) -> String {
        let peer = context.remoteAddress?.ipAddress ?? "unknown"
        guard trustedProxies.contains(peer) else { return peer }
        let forwarded = request.headers[values: HTTPField.Name("X-Forwarded-For")!]
            .flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        return forwarded.last { !trustedProxies.contains($0) && !$0.isEmpty } ?? peer
    }
}
