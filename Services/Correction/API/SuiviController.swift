import Foundation
import Hummingbird
import Shared

/// `/api/correction/…`: following the correction, the statistics, and the messaging between
/// examiners, référents and coordinators — each within the caller's perimeter.
struct SuiviController: Sendable {
    let commissions: CommissionRepository
    let suivi: SuiviRepository
    let messagerie: MessagerieRepository

    func addRoutes(to group: RouterGroup<ECERequestContext>) {
        group.get("sessions/:annee/suivi", use: avancement)
        group.get("sessions/:annee/epreuves/:epreuve/statistiques", use: statistiques)
        group.get("sessions/:annee/epreuves/:epreuve/statistiques/examinateurs", use: statistiquesExaminateurs)
        group.get("sessions/:annee/mes-statistiques", use: mesStatistiques)
        group.get("sessions/:annee/candidats.csv", use: candidatsCSV)
        group.get("sessions/:annee/fils", use: fils)
        group.post("sessions/:annee/fils", use: ouvrir)
        group.get("fils/:id/messages", use: messages)
        group.post("fils/:id/messages", use: poster)
    }

    // MARK: follow-up and statistics

    /// The caller's perimeter: a centre (centre, référent), an académie (gestionnaire; a coordinator
    /// for the exams they coordinate), the country (DSII, admin).
    private func perimetre(_ caller: Identity, session: Int) async throws -> SuiviRepository.Perimetre {
        switch (caller.role, caller.scope) {
        case (.dsii, .national), (.admin, .national): return .init()
        case (.gestionnaire, .academie(let code)): return .init(academie: code)
        case (.coordinateur, .academie(let code)):
            return .init(academie: code, epreuves: try await commissions.coordinations(login: caller.login, session: session, academie: code))
        case (.centre, .etablissement(let uai)), (.referent, .etablissement(let uai)): return .init(centre: uai)
        default: throw Problem.forbidden("rôle \(caller.role.rawValue) non autorisé / role not allowed")
        }
    }

    struct Avancement: ResponseEncodable {
        var items: [SuiviRepository.Avancement]
        var total: Totaux
        struct Totaux: Codable {
            var candidats = 0, nonDistribues = 0, aNoter = 0, brouillons = 0, notees = 0, absents = 0, lots = 0, lotsVerrouilles = 0
        }
    }

    /// Progress per commission, and the total: a centre sees itself, an académie its centres, the DSII all.
    @Sendable func avancement(_ request: Request, context: ECERequestContext) async throws -> Avancement {
        let caller = try context.authenticated()
        let session = try context.session()
        var perimetre = try await perimetre(caller, session: session)
        // Nationally, one line per académie and exam unless an académie is asked for.
        if perimetre.academie == nil, perimetre.centre == nil, let academie = request.uri.queryParameters["academie"] {
            perimetre.academie = String(academie)
        }
        let items = try await suivi.avancement(session: session, epreuve: request.uri.queryParameters["epreuve"].map(String.init),
                                               perimetre, parAcademie: perimetre.academie == nil && perimetre.centre == nil)
        var total = Avancement.Totaux()
        for i in items {
            total.candidats += i.candidats; total.nonDistribues += i.nonDistribues; total.aNoter += i.aNoter
            total.brouillons += i.brouillons; total.notees += i.notees; total.absents += i.absents
            total.lots += i.lots; total.lotsVerrouilles += i.lotsVerrouilles
        }
        return Avancement(items: items, total: total)
    }

