import Foundation
import OpenAPIRuntime
import Shared

/// Following the correction and its statistics, each within the caller's perimeter: the progress per
/// commission, an exam's statistics, harmonisation's figures per examiner and per lot, an examiner's
/// own, and the candidates' list as a file.
extension CorrectionAPI {
    /// The caller's perimeter: a centre (centre, référent), an académie (gestionnaire; a coordinator
    /// for the exams they coordinate), the country (DSII, admin).
    private func perimetre(_ caller: Identity, session: Int) async throws -> Perimetre {
        switch (caller.role, caller.scope) {
        case (.dsii, .national), (.admin, .national): return .init()
        case (.gestionnaire, .academie(let code)): return .init(academie: code)
        case (.coordinateur, .academie(let code)):
            return .init(academie: code, epreuves: try await commissions.coordinations(login: caller.login, session: session, academie: code))
        case (.centre, .etablissement(let uai)), (.referent, .etablissement(let uai)): return .init(centre: uai)
        default: throw Problem.forbidden("rôle \(caller.role.rawValue) non autorisé / role not allowed")
        }
    }

    /// Progress per commission, and the total: a centre sees itself, an académie its centres, the DSII all.
    func lireSuivi(_ input: Operations.LireSuivi.Input) async throws -> Operations.LireSuivi.Output {
        let caller = try RequeteGeneree.moi()
        let session = try RequeteGeneree.session(input.path.annee)
        var perimetre = try await perimetre(caller, session: session)
        // Nationally, one line per académie and exam unless an académie is asked for.
        if perimetre.academie == nil, perimetre.centre == nil, let academie = input.query.academie { perimetre.academie = academie }
        let items = try await suivi.avancement(session: session, epreuve: input.query.epreuve, perimetre,
                                               parAcademie: perimetre.academie == nil && perimetre.centre == nil)
        var total = Components.Schemas.TotauxAvancement(candidats: 0, nonDistribues: 0, aNoter: 0, brouillons: 0, notees: 0, absents: 0,
                                                        lots: 0, lotsVerrouilles: 0)
        for i in items {
            total.candidats += i.candidats; total.nonDistribues += i.nonDistribues; total.aNoter += i.aNoter
            total.brouillons += i.brouillons; total.notees += i.notees; total.absents += i.absents
            total.lots += i.lots; total.lotsVerrouilles += i.lotsVerrouilles
        }
        return .ok(.init(body: .json(.init(items: try Pont.vue(items), total: total))))
    }

    /// The exam of a statistics path, if it is one the caller's perimeter covers.
    private func epreuve(_ code: String, _ perimetre: Perimetre) throws -> String {
        guard EpreuvePratique(rawValue: code) != nil else { throw Problem.notFound("épreuve") }
        if let epreuves = perimetre.epreuves, !epreuves.contains(code) {
            throw Problem.forbidden("épreuve non coordonnée / exam you do not coordinate")
        }
        return code
    }

    /// An exam's statistics in the caller's perimeter, narrowed by `academie` or `centre` if asked.
    func lireStatistiques(_ input: Operations.LireStatistiques.Input) async throws -> Operations.LireStatistiques.Output {
        let session = try RequeteGeneree.session(input.path.annee)
        var perimetre = try await perimetre(try RequeteGeneree.moi(), session: session)
        let epreuve = try epreuve(input.path.epreuve, perimetre)
        if let academie = input.query.academie {
            guard perimetre.academie == nil || perimetre.academie == academie, perimetre.centre == nil else {
                throw Problem.forbidden("académie hors de votre périmètre / outside your scope")
            }
            perimetre.academie = academie
        }
        if let centre = input.query.centre {
            guard perimetre.centre == nil || perimetre.centre == centre else {
                throw Problem.forbidden("centre hors de votre périmètre / outside your scope")
            }
            perimetre.centre = centre
        }
        return .ok(.init(body: .json(try Pont.vue(try await suivi.statistiques(session: session, epreuve: epreuve, perimetre)))))
    }

