import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// What a service's generated handlers (its `APIProtocol`, from `openapi.yaml`) share: the request's
/// context for the handler's task, the guard that refuses before any body is read, and the bridge
/// between generated types and domain types.
public enum RequeteGeneree {
    /// The context of the request a generated handler serves (set by `ContexteGenere`).
    @TaskLocal public static var contexte: ECERequestContext?
    /// Its request's head, for what the generated input does not carry (the client's address).
    @TaskLocal public static var requete: Request?

    /// The request's context: its caller, correlation id and logger.
    public static func courant() throws -> ECERequestContext {
        guard let contexte else { throw Self.horsRequete }
        return contexte
    }

    /// The request's head.
    public static func tete() throws -> Request {
        guard let requete else { throw Self.horsRequete }
        return requete
    }

    /// Called outside a generated route: a programming error.
    static let horsRequete = Problem(.internalServerError, type: "internal", title: "Erreur interne / Internal error")

    /// A path's session year, or 404 (as `ECERequestContext.session()` for a hand-written route).
    public static func session(_ annee: Int) throws -> Int {
        guard ECERequestContext.annees.contains(annee) else { throw Problem.notFound("session") }
        return annee
    }

    /// The verified caller, or 401.
    public static func moi() throws -> Identity { try courant().authenticated() }

    /// Serves a service's generated handlers on `router`, behind its guard.
    public static func enregistrer(on router: Router<ECERequestContext>, gardes: [String: Garde],
                                   _ register: (any ServerTransport, Configuration, [any ServerMiddleware]) throws -> Void) rethrows {
        let group = router.group().add(middleware: ContexteGenere())
        try register(group, configuration, [GardeOperations(gardes: gardes)])
    }

    /// A group of hand-written routes (`hand-written-operations.md` says why each is), served as the
    /// generated ones are: their handlers read the caller through `RequeteGeneree` too, and check it with
    /// their operation's `Garde` (`admettre`, then `lire`) before any body is read.
    public static func manuscrites(on router: Router<ECERequestContext>, _ path: RouterPath) -> RouterGroup<ECERequestContext> {
        router.group(path).add(middleware: ContexteGenere())
    }

    /// Compact JSON, as the services answered before; dates as the platform writes them (`DatesISO`).
    public static let configuration = Configuration(dateTranscoder: DatesISO(), jsonEncodingOptions: [.sortedKeys])
}

/// ISO-8601 dates: written without fractions of a second, read with or without (a browser's
/// `toISOString()` has milliseconds), as `EventCoding` reads them.
public struct DatesISO: DateTranscoder {
    public init() {}
    public func encode(_ date: Date) throws -> String { date.formatted(.iso8601) }
    public func decode(_ text: String) throws -> Date {
        if let date = (try? Date(text, strategy: .iso8601))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) {
            return date
        }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "date ISO-8601 attendue / ISO-8601 date expected: \(text)"))
    }
}

/// Runs a generated route with its context in `RequeteGeneree.contexte`, and gives back the header
/// values the runtime percent-encoded (`setHeaderFieldAsURI`: a file name's spaces and accents).
struct ContexteGenere: RouterMiddleware {
    typealias Context = ECERequestContext

    func handle(_ request: Request, context: ECERequestContext,
                next: (Request, ECERequestContext) async throws -> Response) async throws -> Response {
        var response = try await RequeteGeneree.$contexte.withValue(context) {
            try await RequeteGeneree.$requete.withValue(request) { try await next(request, context) }
        }
        for name in [HTTPField.Name.location, .contentDisposition, .cacheControl] {
            if let value = response.headers[name], let decoded = value.removingPercentEncoding { response.headers[name] = decoded }
        }
        return response
    }
}

/// Who may call an operation, and how large its body may be.
public struct Garde: Sendable {
    public var roles: Set<Role>
    /// Callable without a token (signing in, a forgotten password): `roles` is then not checked.
    public var anonyme = false
    public var limite: Int
    /// An optional body: an empty one (`Content-Length: 0`, or chunked with no byte, as a proxy sends
    /// it) is none, which the runtime would otherwise decode as JSON and refuse.
    public var corpsFacultatif: Bool

    /// `limite`: Hummingbird's own default for a JSON body, 2 MB.
    public init(_ roles: Role..., limite: Int = 2 << 20, corpsFacultatif: Bool = false) {
        self.roles = Set(roles)
        self.limite = limite
        self.corpsFacultatif = corpsFacultatif
    }

    /// Anyone, signed in or not, with a body of at most `limite` bytes.
    public static func anonyme(limite: Int) -> Garde {
        var garde = Garde(limite: limite)
        garde.anonyme = true
        return garde
    }

    /// The same callers, with a body of at most `limite` bytes.
    public func borne(_ limite: Int) -> Garde {
        var garde = self
        garde.limite = limite
        return garde
    }

    /// Any signed-in caller (the handler applies its own finer rule).
    public static let authentifie = Garde(.dsii, .gestionnaire, .etablissement, .centre, .examinateur, .coordinateur, .referent, .admin)
}

