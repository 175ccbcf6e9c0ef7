import Foundation
import Hummingbird
import PostgresNIO
import Shared

/// `/api/inscriptions/…`: reference data, the candidates file import, the candidates of a session.
struct InscriptionsController: Sendable {
    let repository: InscriptionsRepository

    func addRoutes(to group: RouterGroup<ECERequestContext>) {
        group.get("academies", use: academies)
        group.get("etablissements", use: etablissements)
        group.post("sessions/:annee/import", use: importCandidats)
        group.get("sessions/:annee/candidats", use: candidats)
    }

    struct Academies: ResponseEncodable {
        var items: [Item]
        struct Item: Codable { var code: String; var nom: String }
    }

    @Sendable func academies(_ request: Request, context: ECERequestContext) async throws -> Academies {
        _ = try context.authenticated()
        return Academies(items: try await repository.academies().map { .init(code: $0.code, nom: $0.nom) })
    }

    struct Etablissements: ResponseEncodable { var items: [InscriptionsRepository.Etablissement] }

    @Sendable func etablissements(_ request: Request, context: ECERequestContext) async throws -> Etablissements {
        _ = try context.authenticated()
        let academie = request.uri.queryParameters["academie"].map(String.init)
        return Etablissements(items: try await repository.etablissements(academie: academie))
    }

    struct ImportReport: ResponseEncodable {
        var lignes: Int
        var candidats: Int
        var inscriptions: Int
        var encodage: String
        var separateur: String
        var erreurs: [ImportError]
        var nombreErreurs: Int
    }

    /// The académie's candidates file, streamed and checked line by line. By default nothing is
    /// imported when anything is wrong (422 with every error: line, column, reason); `?partiel=true`
    /// imports the valid lines and reports the others.
    @Sendable func importCandidats(_ request: Request, context: ECERequestContext) async throws -> ImportReport {
        let caller = try context.require(.gestionnaire)
        guard case .academie(let academie) = caller.scope else { throw Problem.forbidden("académie requise") }
        let session = try annee(context)
        let partiel = request.uri.queryParameters["partiel"] == "true"
        var csv = CandidatsCSV(etablissements: try await repository.academiesParUAI(), academie: academie)
        let started = ContinuousClock.now
        for try await buffer in request.body {
            csv.feed(buffer.readableBytesView)
        }
        csv.finish()
        if csv.errorCount > 0 && !partiel {
            throw Problem(.unprocessableContent, type: "import-refused",
                          title: "Fichier refusé, rien n'a été importé / File refused, nothing imported",
                          detail: "\(csv.errorCount) erreur(s) / error(s)",
                          errors: csv.errors.map { .init(field: $0.column, reason: $0.reason, line: $0.line) })
        }
        let parsed = ContinuousClock.now
        let stored: InscriptionsRepository.ImportResult
        do {
            stored = try await repository.store(csv.lignes, session: session, academie: academie)
        } catch let error as PostgresTransactionError {
            if let problem = error.closureError as? Problem { throw problem }
            throw error
        }
        context.logger.info("candidates imported", metadata: [
            "lines": "\(csv.lignes.count)", "session": "\(session)",
            "readAndChecked": "\(parsed - started)", "stored": "\(ContinuousClock.now - parsed)",
        ])
        return ImportReport(lignes: csv.lineNumber - 1, candidats: stored.candidats, inscriptions: stored.inscriptions,
                            encodage: csv.encoding, separateur: String(csv.separator ?? ";"), erreurs: csv.errors,
                            nombreErreurs: csv.errorCount)
    }

    struct Candidats: ResponseEncodable {
        var items: [InscriptionsRepository.Candidat]
        var page: Int
        var perPage: Int
        var total: Int
    }

    /// A gestionnaire sees their académie's candidates only; national roles see all. Schools see
    /// theirs once an exam's assignment is delegated to them (not yet: refused for now).
    @Sendable func candidats(_ request: Request, context: ECERequestContext) async throws -> Candidats {
        let caller = try context.require(.gestionnaire, .dsii, .admin)
        var academie: String?
        if case .academie(let code) = caller.scope { academie = code }
        let q = request.uri.queryParameters
        let page = q["page"].flatMap { Int($0) } ?? 1
        let perPage = q["perPage"].flatMap { Int($0) } ?? 100
        guard (1...100_000).contains(page), (1...1000).contains(perPage) else {
            throw Problem.validation([.init(field: "page", reason: "page ≥ 1, perPage 1…1000")])
        }
        let (items, total) = try await repository.candidats(
            session: try annee(context), academie: academie, uai: q["uai"].map { String($0).uppercased() },
            epreuve: q["epreuve"].map(String.init), page: page, parPage: perPage)
        return Candidats(items: items, page: page, perPage: perPage, total: total)
    }

    private func annee(_ context: ECERequestContext) throws -> Int {
        guard let text = context.parameters.get("annee"), let annee = Int(text), (2020...2100).contains(annee) else {
            throw Problem.notFound("session")
        }
        return annee
    }
}
