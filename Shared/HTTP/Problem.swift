import Foundation
import Hummingbird
import NIOCore
import OpenAPIRuntime
import PostgresNIO

/// An RFC 9457 problem: every error the platform returns is `application/problem+json`,
/// with a stable `type`, a bilingual `title` and, for validation, the offending fields.
public struct Problem: HTTPResponseError, Codable, Sendable {
    public struct FieldError: Codable, Sendable, Equatable {
        public var field: String
        public var reason: String
        /// For file imports: the line of the file.
        public var line: Int?
        public init(field: String, reason: String, line: Int? = nil) {
            self.field = field
            self.reason = reason
            self.line = line
        }
    }

    public var type: String
    public var title: String
    public var statusCode: Int
    public var detail: String?
    public var errors: [FieldError]?
    /// For a conflict: the resource as it stands now (pre-encoded JSON object), so the client can
    /// show both versions without another request.
    public var current: Data?
    /// Seconds after which the request may be tried again (`Retry-After`, for 429 and 503).
    public var retryAfter: Int?

    public var status: HTTPResponse.Status { .init(code: statusCode) }

    public init(_ status: HTTPResponse.Status, type: String, title: String, detail: String? = nil,
                errors: [FieldError]? = nil) {
        self.type = "https://ece.education.gouv.fr/problems/\(type)"
        self.title = title
        statusCode = status.code
        self.detail = detail
        self.errors = errors
    }

    enum CodingKeys: String, CodingKey {
        case type, title, detail, errors
        case statusCode = "status"
    }