extension Garde {
    /// A hand-written route's caller, refused as `GardeOperations` refuses (401, 403), before any body is read.
    public func admettre() throws -> Identity {
        let caller = try RequeteGeneree.moi()
        guard roles.contains(caller.role) else { throw Problem.forbidden("rôle \(caller.role.rawValue) non autorisé / role not allowed") }
        return caller
    }

    /// A hand-written route's JSON body as the domain's `T`, as the generated decoder reads one: another
    /// media type is 415, more than `limite` bytes 413 (on the declared length, and while it streams),
    /// JSON that `T` refuses 400 (`ProblemMiddleware`).
    public func lire<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        if let media = request.headers[.contentType], !Self.json(media) {
            throw Problem(.unsupportedMediaType, type: "http-415", title: "Type de contenu non pris en charge / Unsupported media type",
                          detail: "application/json attendu / expected")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limite { throw Problem.tooLarge(limite) }
        return try JSONDecoder.iso.decode(T.self, from: Data(try await request.body.collect(upTo: limite).readableBytesView))
    }

    /// `application/json`, with or without parameters (`; charset=utf-8`).
    static func json(_ media: String) -> Bool {
        media.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}

/// The generated runtime reads a request's whole body before the handler runs: this refuses a
/// caller without a token (401) or of a role the operation does not take (403) before any byte is
/// read, then bounds the body (413 on a declared length over the limit, and while it streams).
/// An operation missing from the table is refused.
struct GardeOperations: ServerMiddleware {
    let gardes: [String: Garde]

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        guard let garde = gardes[operationID] else {
            throw Problem.forbidden("opération sans garde / operation without a guard: \(operationID)")
        }
        if !garde.anonyme { _ = try garde.admettre() }
        // The generated serializers check `Accept` after the handler ran: a write would commit, then
        // answer 406. Each operation has one media type per answer, given whatever `Accept` says.
        var request = request
        request.headerFields[.accept] = nil
        guard let body else { return try await next(request, nil, metadata) }
        if case .known(let length) = body.length, length > garde.limite { throw Problem.tooLarge(garde.limite) }
        let borne = HTTPBody(Borne(corps: body, limite: garde.limite), length: body.length, iterationBehavior: .single)
        guard garde.corpsFacultatif else { return try await next(request, borne, metadata) }
        let bytes = try await [UInt8](collecting: borne, upTo: garde.limite)
        return try await next(request, bytes.isEmpty ? nil : HTTPBody(bytes), metadata)
    }

    /// A body that throws 413 as soon as more than `limite` bytes came.
    struct Borne: AsyncSequence, Sendable {
        typealias Element = HTTPBody.ByteChunk
        let corps: HTTPBody
        let limite: Int

        struct AsyncIterator: AsyncIteratorProtocol {
            var base: HTTPBody.AsyncIterator
            let limite: Int
            var lus = 0

            mutating func next() async throws -> HTTPBody.ByteChunk? {
                guard let chunk = try await base.next() else { return nil }
                lus += chunk.count
                if lus > limite { throw Problem.tooLarge(limite) }
                return chunk
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: corps.makeAsyncIterator(), limite: limite) }
    }
}

/// Between the generated types and the domain's, through their JSON (the shapes the document describes).
public enum Pont {
    /// A request's value as the domain type: what the domain refuses to decode is the caller's 400.
    public static func lu<T: Decodable>(_ valeur: some Encodable, comme type: T.Type = T.self) throws -> T {
        do {
            return try JSONDecoder.iso.decode(T.self, from: try JSONEncoder.iso.encode(valeur))
        } catch let error as DecodingError {
            throw Problem.badRequest("corps de requête illisible / unreadable request body: \(describe(error))")
        }
    }

    /// A domain value as the generated type of a response. Only where nothing was written before
    /// (it fails on a programming error only, but it can).
    public static func vue<T: Decodable>(_ valeur: some Encodable, comme type: T.Type = T.self) throws -> T {
        do {
            return try JSONDecoder.iso.decode(T.self, from: try JSONEncoder.iso.encode(valeur))
        } catch let error as DecodingError {
            // Our own value that the document's type refuses: our fault (a logged 500), not the caller's 400.
            throw HorsContrat(type: "\(T.self)", detail: describe(error))
        }
    }

    /// A domain value its response type cannot hold (here, or in a service's field-by-field mapping).
    public struct HorsContrat: Error, CustomStringConvertible {
        let type: String
        let detail: String
        public init(type: String, detail: String) { (self.type, self.detail) = (type, detail) }
        public var description: String { "réponse hors contrat / response off the contract (\(type)): \(detail)" }
    }

    /// Where a JSON body went wrong, without Foundation's generic message.
    public static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let c): "champ manquant / missing field \((c.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            "\(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
        @unknown default: "JSON invalide"
        }
    }
}

extension Problem {
    /// A body over what the operation reads.
    public static func tooLarge(_ maxBytes: Int?) -> Problem {
        Problem(.contentTooLarge, type: "too-large", title: "Requête trop volumineuse / Request too large",
                detail: maxBytes.map { "au plus \($0) octets / at most \($0) bytes" })
    }
}