    /// Harmonisation's first step: per examiner and per lot of the caller's perimeter on one exam,
    /// named (the coordinator must know whom to look at), against the same subjects' other sheets.
    func lireStatistiquesExaminateurs(_ input: Operations.LireStatistiquesExaminateurs.Input) async throws
        -> Operations.LireStatistiquesExaminateurs.Output {
        let session = try RequeteGeneree.session(input.path.annee)
        let perimetre = try await perimetre(try RequeteGeneree.moi(), session: session)
        let epreuve = try epreuve(input.path.epreuve, perimetre)
        let (examinateurs, lots) = try await suivi.examinateurs(session: session, epreuve: epreuve, perimetre)
        return .ok(.init(body: .json(try Pont.vue(StatistiquesExaminateurs(
            epreuve: epreuve,
            examinateurs: examinateurs.map { Ligne(id: $0.id, nom: $0.nom, mesure: Mesure($0)) },
            lots: lots.map { Ligne(id: $0.id, nom: $0.nom, centre: $0.centre, mesure: Mesure($0)) })))))
    }

    /// An examiner's own: how many graded, their mean and distribution, per exam, and how they stand.
    func lireMesStatistiques(_ input: Operations.LireMesStatistiques.Input) async throws -> Operations.LireMesStatistiques.Output {
        let caller = try RequeteGeneree.moi()
        let session = try RequeteGeneree.session(input.path.annee)
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
        return .ok(.init(body: .json(try Pont.vue(MesStatistiques(epreuves: epreuves, comparaisons: comparaisons, masquees: masquees)))))
    }

    /// The candidates published to the centres, each with its centre and half-day slot (empty until
    /// the centre places them), as a file (`CSV`): the caller's perimeter, an exam if asked.
    func exporterCandidats(_ input: Operations.ExporterCandidats.Input) async throws -> Operations.ExporterCandidats.Output {
        let session = try RequeteGeneree.session(input.path.annee)
        let perimetre = try await perimetre(try RequeteGeneree.moi(), session: session)
        let epreuve = input.query.epreuve?.rawValue
        let lignes = try await suivi.candidats(session: session, epreuve: epreuve, perimetre)
        let csv = CSV.texte(colonnes: ["numero", "nom", "prenoms", "etablissement_origine", "epreuve", "centre", "jour", "demi_journee"],
                            lignes: lignes)
        let fichier = "candidats-\(session)\(epreuve.map { "-" + $0 } ?? "").csv"
        return .ok(.init(headers: .init(contentDisposition: "attachment; filename=\"\(fichier)\""), body: .textCsvCharsetUtf8(HTTPBody(csv))))
    }
}

// MARK: harmonisation's figures

/// Against the same subjects' other sheets.
private struct Reference: Codable {
    /// The examiner's (lot's) sheets whose subject others graded too.
    var copies: Int
    /// Out of 20: the others' mean on the same subjects, weighted as the examiner's sheets are.
    var moyenne: Double?
    /// Examiner's mean minus that reference, on those sheets.
    var ecart: Double?
}

/// One examiner's or lot's figures against the other sheets of the same subjects.
private struct Mesure: Codable {
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

    init(_ a: Agregat) {
        let moyenne = a.effectif > 0 ? a.somme / Double(a.effectif) : nil
        func reference(_ c: Comparaison) -> Reference {
            guard c.comparees > 0 else { return Reference(copies: 0) }
            return Reference(copies: c.comparees, moyenne: c.reference / Double(c.comparees) / 2, ecart: c.ecart / Double(c.comparees) / 2)
        }
        let z = Severite.z(comparees: a.national.comparees, ecart: a.national.ecart, variance: a.national.variance)
        effectif = a.effectif
        self.moyenne = moyenne.map { $0 / 2 }
        ecartType = moyenne.map { (max(a.carres / Double(a.effectif) - $0 * $0, 0)).squareRoot() / 2 }
        niveaux = a.niveaux
        academie = reference(a.academie)
        national = reference(a.national)
        self.z = z
        indicateur = Severite(z: z)
    }
}

private struct Ligne: Codable {
    /// The examiner (intervenant) or the lot.
    var id: UUID
    var nom: String
    /// The lot's centre.
    var centre: String?
    var mesure: Mesure
}

private struct StatistiquesExaminateurs: Codable {
    var epreuve: String
    var methode = Severite.methode
    var effectifMinimum = Severite.effectifMinimum
    var seuil = Severite.seuil
    var examinateurs: [Ligne]
    var lots: [Ligne]
}

private struct MesStatistiques: Codable {
    var epreuves: [String: Serie]
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