    /// An exam's statistics in the caller's perimeter, narrowed by `academie` or `centre` if asked.
    @Sendable func statistiques(_ request: Request, context: ECERequestContext) async throws -> SuiviRepository.Statistiques {
        let caller = try context.authenticated()
        let session = try context.session()
        guard let epreuve = context.parameters.get("epreuve"), EpreuvePratique(rawValue: epreuve) != nil else {
            throw Problem.notFound("épreuve")
        }
        var perimetre = try await perimetre(caller, session: session)
        if let epreuves = perimetre.epreuves, !epreuves.contains(epreuve) {
            throw Problem.forbidden("épreuve non coordonnée / exam you do not coordinate")
        }
        let q = request.uri.queryParameters
        if let academie = q["academie"].map(String.init) {
            guard perimetre.academie == nil || perimetre.academie == academie, perimetre.centre == nil else {
                throw Problem.forbidden("académie hors de votre périmètre / outside your scope")
            }
            perimetre.academie = academie
        }
        if let centre = q["centre"].map(String.init) {
            guard perimetre.centre == nil || perimetre.centre == centre else {
                throw Problem.forbidden("centre hors de votre périmètre / outside your scope")
            }
            perimetre.centre = centre
        }
        return try await suivi.statistiques(session: session, epreuve: epreuve, perimetre)
    }

    struct Reference: Codable {
        /// The examiner's (lot's) sheets whose subject others graded too.
        var copies: Int
        /// Out of 20: the others' mean on the same subjects, weighted as the examiner's sheets are.
        var moyenne: Double?
        /// Examiner's mean minus that reference, on those sheets.
        var ecart: Double?
    }

    /// One examiner's or lot's figures against the other sheets of the same subjects.
    struct Mesure: Codable {
        var effectif: Int
        var moyenne: Double?
        var ecartType: Double?
        /// Per criterion, how many sheets got each level.
        var niveaux: [String: [String: Int]]
        var academie: Reference
        var national: Reference
        /// The standardised gap to the national reference (see `Severite`), from the minimum sample.
        var z: Double?
        var indicateur: Severite

        init(_ a: SuiviRepository.Agregat) {
            let moyenne = a.effectif > 0 ? a.somme / Double(a.effectif) : nil
            func reference(_ c: SuiviRepository.Comparaison) -> Reference {
                guard c.comparees > 0 else { return Reference(copies: 0) }
                return Reference(copies: c.comparees, moyenne: c.reference / Double(c.comparees) / 2, ecart: c.ecart / Double(c.comparees) / 2)
            }
            let z = Severite.z(comparees: a.national.comparees, ecart: a.national.ecart, variance: a.national.variance)
            self.init(effectif: a.effectif, moyenne: moyenne.map { $0 / 2 },
                      ecartType: moyenne.map { (max(a.carres / Double(a.effectif) - $0 * $0, 0)).squareRoot() / 2 },
                      niveaux: a.niveaux, academie: reference(a.academie), national: reference(a.national), z: z, indicateur: Severite(z: z))
        }

        init(effectif: Int, moyenne: Double?, ecartType: Double?, niveaux: [String: [String: Int]], academie: Reference,
             national: Reference, z: Double?, indicateur: Severite) {
            (self.effectif, self.moyenne, self.ecartType, self.niveaux) = (effectif, moyenne, ecartType, niveaux)
            (self.academie, self.national, self.z, self.indicateur) = (academie, national, z, indicateur)
        }
    }

    struct Ligne: Codable {
        /// The examiner (intervenant) or the lot.
        var id: UUID
        var nom: String
        /// The lot's centre.
        var centre: String?
        var mesure: Mesure
    }

    struct StatistiquesExaminateurs: ResponseEncodable {
        var epreuve: String
        var methode = Severite.methode
        var effectifMinimum = Severite.effectifMinimum
        var seuil = Severite.seuil
        var examinateurs: [Ligne]
        var lots: [Ligne]
    }

