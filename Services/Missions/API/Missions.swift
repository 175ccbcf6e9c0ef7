import Foundation
import Shared

/// Imag'In's API (`APIProtocol`, generated from openapi.yaml's `missions` operations): the regulation,
/// the session's opening, the missions and "my missions". Each operation's role is checked before any
/// body is read (`gardes`); its scope here, where the data lives. Convocations and services faits are
/// in their own files.
struct MissionsAPI: APIProtocol {
    let repository: MissionRepository

    /// Who calls each operation and how large its body may be, checked before any body is read.
    static let gardes: [String: Garde] = [
        "lireUtilisateurMissions": .authentifie,
        "lireReglementation": Garde(.gestionnaire, .dsii, .etablissement),
        "actualiserReglementation": Garde(.gestionnaire, .dsii, limite: 1_000_000, corpsFacultatif: true),
        "lireParametres": Garde(.gestionnaire), "enregistrerParametres": Garde(.gestionnaire), "ouvrirMissions": Garde(.gestionnaire),
        "listerMissions": Garde(.gestionnaire, .etablissement),
        "convoquer": Garde(.gestionnaire, .etablissement), "convoquerTout": Garde(.gestionnaire, .etablissement),
        "listerConvocations": Garde(.gestionnaire, .etablissement),
        "annulerConvocation": Garde(.gestionnaire, .etablissement),
        // Its issuers and the convoked person (`lisible`, Convocations.swift).
        "lireConvocation": .authentifie, "imprimerConvocation": .authentifie, "imprimerConvocationPDF": .authentifie,
        "listerMesMissions": Garde(.examinateur, .coordinateur),
        "listerServicesFaits": Garde(.gestionnaire), "exporterServicesFaits": Garde(.gestionnaire),
    ]

    func lireUtilisateurMissions(_ input: Operations.LireUtilisateurMissions.Input) async throws -> Operations.LireUtilisateurMissions.Output {
        .ok(.init(body: .json(try Pont.vue(ServiceRuntime.WhoAmI(try RequeteGeneree.moi())))))
    }

    // MARK: regulation

    func lireReglementation(_ input: Operations.LireReglementation.Input) async throws -> Operations.LireReglementation.Output {
        let session = try RequeteGeneree.session(input.path.annee)
        guard let found = try await repository.reglementation(session: session, version: input.query.version) else {
            throw Problem.notFound("aucune réglementation chargée pour la session / no regulation loaded")
        }
        return .ok(.init(body: .json(try Pont.vue(found))))
    }

    /// "Rafraîchir la réglementation": the DSII loads the national regulation (the built-in one
    /// without a body, or the one sent); a gestionnaire's refresh reloads what the DSII loaded last
    /// (the built-in one when nothing was), so it can never replace the DSII's choice. A new version
    /// only when the content changed.
    func actualiserReglementation(_ input: Operations.ActualiserReglementation.Input) async throws
        -> Operations.ActualiserReglementation.Output {
        let caller = try RequeteGeneree.moi()
        let session = try RequeteGeneree.session(input.path.annee)
        var reglementation = Reglementation.nationale
        if caller.role == .gestionnaire, let current = try await repository.reglementation(session: session) {
            reglementation = current.reglementation
        }
        if case .json(let sent)? = input.body {
            guard caller.role == .dsii else {
                throw Problem.forbidden("seule la DSII charge une autre réglementation / only the DSII loads another regulation")
            }
            reglementation = try Correspondance.lu(sent)
        }
        let errors = reglementation.validate()
        guard errors.isEmpty else { throw Problem.validation(errors) }
        let (version, nouvelle) = try await repository.refresh(session: session, reglementation, by: caller.userId)
        return .ok(.init(body: .json(.init(version: version, nouvelleVersion: nouvelle))))
    }

    // MARK: session parameters and opening

