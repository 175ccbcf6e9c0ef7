import AsyncHTTPClient
import ECEAPI
import ECEAPIClient
import Foundation
import HTTPTypes
import NIOCore
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// The gateway's API as the bench's simulated users call it: the client generated from
/// Services/Gateway/API/openapi.yaml over one shared HTTPClient (issue 19 item 3). What the commands
/// do outside the API stays as it was: `/health` (waiting for the gateway here; each replica's own port
/// in `chaos`'s recovery), SQL (the national bench's reference data, e2e's Cyclades grades — no API
/// lists them —, chaos's verdict, the stats seed and its baseline, import's `\copy` baseline, pgbench)
/// and AMQP (bus, poison, chaos's queues).
struct Passerelle: Sendable {
    /// The gateway, or its replicas: each call goes to one of them at random, as a load balancer
    /// in front of them would spread it (the cluster chaos run kills one).
    let serveurs: [URL]
    let http: HTTPClient
    let transport: AsyncHTTPClientTransport

    /// `gateway`: one URL or several, comma-separated; `timeout`: a call's longest wait for its answer.
    init(_ gateway: String, http: HTTPClient, timeout: TimeAmount = .seconds(120)) throws {
        serveurs = try gateway.split(separator: ",").map {
            guard let url = URL(string: String($0)) else { throw Refus(status: nil, description: "not a URL: \($0)") }
            return url
        }
        self.http = http
        transport = AsyncHTTPClientTransport(configuration: .init(client: http, timeout: timeout))
    }

    /// One of the gateways, for a hand-written call (`Editeur`).
    func serveur() -> String { (serveurs.count == 1 ? serveurs[0] : serveurs.randomElement()!).absoluteString }

    /// The API as the holder of `token` (none: anonymous, e.g. to log in).
    func client(_ token: String? = nil) -> Client {
        Client(serverURL: serveurs[0], transport: transport, middlewares: [Appel(serveurs: serveurs, token: token)])
    }

    /// Logs in with a demo account: the API with its access token.
    func login(_ login: String, password: String) async throws -> Client {
        let tokens = try await client().connecter(body: .json(.init(login: login, password: password))).ok.body.json
        return client(tokens.accessToken)
    }

    /// Whether the gateway (one of them) answers its /health with 200: not part of the API's calls here.
    func sante() async -> Bool {
        let request = HTTPClientRequest(url: serveurs[0].absoluteString + "/health")
        return (try? await http.execute(request, timeout: .seconds(5)).status) == .ok
    }
}

/// What the platform refused (a status other than 2xx, with its problem's text), or a call that
/// could not be made (status nil).
struct Refus: Error, CustomStringConvertible {
    var status: Int?
    var description: String

    /// The refusal inside an error of the generated client (which wraps what its middlewares throw).
    static func de(_ error: any Error) -> Refus? {
        if let refus = error as? Refus { return refus }
        if let wrapped = (error as? ClientError)?.underlyingError { return de(wrapped) }
        return nil
    }
    /// The status the platform answered, nil when it did not answer.
    static func status(_ error: any Error) -> Int? { de(error)?.status }
}

/// The user's token on every call, the gateway chosen for it, and anything but 2xx thrown as a
/// `Refus` with the problem's text: a run stops on the first answer it did not expect.
struct Appel: ClientMiddleware {
    let serveurs: [URL]
    let token: String?

    func intercept(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)) async throws
        -> (HTTPResponse, HTTPBody?)
    {
        var request = request
        if let token { request.headerFields[.authorization] = "Bearer \(token)" }
        let (response, answer) = try await next(request, body, serveurs.count == 1 ? baseURL : serveurs.randomElement()!)
        guard response.status.kind == .successful else {
            var text = ""
            if let answer { text = try await String(collecting: answer, upTo: 1 << 20) }
            throw Refus(status: response.status.code,
                        description: "\(operationID) \(request.method) \(request.path ?? ""): \(response.status) \(text.prefix(600))")
        }
        return (response, answer)
    }
}

/// The call must be refused with `status`, else the run stops.
func refuse<T>(_ status: Int, _ what: String, _ body: () async throws -> T) async throws {
    do {
        let answer = try await body()
        throw Refus(status: nil, description: "\(what): accepted (\(answer)), \(status) expected")
    } catch let error where Refus.status(error) == status {
        return
    }
}

/// `body`'s answer, or nil when the platform refused it with one of `statuts` (e.g. 422: done already).
func sauf<T>(_ statuts: Set<Int>, _ body: () async throws -> T) async throws -> T? {
    do { return try await body() } catch let error where Refus.status(error).map(statuts.contains) ?? false { return nil }
}
