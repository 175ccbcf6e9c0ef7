import Foundation
import OpenAPIRuntime
import Shared

/// The grades that come back from Santorin's closings: the remontée per centre × exam, and each
/// candidate's grade for the jury (as a page or a CSV file).
extension InscriptionsAPI {
    /// The grades received per centre × exam, with what is still missing: a gestionnaire for their
    /// académie, a centre (or its school account) for itself, national roles for all.
    func lireRemontee(_ input: Operations.LireRemontee.Input) async throws -> Operations.LireRemontee.Output {
        var academie: String?, centre = input.query.centre?.uppercased()
        switch try RequeteGeneree.moi().scope {
        case .academie(let code): academie = code
        case .etablissement(let uai): centre = uai
        case .national: break
        }
        let items = try await repository.remontee(session: try RequeteGeneree.session(input.path.annee), academie: academie,
                                                  centre: centre, epreuve: input.query.epreuve)
        return .ok(.init(body: .json(.init(items: try items.map { try Pont.vue($0) }))))
    }

    /// The jury's reading: each candidate's grade, for the gestionnaire of their académie (and the
    /// national administrator); a school reads its own pupils' only (`uai` naming another is refused);
    /// centres see counts only (`lireRemontee`).
    private func lecteurDesNotes(uai demande: String?) throws -> (academie: String?, uai: String?) {
        let caller = try RequeteGeneree.moi()
        let demande = demande?.uppercased()
        switch caller.scope {
        case .academie(let code) where caller.role == .gestionnaire: return (code, demande)
        case .national where caller.role == .admin: return (nil, demande)
        case .etablissement(let own) where caller.role == .etablissement:
            guard demande == nil || demande == own else {
                throw Problem.forbidden("un établissement lit les notes de ses élèves seulement / own pupils only")
            }
            return (nil, own)
        default: throw Problem.forbidden("notes des candidats : gestionnaire de leur académie / académie's gestionnaire")
        }
    }

    func listerNotes(_ input: Operations.ListerNotes.Input) async throws -> Operations.ListerNotes.Output {
        let q = input.query
        let (academie, uai) = try lecteurDesNotes(uai: q.uai)
        let page = q.page.map { min(max($0, 1), 100_000) } ?? 1
        let perPage = q.perPage.map { min(max($0, 1), 1000) } ?? 100
        let (items, total) = try await repository.notes(session: try RequeteGeneree.session(input.path.annee), academie: academie,
                                                        uai: uai, epreuve: q.epreuve?.rawValue, centre: q.centre?.uppercased(),
                                                        page: page, perPage: perPage)
        return .ok(.init(body: .json(.init(page: page, perPage: perPage, total: total, items: try items.map { try Pont.vue($0) }))))
    }

    /// Half points as a mark out of 20 with a decimal comma.
    static func surVingt(_ demiPoints: Int) -> String { "\(demiPoints / 2)" + (demiPoints % 2 == 1 ? ",5" : "") }

    /// The same grades as a file for the jury, the grade out of 20 with a decimal comma.
    func exporterNotes(_ input: Operations.ExporterNotes.Input) async throws -> Operations.ExporterNotes.Output {
        let q = input.query
        let (academie, uai) = try lecteurDesNotes(uai: q.uai)
        let session = try RequeteGeneree.session(input.path.annee)
        let epreuve = q.epreuve?.rawValue
        let (items, _) = try await repository.notes(session: session, academie: academie, uai: uai, epreuve: epreuve,
                                                    centre: q.centre?.uppercased())
        let csv = CSV.texte(
            colonnes: ["numero", "nom", "prenoms", "epreuve", "centre", "resultat", "note_sur_20", "version_cloture", "notes_remplacees", "historique"],
            lignes: items.map { n in
                let note = n.demiPoints.map(Self.surVingt) ?? ""
                // Each replaced grade, oldest first, with the re-marking's reason (the grade in force is `note_sur_20`).
                let historique = n.historique.map { h in
                    "\(h.resultat) \(h.demiPoints.map(Self.surVingt) ?? "")" + (h.motif.map { " (recorrection : \($0))" } ?? "")
                }
                return [n.numero, n.nom, n.prenoms, n.epreuve, n.centre, n.resultat, note, n.versionCloture.map(String.init) ?? "",
                        String(n.remplacees), historique.joined(separator: " | ")]
            })
        return .ok(.init(headers: .init(contentDisposition: "attachment; filename=\"notes-\(session)\(epreuve.map { "-" + $0 } ?? "").csv\""),
                         body: .textCsvCharsetUtf8(HTTPBody(csv))))
    }
}