    /// Sorted keys: the same problem always reads the same (clients and tests may compare bodies).
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if statusCode == 401 { headers[.wwwAuthenticate] = "Bearer" }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        var body = try Self.encoder.encode(self)
        if let current, body.last == UInt8(ascii: "}") {
            body.removeLast()
            body.append(contentsOf: Array(#","current":"#.utf8) + current + [UInt8(ascii: "}")])
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// The kinds of 409, each its own problem `type` (`…/problems/<raw value>`), stable across releases:
/// a client branches on them, never on the detail's text (docs/naming.md lists them).
public enum Conflit: String, Sendable, CaseIterable {
    /// The exam × centre is closed (or, for a reopening, not closed).
    case epreuveClose = "exam-closed", epreuveNonClose = "exam-not-closed"
    /// The lot is locked (read-only), or not locked when it must be.
    case lotVerrouille = "lot-locked", lotNonVerrouille = "lot-not-locked"
    /// Something is not finished: ungraded candidates, an empty lot, a sheet without a result.
    case incomplet = "incomplete"
    /// A step must come first (the regulation, the parameters, the draw, a slot, leaving a lot).
    case prealable = "step-missing"
    /// Taken already: a name, a code, a login, a half-day's slot, an examiner in another group.
    case doublon = "already-exists"
    /// Done already: a subject drawn, a convocation cancelled, a lot locked, candidates graded.
    case dejaFait = "already-done"
    /// Not enough room: a slot's seats for its examiners, no open group.
    case capacite = "capacity"
    /// No subject can be drawn: none in the slot, under embargo, the choice not allowed.
    case sujetIndisponible = "subject-unavailable"
    /// Someone changed it meanwhile: read it again and retry.
    case modifieEntreTemps = "changed-meanwhile"
    /// The resource's state does not allow it (a subject's status, a withdrawn mission, a closed export).
    case etat = "invalid-state"
    /// A rule of the road map refuses it (assignment, centre d'épreuve, a school's académie, one's own account).
    case regle = "rule-refused"

    var title: String {
        switch self {
        case .epreuveClose: "Épreuve close / Exam closed"
        case .epreuveNonClose: "Épreuve non close / Exam not closed"
        case .lotVerrouille: "Lot verrouillé / Lot locked"
        case .lotNonVerrouille: "Lot non verrouillé / Lot not locked"
        case .incomplet: "Incomplet / Incomplete"
        case .prealable: "Étape préalable manquante / A step must come first"
        case .doublon: "Existe déjà / Already exists"
        case .dejaFait: "Déjà fait / Already done"
        case .capacite: "Capacité insuffisante / Not enough room"
        case .sujetIndisponible: "Sujet indisponible / No subject available"
        case .modifieEntreTemps: "Modifié entre-temps / Changed meanwhile"
        case .etat: "État incompatible / Invalid state"
        case .regle: "Refusé par une règle / Refused by a rule"
        }
    }
}

extension Problem {
    public static func notFound(_ detail: String? = nil) -> Problem {
        Problem(.notFound, type: "not-found", title: "Ressource introuvable / Resource not found", detail: detail)
    }
    public static func badRequest(_ detail: String) -> Problem {
        Problem(.badRequest, type: "bad-request", title: "Requête invalide / Bad request", detail: detail)
    }
    public static func validation(_ errors: [FieldError]) -> Problem {
        Problem(.unprocessableContent, type: "validation", title: "Données invalides / Invalid data",
                detail: "\(errors.count) champ(s) invalide(s) / invalid field(s)", errors: errors)
    }
    /// A 409 of a kind a client can tell apart by its `type` alone (`Conflit`), whatever its wording.
    public static func conflict(_ kind: Conflit, _ detail: String) -> Problem {
        Problem(.conflict, type: kind.rawValue, title: kind.title, detail: detail)
    }
    /// A stale write: 409 with the current state of the resource.
    public static func stale(_ detail: String, current: some Encodable) throws -> Problem {
        var problem = Problem(.conflict, type: "stale-version", title: "Version périmée / Stale version", detail: detail)
        problem.current = try JSONEncoder.iso.encode(current)
        return problem
    }
    public static func serviceUnavailable(_ detail: String) -> Problem {
        Problem(.serviceUnavailable, type: "service-unavailable", title: "Service indisponible / Service unavailable",
                detail: detail)
    }
}

/// Turns every error a handler throws into problem+json: unknown errors become a logged 500
/// with no internals leaked, Hummingbird's own HTTP errors keep their status.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    /// Deadlock, serialization failure, lock not available: the request may simply be retried.
    static func isTransient(_ error: any Error) -> Bool {
        let psql = (error as? PSQLError) ?? ((error as? PostgresTransactionError)?.closureError as? PSQLError)
        return ["40P01", "40001", "55P03"].contains(psql?.serverInfo?[.sqlState] ?? "")
    }

    /// SQLSTATE class 22, "data exception".
    static func isDataException(_ error: PSQLError) -> Bool {
        error.serverInfo?[.sqlState]?.hasPrefix("22") == true
    }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try Self.response(to: error, request: request, context: context)
        }
    }

    static func response(to error: any Error, request: Request, context: Context) throws -> Response {
        do {
            throw error
        } catch let error as ServerError {
            // The generated server wraps what a handler or a middleware threw: that error, as usual.
            // What the runtime refused itself (a parameter it cannot decode, a media type it does not take)
            // comes with its 4xx status: the caller's fault, said as a problem like any other.
            if let refus = error.underlyingError as? any HTTPResponseConvertible, refus.httpStatus.code < 500 {
                let status = refus.httpStatus
                return try Problem(status, type: status == .badRequest ? "bad-request" : "http-\(status.code)",
                                   title: status == .badRequest ? "Requête invalide / Bad request" : status.reasonPhrase,
                                   detail: error.causeDescription).response(from: request, context: context)
            }
            if let decoding = error.underlyingError as? DecodingError, error.operationInput == nil {
                // The runtime could not build the operation's input: a parameter or the body.
                return try Problem.badRequest("paramètre ou corps illisible / unreadable parameter or body: \(Pont.describe(decoding))")
                    .response(from: request, context: context)
            }
            return try response(to: error.underlyingError, request: request, context: context)
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch let error as PostgresTransactionError where error.closureError is Problem {
            // A refusal thrown inside a transaction (which rolled it back) is still that refusal.
            return try (error.closureError as! Problem).response(from: request, context: context)
        } catch let error as NIOTooManyBytesError {
            // A body over what the route reads (`collect(upTo:)`): the sender's fault, not ours.
            return try Problem.tooLarge(error.maxBytes).response(from: request, context: context)
        } catch let error as HTTPError {
            let problem = Problem(error.status, type: error.status.code == 404 ? "not-found" : "http-\(error.status.code)",
                                  title: error.status.reasonPhrase, detail: error.body)
            return try problem.response(from: request, context: context)
        } catch let error as PSQLError where Self.isDataException(error) {
            // Postgres refused a value (a NUL character, an impossible date…): bad input, not a fault.
            context.logger.warning("value refused by the database", metadata: ["error": "\(error.serverInfo?[.message] ?? "")"])
            return try Problem.badRequest("valeur refusée / value refused: \(error.serverInfo?[.message] ?? "")")
                .response(from: request, context: context)
        } catch let error as PostgresTransactionError where (error.closureError as? PSQLError).map(Self.isDataException) == true {
            let message = (error.closureError as? PSQLError)?.serverInfo?[.message] ?? ""
            return try Problem.badRequest("valeur refusée / value refused: \(message)").response(from: request, context: context)
        } catch let error where DatabaseWatch.isOutage(error) {
            context.logger.error("database unreachable", metadata: ["error": "\(error)"])
            return try DatabaseWatch.unavailable().response(from: request, context: context)
        } catch let error where Self.isTransient(error) {
            context.logger.warning("transient database conflict", metadata: ["error": "\(error)"])
            var response = try Problem.serviceUnavailable("conflit passager, réessayer / transient conflict, retry")
                .response(from: request, context: context)
            response.headers[.retryAfter] = "1"
            return response
        } catch let error as DecodingError {
            return try Problem.badRequest("corps de requête illisible / unreadable request body: \(Pont.describe(error))")
                .response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(error)"])
            return try Problem(.internalServerError, type: "internal", title: "Erreur interne / Internal error")
                .response(from: request, context: context)
        }
    }
}