    func lireParametres(_ input: Operations.LireParametres.Input) async throws -> Operations.LireParametres.Output {
        let academie = try gestionnaire()
        guard let p = try await repository.parametres(session: try RequeteGeneree.session(input.path.annee), academie: academie) else {
            throw Problem.notFound("paramètres de session non définis / session parameters not set")
        }
        return .ok(.init(body: .json(Correspondance.vue(p))))
    }

    /// The dates and observations of the académie's ECE missions, and the mission types used; the
    /// types must exist in the session's regulation, be of the right kind and agree with their pay type.
    func enregistrerParametres(_ input: Operations.EnregistrerParametres.Input) async throws -> Operations.EnregistrerParametres.Output {
        let academie = try gestionnaire()
        let session = try RequeteGeneree.session(input.path.annee)
        guard case .json(let saisis) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        guard let current = try await repository.reglementation(session: session) else {
            throw Problem.conflict(.prealable, "rafraîchir d'abord la réglementation de la session / refresh the regulation first")
        }
        let regles = current.reglementation
        var errors: [Problem.FieldError] = []
        let debut = Jour(saisis.dateDebut), fin = Jour(saisis.dateFin)
        if debut == nil { errors.append(.init(field: "dateDebut", reason: "date AAAA-MM-JJ / YYYY-MM-DD date")) }
        if fin == nil { errors.append(.init(field: "dateFin", reason: "date AAAA-MM-JJ / YYYY-MM-DD date")) }
        if let debut, let fin {
            if fin < debut { errors.append(.init(field: "dateFin", reason: "avant la date de début / before the start date")) }
            if !(session - 1...session).contains(debut.year) || !(session - 1...session).contains(fin.year) {
                errors.append(.init(field: "dateDebut", reason: "hors de l'année scolaire de la session / outside the session's school year"))
            }
        }
        if (saisis.observations ?? "").count > 2000 {
            errors.append(.init(field: "observations", reason: "2 000 caractères au plus / at most 2,000 characters"))
        }
        var types: [MissionKind: String] = [:]
        for (kind, field, code) in [(MissionKind.examinateur, "typeMissionExaminateur", saisis.typeMissionExaminateur),
                                    (.coordinateur, "typeMissionCoordinateur", saisis.typeMissionCoordinateur)] {
            guard let type = code.map(regles.typeMission) ?? regles.defaut(kind) else {
                errors.append(.init(field: field, reason: "type de mission inconnu de la réglementation v\(current.version) / unknown"))
                continue
            }
            if type.kind != kind {
                errors.append(.init(field: field, reason: "\(type.code) est une mission \(type.kind.rawValue), pas \(kind.rawValue)"))
            } else if let reason = regles.disagreement(type) {
                errors.append(.init(field: field, reason: reason))
            }
            types[kind] = type.code
        }
        guard errors.isEmpty, let debut, let fin, let examinateur = types[.examinateur], let coordinateur = types[.coordinateur] else {
            throw Problem.validation(errors)
        }
        let p = ParametresSession(
            session: session, academie: academie, dateDebut: debut.iso, dateFin: fin.iso, observations: saisis.observations ?? "",
            typeMissionExaminateur: examinateur, typeMissionCoordinateur: coordinateur,
            reglementationVersion: current.version, ouverteLe: nil, rafraichieLe: nil)
        try await repository.setParametres(p)
        return .ok(.init(body: .json(Correspondance.vue(try await repository.parametres(session: session, academie: academie) ?? p))))
    }

    /// Opens (or refreshes) the session for the académie: the mission import. Idempotent.
    func ouvrirMissions(_ input: Operations.OuvrirMissions.Input) async throws -> Operations.OuvrirMissions.Output {
        let academie = try gestionnaire()
        let session = try RequeteGeneree.session(input.path.annee)
        guard let p = try await repository.parametres(session: session, academie: academie) else {
            throw Problem.conflict(.prealable, "définir d'abord les dates et observations des missions / set the session parameters first")
        }
        let o = try await repository.open(session: session, academie: academie, parametres: p,
                                          correlationId: try RequeteGeneree.courant().correlationId)
        return .ok(.init(body: .json(.init(creees: o.creees, reactivees: o.reactivees, retirees: o.retirees, actives: o.actives))))
    }

