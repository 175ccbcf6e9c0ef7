import Foundation
import OpenAPIRuntime
import Shared

/// The export of examiners and coordinators to Imag'In: a school designates its own teachers as
/// examiners, the académie's gestionnaire designates examiners and, alone, the coordinators.
extension InscriptionsAPI {
    func listerDesignations(_ input: Operations.ListerDesignations.Input) async throws -> Operations.ListerDesignations.Output {
        var academie: String?, uai: String?
        switch try RequeteGeneree.moi().scope {
        case .academie(let code): academie = code
        case .etablissement(let own): uai = own
        case .national: throw Problem.forbidden("portée nationale / national scope")
        }
        let items = try await designations.list(session: try RequeteGeneree.session(input.path.annee), academie: academie, uai: uai,
                                                epreuve: input.query.epreuve)
        return .ok(.init(body: .json(.init(items: try items.map { try Pont.vue($0) }))))
    }

    /// A school designates its teachers as examiners at a centre d'épreuve of its académie hosting the
    /// exam; the gestionnaire designates examiners there too, and alone the académie's coordinators.
    func creerDesignation(_ input: Operations.CreerDesignation.Input) async throws -> Operations.CreerDesignation.Output {
        let caller = try RequeteGeneree.moi()
        let session = try RequeteGeneree.session(input.path.annee)
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        let demande = try Correspondance.lu(body)
        let errors = demande.erreurs
        guard errors.isEmpty else { throw Problem.validation(errors) }
        let designation = try await designer(demande, caller: caller, session: session, perimetres: try await perimetres([demande], caller))
        let id = try await designations.designate([designation], session: session, by: caller.userId,
                                                  correlationId: try RequeteGeneree.courant().correlationId)[0]
        return .created(.init(body: .json(.init(id: id.uuidString))))
    }

    /// A whole list at once (`DesignationsCSV`), each line checked as `creerDesignation` checks one:
    /// all of it or nothing (422 naming each line's errors), each group exported once.
    func importerDesignations(_ input: Operations.ImporterDesignations.Input) async throws -> Operations.ImporterDesignations.Output {
        let caller = try RequeteGeneree.moi()
        let session = try RequeteGeneree.session(input.path.annee)
        guard case .csv(let fichier) = input.body else { throw Problem.badRequest("CSV attendu / CSV expected") }
        var csv = DesignationsCSV()
        for try await chunk in fichier { csv.feed(chunk) }
        csv.finish()
        var lignes: [Designer] = []
        let perimetres = try await perimetres(csv.demandes.map(\.demande), caller)
        for (ligne, demande) in csv.demandes {
            do {
                var designation = try await designer(demande, caller: caller, session: session, perimetres: perimetres)
                designation.ligne = ligne
                lignes.append(designation)
            } catch let problem as Problem {
                csv.refuse(ligne, problem)
            }
        }
        guard csv.errorCount == 0 else { throw Problem.fichierRefuse(csv.errors, total: csv.errorCount) }
        if !lignes.isEmpty {
            _ = try await designations.designate(lignes, session: session, by: caller.userId,
                                                 correlationId: try RequeteGeneree.courant().correlationId)
        }
        try RequeteGeneree.courant().logger.notice("designations imported", metadata: [
            "lines": "\(lignes.count)", "session": "\(session)", "by": "\(caller.scope.description)",
        ])
        return .ok(.init(body: .json(.init(lignes: max(csv.lineNumber - 1, 0), designations: lignes.count,
                                           encodage: csv.encoding == "UTF-8" ? .utf8 : .windows1252, separateur: String(csv.separator ?? ";")))))
    }

    /// The centres and schools the requests name, and the caller's own school, read at once.
    private func perimetres(_ demandes: [DemandeDesignation], _ caller: Identity) async throws -> DesignationRepository.Perimetres {
        var ecoles = Set(demandes.compactMap { $0.intervenant.uai?.uppercased() })
        if case .etablissement(let own) = caller.scope { ecoles.insert(own) }
        return try await designations.perimetres(centres: Set(demandes.compactMap { $0.centre?.uppercased() }), ecoles: ecoles)
    }

