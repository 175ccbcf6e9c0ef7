import Foundation
import Shared

/// Between the generated types (`Components.Schemas`, from openapi.yaml) and Santorin's own. Small
/// answers after a write map field by field and cannot fail; the store's wide rows go through
/// `Pont.vue` (the same JSON), except the sheets' summaries of a lot list, asked by every examiner as
/// a lot begins; identifiers the document types as strings are read here.
enum Correspondance {
    // MARK: requests

    /// A path's identifier: 404 as for one that does not exist.
    static func id(_ texte: String, _ quoi: String) throws -> UUID {
        guard let id = UUID(uuidString: texte) else { throw Problem.notFound(quoi) }
        return id
    }

    /// An identifier in a body or a query: the caller's 400.
    static func uuid(_ texte: String, _ champ: String) throws -> UUID {
        guard let id = UUID(uuidString: texte) else { throw Problem.badRequest("\(champ) : UUID attendu / UUID expected") }
        return id
    }

    /// A query's identifier (a filter): 422 as a field the caller got wrong.
    static func critere(_ texte: String?, _ champ: String) throws -> UUID? {
        guard let texte else { return nil }
        guard let id = UUID(uuidString: texte) else { throw Problem.validation([.init(field: champ, reason: "UUID")]) }
        return id
    }

    static func uuids(_ textes: [String], _ champ: String) throws -> [UUID] {
        try textes.enumerated().map { i, texte in try uuid(texte, "\(champ)[\(i)]") }
    }

    /// The runtime gives a body only in the operation's media type: this is never reached by a request.
    static let jsonAttendu = Problem.badRequest("JSON attendu / JSON expected")

    // MARK: responses

    static func cree(_ id: UUID) -> Components.Schemas.Created { .init(id: id.uuidString) }

    static func vue(_ c: Cloture) -> Components.Schemas.Cloture {
        .init(closureId: c.closureId.uuidString, notes: c.notes, absents: c.absents, servicesFaits: c.servicesFaits, chunks: c.chunks)
    }

    /// Field by field: through `Pont.vue` (two more JSON passes) the summaries were nearly all of
    /// `listerMesLots`' own CPU, a quarter of Correction's cost of a lot list (perf, BENCHMARKS.md
    /// session 12). `GeneratedHandlersTests` checks they answer the same JSON.
    static func vue(_ lot: FicheRepository.MonLot) throws -> Components.Schemas.MonLot {
        .init(groupeId: lot.groupeId.uuidString, nom: lot.nom, session: lot.session, epreuve: lot.epreuve, centre: lot.centre,
              verrouille: lot.verrouille, fiches: try lot.fiches.map(vue))
    }

    static func vue(_ f: CommissionRepository.FicheResume) throws -> Components.Schemas.FicheResume {
        guard let statut = Components.Schemas.FicheResume.StatutPayload(rawValue: f.statut) else {
            throw Pont.HorsContrat(type: "FicheResume", detail: "statut \(f.statut)")
        }
        return .init(id: f.id.uuidString, candidatId: f.candidatId.uuidString, numero: f.numero, nom: f.nom, prenoms: f.prenoms,
                     division: f.division, uaiOrigine: f.uaiOrigine, groupeId: f.groupeId?.uuidString,
                     creneauId: f.creneauId?.uuidString, statut: statut, noteFinale: f.noteFinale, version: f.version)
    }

    static func vue(_ r: Releve) -> Components.Schemas.ReleveAbsences {
        .init(absents: r.absents, dejaRecensees: r.dejaRecensees,
              refus: r.refus.map { .init(numero: $0.numero, nom: $0.nom, motif: $0.motif) })
    }
}
