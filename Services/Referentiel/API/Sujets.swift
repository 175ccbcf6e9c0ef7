import Foundation
import Shared

/// Référentiel Sujet's API (`APIProtocol`, generated from openapi.yaml's `referentiel` operations): the DSII
/// builds subjects and barèmes, validates, publishes, withdraws. Only `dsii` writes; `dsii` and `admin`
/// read everything. A published subject's material list and, from its `visibleFrom`, its documents are
/// also read by the centre, the examiners and the coordinators (`LectureSujet`, Documents.swift).
struct ReferentielAPI: APIProtocol {
    let sujets: SujetRepository

    /// Who calls each operation and how large its body may be, checked before any body is read.
    static let gardes: [String: Garde] = [
        "lireUtilisateurReferentiel": .authentifie, "listerEpreuves": .authentifie,
        "listerSujets": Garde(.dsii, .admin), "lireSujet": Garde(.dsii, .admin),
        "creerSujet": Garde(.dsii), "modifierSujet": Garde(.dsii), "validerSujet": Garde(.dsii), "rouvrirSujet": Garde(.dsii),
        "publierSujet": Garde(.dsii, limite: 4096), "retirerSujet": Garde(.dsii),
        "enregistrerBareme": Garde(.dsii), "verifierBareme": Garde(.dsii),
        "deposerDocument": Garde(.dsii, limite: DocumentRule.maximumSize),
        // The role's finer rule and the subject's state are `LectureSujet`'s.
        "lireMateriel": .authentifie, "telechargerDocument": .authentifie,
    ]

    func lireUtilisateurReferentiel(_ input: Operations.LireUtilisateurReferentiel.Input) async throws
        -> Operations.LireUtilisateurReferentiel.Output {
        .ok(.init(body: .json(try Correspondance.vue(try RequeteGeneree.moi()))))
    }

    func listerEpreuves(_ input: Operations.ListerEpreuves.Input) async throws -> Operations.ListerEpreuves.Output {
        let epreuves = try await sujets.epreuves().values.sorted { $0.code < $1.code }
        return .ok(.init(body: .json(.init(items: epreuves.map(Correspondance.vue)))))
    }

    func listerSujets(_ input: Operations.ListerSujets.Input) async throws -> Operations.ListerSujets.Output {
        let q = input.query
        var errors: [Problem.FieldError] = []
        var filtres = FiltresSujets()
        filtres.epreuve = q.epreuve
        filtres.dominante = q.dominante
        filtres.session = q.session
        filtres.statut = q.statut.flatMap { StatutSujet(rawValue: $0.rawValue) }
        if let page = q.page {
            if (1...100_000).contains(page) { filtres.page = page } else { errors.append(.init(field: "page", reason: "≥ 1")) }
        }
        if let perPage = q.perPage {
            if (1...200).contains(perPage) { filtres.parPage = perPage } else { errors.append(.init(field: "perPage", reason: "1…200")) }
        }
        guard errors.isEmpty else { throw Problem.validation(errors) }
        let (items, total) = try await sujets.list(filtres)
        return .ok(.init(body: .json(.init(items: items.map(Correspondance.vue), page: filtres.page, perPage: filtres.parPage,
                                           total: total))))
    }

    func creerSujet(_ input: Operations.CreerSujet.Input) async throws -> Operations.CreerSujet.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        let sujet = try await checked(Correspondance.lu(body))
        guard let id = try await sujets.create(sujet) else {
            throw Problem.conflict(.doublon, "un sujet de ce code existe déjà pour cette épreuve et cette session / duplicate code")
        }
        return .created(.init(headers: .init(location: "/api/referentiel/sujets/\(id.uuidString.lowercased())"),
                              body: .json(Correspondance.vue(try await found(id)))))
    }

    func lireSujet(_ input: Operations.LireSujet.Input) async throws -> Operations.LireSujet.Output {
        .ok(.init(body: .json(Correspondance.vue(try await found(try Correspondance.sujet(input.path.id))))))
    }

    func modifierSujet(_ input: Operations.ModifierSujet.Input) async throws -> Operations.ModifierSujet.Output {
        let id = try Correspondance.sujet(input.path.id)
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        try await sujets.update(id, try await checked(Correspondance.lu(body)))
        return .ok(.init(body: .json(Correspondance.vue(try await found(id)))))
    }

    func validerSujet(_ input: Operations.ValiderSujet.Input) async throws -> Operations.ValiderSujet.Output {
        let id = try Correspondance.sujet(input.path.id)
        let problems = try await sujets.validate(id)
        guard problems.isEmpty else { throw Problem.validation(problems) }
        return .ok(.init(body: .json(Correspondance.vue(try await found(id)))))
    }

    func rouvrirSujet(_ input: Operations.RouvrirSujet.Input) async throws -> Operations.RouvrirSujet.Output {
        let id = try Correspondance.sujet(input.path.id)
        try await sujets.reopen(id)
        return .ok(.init(body: .json(Correspondance.vue(try await found(id)))))
    }

    func publierSujet(_ input: Operations.PublierSujet.Input) async throws -> Operations.PublierSujet.Output {
        let id = try Correspondance.sujet(input.path.id)
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        try await sujets.publish(id, visibleFrom: body.visibleFrom, correlationId: try RequeteGeneree.courant().correlationId)
        return .ok(.init(body: .json(Correspondance.vue(try await found(id)))))
    }

    func retirerSujet(_ input: Operations.RetirerSujet.Input) async throws -> Operations.RetirerSujet.Output {
        let id = try Correspondance.sujet(input.path.id)
        try await sujets.withdraw(id, correlationId: try RequeteGeneree.courant().correlationId)
        return .ok(.init(body: .json(Correspondance.vue(try await found(id)))))
    }

    // MARK: helpers

    private func checked(_ input: SujetInput) async throws -> SujetInput {
        let violations = input.violations(epreuves: try await sujets.epreuves())
        guard violations.isEmpty else { throw Problem.validation(violations) }
        return input
    }

    func found(_ id: UUID, withBaremes: Bool = true) async throws -> SujetView {
        guard let view = try await sujets.find(id, withBaremes: withBaremes) else { throw Problem.notFound("sujet \(id)") }
        return view
    }
}
