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
        var demande = try Correspondance.lu(body)
        var errors: [Problem.FieldError] = []
        let person = demande.intervenant
        if !(1...128).contains(person.login.count)
            || !person.login.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-_@".contains($0)) }) {
            errors.append(.init(field: "intervenant.login", reason: "1 à 128 lettres, chiffres, . - _ @"))
        }
        if !CandidatsCSV.isName(person.nom) { errors.append(.init(field: "intervenant.nom", reason: "nom invalide / invalid name")) }
        if !CandidatsCSV.isName(person.prenom) { errors.append(.init(field: "intervenant.prenom", reason: "prénom invalide / invalid")) }
        if let email = person.email, email.count > 200 || !email.contains("@") {
            errors.append(.init(field: "intervenant.email", reason: "adresse invalide / invalid address"))
        }
        if let uai = person.uai, !UAI.isValid(uai) { errors.append(.init(field: "intervenant.uai", reason: "UAI invalide")) }
        if let discipline = person.discipline, discipline.isEmpty || discipline.count > 100 {
            errors.append(.init(field: "intervenant.discipline", reason: "1 à 100 caractères / 1 to 100 characters"))
        }
        if let divisions = person.divisions, divisions.count > 50 || divisions.contains(where: { $0.isEmpty || $0.count > 20 }) {
            errors.append(.init(field: "intervenant.divisions", reason: "50 divisions de 1 à 20 caractères au plus / at most 50"))
        }
        if EpreuvePratique(rawValue: demande.epreuve) == nil {
            errors.append(.init(field: "epreuve", reason: EpreuvePratique.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        guard errors.isEmpty else { throw Problem.validation(errors) }

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
            guard let (centreAcademie, accueille) = try await designations.centre(centre, epreuve: demande.epreuve) else {
                throw Problem.validation([.init(field: "centre", reason: "\(centre) n'est pas un centre d'épreuve / not a centre")])
            }
            guard accueille else {
                throw Problem.validation([.init(field: "centre", reason: "le centre n'accueille pas \(demande.epreuve) / does not host")])
            }
            switch scope {
            case .academie(let code):
                guard code == centreAcademie else { throw Problem.forbidden("centre d'une autre académie / another académie") }
            case .etablissement(let uai):
                guard demande.intervenant.uai == nil || demande.intervenant.uai?.uppercased() == uai else {
                    throw Problem.forbidden("un établissement désigne ses propres enseignants / own teachers only")
                }
                demande.intervenant.uai = uai
                ecole = uai
                guard try await designations.academie(ofSchool: uai) == centreAcademie else {
                    throw Problem.forbidden("centre d'une autre académie / another académie")
                }
            case .national:
                throw Problem.forbidden("portée nationale / national scope")
            }
            demande.centre = centre
            academie = centreAcademie
        }
        let groupe = GroupeDesignation(session: session, academie: academie, epreuve: demande.epreuve,
                                                  role: demande.role, centre: demande.centre)
        let id = try await designations.designate(demande, groupe: groupe, autorite: .init(academie: academie, uai: ecole),
                                                  by: caller.userId, correlationId: try RequeteGeneree.courant().correlationId)
        return .created(.init(body: .json(.init(id: id.uuidString))))
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