    // MARK: missions

    /// The gestionnaire sees the académie's missions; a school the examiner missions at its centre or
    /// open to its teachers.
    func listerMissions(_ input: Operations.ListerMissions.Input) async throws -> Operations.ListerMissions.Output {
        let caller = try RequeteGeneree.moi()
        let session = try RequeteGeneree.session(input.path.annee)
        let kind = input.query.kind.flatMap { MissionKind(rawValue: $0.rawValue) }
        if case .etablissement = caller.scope, kind == .coordinateur { return .ok(.init(body: .json(.init(items: [])))) }
        let filtre = try FiltreMissions(caller, epreuve: input.query.epreuve, centre: input.query.centre, kind: kind)
        // Each person with what the caller may do: the page offers only what the write routes accept.
        let items = try await repository.missions(session: session, filtre).map { detail in
            var detail = detail
            for i in detail.intervenants.indices {
                let p = detail.intervenants[i]
                detail.intervenants[i].convocable = Perimetre.convocable(caller, p, to: detail.mission)
                detail.intervenants[i].convocableEnBloc = Perimetre.convocableEnBloc(caller, p, to: detail.mission)
                detail.intervenants[i].lisible = p.convocationId != nil && Perimetre.mayConvoke(caller, mission: detail.mission, uai: p.uai)
                detail.intervenants[i].annulable = p.convocationId != nil && p.convoquePar.map {
                    Perimetre.refusAnnulation(caller, mission: detail.mission, uai: p.uai, autorite: $0) == nil } == true
            }
            return detail
        }
        return .ok(.init(body: .json(.init(items: try items.map { try Pont.vue($0) }))))
    }

    /// "Mes missions": what the caller is convoked to, and the way into Santorin for each.
    func listerMesMissions(_ input: Operations.ListerMesMissions.Input) async throws -> Operations.ListerMesMissions.Output {
        let caller = try RequeteGeneree.moi()
        let items = try await repository.convocations(login: caller.login, statut: "emise").map { c, _ in
            let m = c.mission
            let path = m.centre.map { "/api/correction/sessions/\(m.session)/epreuves/\(m.epreuve)/centres/\($0)" }
                ?? "/api/correction/sessions/\(m.session)/suivi?epreuve=\(m.epreuve)"
            return Components.Schemas.MaMission(convocationId: c.id.uuidString, mission: try Pont.vue(m), correction: path)
        }
        return .ok(.init(body: .json(.init(items: items))))
    }

    // MARK: scope

    /// The académie of the gestionnaire calling.
    func gestionnaire() throws -> String {
        guard case .academie(let code) = try RequeteGeneree.moi().scope else {
            throw Problem.forbidden("portée académique requise / académie scope")
        }
        return code
    }
}

extension FiltreMissions {
    /// The missions within the caller's scope: a gestionnaire its académie's, a school the examiner
    /// missions at its centre or open to its teachers.
    init(_ caller: Identity, epreuve: String?, centre: String?, kind: MissionKind? = nil) throws {
        self.init(epreuve: epreuve, centre: centre, kind: kind)
        switch caller.scope {
        case .academie(let code): academie = code
        case .etablissement(let own): uai = own; self.kind = .examinateur
        case .national: throw Problem.forbidden("portée nationale / national scope")
        }
    }
}

/// A calendar date given as YYYY-MM-DD (checked: no 2027-02-30).
struct Jour: Comparable {
    var year: Int, month: Int, day: Int
    var iso: String { String(format: "%04d-%02d-%02d", year, month, day) }
    static func < (a: Jour, b: Jour) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        var components = DateComponents(calendar: Calendar(identifier: .gregorian), year: y, month: m, day: d)
        components.timeZone = TimeZone(identifier: "UTC")
        guard components.isValidDate else { return nil }
        (year, month, day) = (y, m, d)
    }
}