    /// Harmonisation's first step: per examiner and per lot of the caller's perimeter on one exam,
    /// named (the coordinator must know whom to look at), against the same subjects' other sheets.
    @Sendable func statistiquesExaminateurs(_ request: Request, context: ECERequestContext) async throws -> StatistiquesExaminateurs {
        let caller = try context.authenticated()
        let session = try context.session()
        guard let epreuve = context.parameters.get("epreuve"), EpreuvePratique(rawValue: epreuve) != nil else {
            throw Problem.notFound("épreuve")
        }
        let perimetre = try await perimetre(caller, session: session)
        if let epreuves = perimetre.epreuves, !epreuves.contains(epreuve) {
            throw Problem.forbidden("épreuve non coordonnée / exam you do not coordinate")
        }
        let (examinateurs, lots) = try await suivi.examinateurs(session: session, epreuve: epreuve, perimetre)
        return StatistiquesExaminateurs(
            epreuve: epreuve,
            examinateurs: examinateurs.map { Ligne(id: $0.id, nom: $0.nom, mesure: Mesure($0)) },
            lots: lots.map { Ligne(id: $0.id, nom: $0.nom, centre: $0.centre, mesure: Mesure($0)) })
    }

    /// The candidates published to the centres, each with its centre and half-day slot (empty until
    /// the centre places them), as a file (`CSV`): the caller's perimeter, an exam if asked.
    @Sendable func candidatsCSV(_ request: Request, context: ECERequestContext) async throws -> Response {
        let caller = try context.authenticated()
        let session = try context.session()
        let perimetre = try await perimetre(caller, session: session)
        let epreuve = try request.uri.queryParameters["epreuve"].map { code in
            guard let epreuve = EpreuvePratique(rawValue: String(code)) else { throw Problem.badRequest("épreuve inconnue / unknown exam") }
            return epreuve.rawValue
        }
        let lignes = try await suivi.candidats(session: session, epreuve: epreuve, perimetre)
        return CSV.response(colonnes: ["numero", "nom", "prenoms", "etablissement_origine", "epreuve", "centre", "jour", "demi_journee"],
                            lignes: lignes, fichier: "candidats-\(session)\(epreuve.map { "-" + $0 } ?? "").csv")
    }

    struct MesStatistiques: ResponseEncodable {
        var epreuves: [String: SuiviRepository.Serie]
        /// Per exam, the examiner's figures against the others' ANONYMOUS mean on the same subjects:
        /// no other examiner's name, id or lot.
        var comparaisons: [String: Mesure]
        /// Per exam, why a reference is withheld (fewer than `autresMinimum` other examiners behind it).
        var masquees: [String: String] = [:]
        var methode = Severite.methode
        var autresMinimum = MesStatistiques.autresMinimum

        /// With one colleague on the same subjects, "the others' mean" is that colleague's marks: a
        /// reference is shown over two other examiners at least.
        static let autresMinimum = 2
    }

    /// An examiner's own: how many graded, their mean and distribution, per exam, and how they stand.
    @Sendable func mesStatistiques(_ request: Request, context: ECERequestContext) async throws -> MesStatistiques {
        let caller = try context.require(.examinateur)
        let session = try context.session()
        let ids = try await commissions.intervenants(login: caller.login)
        let epreuves = try await suivi.examinateur(ids, session: session)
        var comparaisons: [String: Mesure] = [:], masquees: [String: String] = [:]
        let minimum = MesStatistiques.autresMinimum
        for epreuve in epreuves.keys {
            guard var mien = try await suivi.examinateurs(session: session, epreuve: epreuve, .init(), seulement: ids).examinateurs.first
            else { continue }
            let autres = try await suivi.autresExaminateurs(session: session, epreuve: epreuve, ids)
            if autres.academie < minimum {
                mien.academie = .init(comparees: 0, reference: 0, ecart: 0, variance: 0)
            }
            if autres.national < minimum {
                // z and the indicator would tell about the colleague as much as their mean.
                mien.national = .init(comparees: 0, reference: 0, ecart: 0, variance: 0)
                masquees[epreuve] = "Moins de \(minimum) autres examinateurs ont noté les mêmes sujets : leur moyenne "
                    + "désignerait un collègue, elle n'est donc pas montrée."
            } else if autres.academie < minimum {
                masquees[epreuve] = "Moins de \(minimum) autres examinateurs ont noté les mêmes sujets dans votre académie : "
                    + "seule la moyenne nationale est montrée."
            }
            comparaisons[epreuve] = Mesure(mien)
        }
        return MesStatistiques(epreuves: epreuves, comparaisons: comparaisons, masquees: masquees)
    }

