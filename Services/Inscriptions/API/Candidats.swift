import Foundation
import OpenAPIRuntime
import Shared

/// The sessions, the académie's candidates file and each candidate's registrations.
extension InscriptionsAPI {
    func listerSessions(_ input: Operations.ListerSessions.Input) async throws -> Operations.ListerSessions.Output {
        .ok(.init(body: .json(try await sessions())))
    }

    /// Sessions are national: opened by the national team.
    func ouvrirSession(_ input: Operations.OuvrirSession.Input) async throws -> Operations.OuvrirSession.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        guard (2020...2100).contains(body.annee) else {
            throw Problem.validation([.init(field: "annee", reason: "entre 2020 et 2100 / between 2020 and 2100")])
        }
        try await repository.ensureSession(body.annee)
        return .created(.init(body: .json(try await sessions())))
    }

    private func sessions() async throws -> Components.Schemas.Sessions {
        .init(items: try await repository.sessions().map { .init(annee: $0.annee, etat: $0.etat) })
    }

    /// The académie's candidates file, streamed and checked line by line. By default nothing is
    /// imported when anything is wrong (422 with every error: line, column, reason); `?partiel=true`
    /// imports the valid lines and reports the others.
    func importerCandidats(_ input: Operations.ImporterCandidats.Input) async throws -> Operations.ImporterCandidats.Output {
        let academie = try gestionnaireAcademie()
        let session = try RequeteGeneree.session(input.path.annee)
        guard case .csv(let fichier) = input.body else { throw Problem.badRequest("CSV attendu / CSV expected") }
        var csv = CandidatsCSV(etablissements: try await repository.academiesParUAI(), academie: academie)
        let started = ContinuousClock.now
        for try await chunk in fichier { csv.feed(chunk) }
        csv.finish()
        if csv.errorCount > 0 && input.query.partiel != true {
            throw Problem.fichierRefuse(csv.errors, total: csv.errorCount)
        }
        let parsed = ContinuousClock.now
        let stored = try await repository.store(csv.lignes, session: session, academie: academie)
        try RequeteGeneree.courant().logger.info("candidates imported", metadata: [
            "lines": "\(csv.lignes.count)", "session": "\(session)",
            "readAndChecked": "\(parsed - started)", "stored": "\(ContinuousClock.now - parsed)",
        ])
        return .ok(.init(body: .json(.init(
            lignes: max(csv.lineNumber - 1, 0), candidats: stored.candidats, inscriptions: stored.inscriptions,
            encodage: .init(rawValue: csv.encoding), separateur: String(csv.separator ?? ";"),
            nombreErreurs: csv.errorCount, erreurs: csv.errors.map(Correspondance.vue)))))
    }

    /// A gestionnaire sees their académie's candidates only; national roles see all; a school sees its
    /// own pupils, for the exams whose assignment is delegated to it only.
    func listerCandidats(_ input: Operations.ListerCandidats.Input) async throws -> Operations.ListerCandidats.Output {
        let caller = try RequeteGeneree.moi()
        let session = try RequeteGeneree.session(input.path.annee)
        let q = input.query
        var academie: String?, uai = q.uai?.uppercased(), epreuve = q.epreuve
        switch caller.scope {
        case .academie(let code): academie = code
        case .etablissement(let own):
            let delegated = try await affectations.delegatedExams(session: session, uai: own)
            guard let asked = epreuve, delegated.contains(asked) else {
                throw Problem.forbidden("précisez une épreuve déléguée à l'établissement (\(delegated.sorted().joined(separator: ", "))) / a delegated exam")
            }
            uai = own
            epreuve = asked
        case .national: break
        }
        let page = q.page ?? 1, perPage = q.perPage ?? 100
        guard (1...100_000).contains(page), (1...1000).contains(perPage) else {
            throw Problem.validation([.init(field: "page", reason: "page ≥ 1, perPage 1…1000")])
        }
        let (items, total) = try await repository.candidats(session: session, academie: academie, uai: uai, epreuve: epreuve,
                                                            page: page, parPage: perPage)
        return .ok(.init(body: .json(.init(page: page, perPage: perPage, total: total, items: try items.map { try Pont.vue($0) }))))
    }

    func lireCandidat(_ input: Operations.LireCandidat.Input) async throws -> Operations.LireCandidat.Output {
        .ok(.init(body: .json(try await candidat(session: try RequeteGeneree.session(input.path.annee), numero: input.path.numero))))
    }

    /// The candidate as its reader may see it: a gestionnaire in their académie, national roles anywhere.
    private func candidat(session: Int, numero: String) async throws -> Components.Schemas.Candidat {
        var academie: String?
        if case .academie(let code) = try RequeteGeneree.moi().scope { academie = code }
        guard let found = try await repository.candidats(session: session, academie: academie, uai: nil, epreuve: nil,
                                                         numero: numero).items.first
        else { throw Problem.notFound("candidat") }
        return try Pont.vue(found)
    }

    /// Corrects a candidate with exactly the import's rules (the line is checked as a file line would be).
    func modifierCandidat(_ input: Operations.ModifierCandidat.Input) async throws -> Operations.ModifierCandidat.Output {
        let academie = try gestionnaireAcademie()
        let session = try RequeteGeneree.session(input.path.annee)
        let numero = input.path.numero
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        guard let current = try await repository.candidats(session: session, academie: academie, uai: nil, epreuve: nil,
                                                           numero: numero).items.first
        else { throw Problem.notFound("candidat") }
        func quoted(_ value: String?) -> String { "\"" + (value ?? "").replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let line = [numero, body.nom, body.prenoms, body.naissance, body.categorie.rawValue, body.uai, body.division,
                    body.filiere.rawValue, current.epreuves.first ?? ""].map(quoted).joined(separator: ";")
        var csv = CandidatsCSV(etablissements: try await repository.academiesParUAI(), academie: academie)
        csv.feed(Array((CandidatsCSV.columns.joined(separator: ";") + "\n" + line + "\n").utf8))
        csv.finish()
        guard csv.errorCount == 0, let ligne = csv.lignes.first else {
            throw Problem.validation(csv.errors.map { .init(field: $0.column, reason: $0.reason) })
        }
        if let wrong = current.epreuves.first(where: { EpreuvePratique(rawValue: $0)?.filiere != ligne.filiere }) {
            throw Problem.validation([.init(field: "filiere", reason: "inscrit en \(wrong), d'une autre filière / registered for \(wrong)")])
        }
        guard try await repository.update(ligne, session: session, academie: academie) else { throw Problem.notFound("candidat") }
        return .ok(.init(body: .json(try await candidat(session: session, numero: numero))))
    }

    /// Registers the candidate for the exam or sets the registration's status before the exam (the
    /// results come from the correction).
    func enregistrerInscription(_ input: Operations.EnregistrerInscription.Input) async throws
        -> Operations.EnregistrerInscription.Output {
        let academie = try gestionnaireAcademie()
        let session = try RequeteGeneree.session(input.path.annee)
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        guard EpreuvePratique(rawValue: input.path.epreuve) != nil else { throw Problem.notFound("inscription") }
        try Self.check(try await repository.setInscription(session: session, numero: input.path.numero, epreuve: input.path.epreuve,
                                                           statut: body.statut.rawValue, academie: academie))
        return .ok(.init(body: .json(try await candidat(session: session, numero: input.path.numero))))
    }

    func supprimerInscription(_ input: Operations.SupprimerInscription.Input) async throws -> Operations.SupprimerInscription.Output {
        let academie = try gestionnaireAcademie()
        try Self.check(try await repository.deleteInscription(session: try RequeteGeneree.session(input.path.annee),
                                                              numero: input.path.numero, epreuve: input.path.epreuve, academie: academie))
        return .noContent(.init())
    }

    private static func check(_ changement: ChangementInscription) throws {
        switch changement {
        case .fait: return
        case .inconnu: throw Problem.notFound("candidat ou inscription")
        case .refuse(let reason): throw Problem.conflict(.regle, reason)
        }
    }
}