    /// What the caller may designate, with its group and the authority recorded, for a request whose
    /// own errors (`DemandeDesignation.erreurs`) were refused already: its perimeter — the centre's
    /// académie (403) before what it hosts (422), so another académie's centres are not told apart;
    /// the person's school (403, or 422 when unknown).
    private func designer(_ demande: DemandeDesignation, caller: Identity, session: Int,
                          perimetres: DesignationRepository.Perimetres) async throws -> Designer {
        var demande = demande
        let academie: String
        var ecole: String?
        switch (demande.role, caller.scope) {
        case (.coordinateur, .academie(let code)):
            guard demande.centre == nil else {
                throw Problem.validation([.init(field: "centre", reason: "un coordinateur est désigné pour l'académie / no centre")])
            }
            academie = code
        case (.coordinateur, _):
            throw Problem.forbidden("les coordinateurs sont désignés par le gestionnaire / coordinators are the gestionnaire's")
        case (.examinateur, let scope):
            guard let centre = demande.centre?.uppercased() else {
                throw Problem.validation([.init(field: "centre", reason: "centre d'épreuve requis / centre required")])
            }
            guard let (centreAcademie, epreuves) = perimetres.centres[centre] else {
                throw Problem.validation([.init(field: "centre", reason: "\(centre) n'est pas un centre d'épreuve / not a centre")])
            }
            switch scope {
            case .academie(let code):
                guard code == centreAcademie else { throw Problem.forbidden("centre d'une autre académie / another académie") }
            case .etablissement(let uai):
                guard perimetres.ecoles[uai] == centreAcademie else { throw Problem.forbidden("centre d'une autre académie / another académie") }
                guard demande.intervenant.uai == nil || demande.intervenant.uai?.uppercased() == uai else {
                    throw Problem.forbidden("un établissement désigne ses propres enseignants / own teachers only")
                }
                demande.intervenant.uai = uai
                ecole = uai
            case .national:
                throw Problem.forbidden("portée nationale / national scope")
            }
            guard epreuves.contains(demande.epreuve) else {
                throw Problem.validation([.init(field: "centre", reason: "le centre n'accueille pas \(demande.epreuve) / does not host")])
            }
            demande.centre = centre
            academie = centreAcademie
        }
        // The gestionnaire names the person's school, which then sees them in Imag'In: one of its académie's.
        if case .academie = caller.scope, let uai = demande.intervenant.uai?.uppercased() {
            switch perimetres.ecoles[uai] {
            case academie?: demande.intervenant.uai = uai
            case nil:
                throw Problem.validation([.init(field: "intervenant.uai", reason: "\(uai) n'est pas un établissement connu / unknown school")])
            case _?: throw Problem.forbidden("établissement d'une autre académie / another académie's school")
            }
        }
        let groupe = GroupeDesignation(session: session, academie: academie, epreuve: demande.epreuve, role: demande.role,
                                       centre: demande.centre)
        return Designer(demande: demande, groupe: groupe, autorite: .init(academie: academie, uai: ecole))
    }

    func supprimerDesignation(_ input: Operations.SupprimerDesignation.Input) async throws -> Operations.SupprimerDesignation.Output {
        let caller = try RequeteGeneree.moi()
        guard let id = UUID(uuidString: input.path.id) else { throw Problem.notFound("désignation") }
        let removed = try await designations.remove(id, session: try RequeteGeneree.session(input.path.annee), visible: { groupe, uai, designePar in
            switch caller.scope {
            case .academie(let code): groupe.academie == code
            // Its own teacher, designated by itself: never what the académie designated (issue 18).
            case .etablissement(let own): groupe.role == .examinateur && uai == own && designePar == own
            case .national: false
            }
        }, correlationId: try RequeteGeneree.courant().correlationId)
        guard removed else { throw Problem.notFound("désignation") }
        return .noContent(.init())
    }
}