    // MARK: messaging

    struct Fils: ResponseEncodable { var items: [MessagerieRepository.Fil] }

    @Sendable func fils(_ request: Request, context: ECERequestContext) async throws -> Fils {
        let caller = try context.require(.examinateur, .referent, .centre, .coordinateur, .gestionnaire)
        return Fils(items: try await messagerie.fils(session: try context.session(), caller: caller))
    }

    struct Ouverture: Decodable { var epreuve: String; var centre: String?; var titre: String; var texte: String }
    struct Created: ResponseEncodable { var id: UUID }

    /// A new thread, on a commission (with `centre`) or on the académie's exam, and its first message.
    @Sendable func ouvrir(_ request: Request, context: ECERequestContext) async throws -> EditedResponse<Created> {
        let caller = try context.require(.examinateur, .referent, .centre, .coordinateur, .gestionnaire)
        let session = try context.session()
        let body = try await request.decode(as: Ouverture.self, context: context)
        let titre = body.titre.trimmingCharacters(in: .whitespacesAndNewlines)
        var errors = Self.texte(body.texte)
        if !(1...200).contains(titre.count) { errors.append(.init(field: "titre", reason: "1 à 200 caractères / 1 to 200 characters")) }
        if EpreuvePratique(rawValue: body.epreuve) == nil { errors.append(.init(field: "epreuve", reason: "épreuve inconnue / unknown exam")) }
        guard errors.isEmpty else { throw Problem.validation(errors) }
        var academie = try await messagerie.academie(session: session, epreuve: body.epreuve, centre: body.centre, caller: caller)
        if academie == nil, caller.role == .examinateur {
            academie = try await commissions.academieConvoquee(login: caller.login, session: session, epreuve: body.epreuve)
        }
        guard let academie else { throw Problem.notFound("commission") }
        guard let id = try await messagerie.ouvrir(session: session, epreuve: body.epreuve, academie: academie, centre: body.centre,
                                                   titre: titre, texte: body.texte, caller: caller,
                                                   correlationId: context.correlationId)
        else { throw Problem.forbidden("fil hors de votre périmètre / thread outside your scope") }
        return EditedResponse(status: .created, response: Created(id: id))
    }

    struct Messages: ResponseEncodable { var fil: MessagerieRepository.Fil; var items: [MessagerieRepository.Message] }

    @Sendable func messages(_ request: Request, context: ECERequestContext) async throws -> Messages {
        let caller = try context.authenticated()
        guard let fil = try await messagerie.fil(try context.uuid(of: "fil"), caller: caller) else { throw Problem.notFound("fil") }
        let items = try await messagerie.messages(fil.id, lecteur: caller.login)
        return Messages(fil: fil, items: items)
    }

    struct Texte: Decodable { var texte: String }

    @Sendable func poster(_ request: Request, context: ECERequestContext) async throws -> HTTPResponse.Status {
        let caller = try context.authenticated()
        guard let fil = try await messagerie.fil(try context.uuid(of: "fil"), caller: caller) else { throw Problem.notFound("fil") }
        let body = try await request.decode(as: Texte.self, context: context)
        let errors = Self.texte(body.texte)
        guard errors.isEmpty else { throw Problem.validation(errors) }
        try await messagerie.poster(fil.id, texte: body.texte, caller: caller, correlationId: context.correlationId)
        return .created
    }

    private static func texte(_ texte: String) -> [Problem.FieldError] {
        let trimmed = texte.trimmingCharacters(in: .whitespacesAndNewlines)
        return (1...5000).contains(trimmed.count) ? [] : [.init(field: "texte", reason: "1 à 5 000 caractères / 1 to 5,000 characters")]
    }
}

extension SuiviRepository.Statistiques: ResponseEncodable {}
