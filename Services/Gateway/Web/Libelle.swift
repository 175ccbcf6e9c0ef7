import Shared

/// What a person reads for the codes the services exchange (statuses, roles, kinds of mission,
/// categories): one place, so that no raw code (`a_noter`, `notee`, `close`…) reaches a page. An
/// unknown code, from a newer service, is shown as it is rather than hidden.
enum Libelle {
    static func role(_ role: Role) -> String {
        switch role {
        case .dsii: "DSII"
        case .gestionnaire: "gestionnaire DEC"
        case .etablissement: "établissement"
        case .centre: "centre d'épreuve"
        case .examinateur: "examinateur"
        case .coordinateur: "coordinateur"
        case .referent: "référent de correction"
        case .admin: "exploitation"
        }
    }

    /// A role as the APIs spell it (a message's author, a designation).
    static func role(_ code: String) -> String { Role(rawValue: code).map(role) ?? code }

    /// A grading sheet's status (Correction).
    static let statutsFiche = ["a_noter": "à noter", "brouillon": "brouillon", "notee": "notée", "absent": "absent"]
    static func statutFiche(_ code: String) -> String { statutsFiche[code] ?? code }

    /// An absent candidate's absence (Correction).
    static let absences = ["injustifiee": "absence non justifiée", "justifiee": "absence justifiée"]

    /// A subject's status (Référentiel).
    static func statutSujet(_ code: String) -> String {
        ["brouillon": "brouillon", "valide": "validé", "publie": "publié", "retire": "retiré"][code] ?? code
    }

    /// A commission's state (Correction).
    static func etatCommission(_ code: String) -> String { ["ouverte": "ouverte", "close": "clôturée"][code] ?? code }

    /// An action of a commission's audit (Correction).
    static func actionAudit(_ code: String) -> String {
        ["lot.verrouille": "lot verrouillé", "lot.deverrouille": "lot déverrouillé", "epreuve.cloturee": "épreuve clôturée",
         "epreuve.rouverte": "épreuve rouverte", "distribution.manuelle": "candidats déplacés (distribution manuelle)",
         "distribution.automatique": "distribution automatique", "groupe.cree": "groupe créé", "creneau.cree": "créneau créé",
         "creneau.candidats": "candidats placés dans un créneau", "creneau.retrait": "candidats retirés de leur créneau",
         "groupe.modifie": "groupe modifié", "groupe.dissous": "groupe dissous"][code] ?? code
    }

    /// Why the automatic distribution left a candidate out (Correction's `Distribution.Refus`).
    static func refusDistribution(_ code: String) -> String {
        ["sans_creneau": "dans aucun créneau : placez-le d'abord dans une demi-journée",
         "capacite": "plus de place dans son créneau : au plus 4 candidats par examinateur et par demi-journée",
         "conflit": "chaque groupe qui a de la place compte un examinateur qui enseigne à ce candidat"][code] ?? code
    }

    static func demiJournee(_ code: String) -> String { FrenchFormat.demiJournee(code) }

    /// A candidate's category (Inscriptions).
    static func categorie(_ code: String) -> String {
        ["scolaire": "scolaire", "individuel": "individuel", "cned": "CNED", "morea": "MOREA"][code] ?? code
    }

    /// A mission's kind (Missions).
    static func mission(_ kind: String) -> String {
        ["examinateur": "examinateur", "coordinateur": "coordination (Santorin)"][kind] ?? kind
    }

    /// The work a service fait pays (its `role`): a mission's line per kind of work.
    static func travail(_ role: String) -> String {
        ["examinateur": "évaluation", "coordinateur": "coordination", "second_lecteur": "seconde lecture"][role] ?? role
    }

    /// A grade received in Cyclades: its result, and the grade out of 20 (integer half-points).
    static func resultat(_ code: String, demiPoints: Int?) -> String {
        let note = demiPoints.map { "\($0 / 2)" + ($0 % 2 == 1 ? ",5" : "") + " / 20" }
        switch code {
        case "note": return note ?? "note"
        case "absent_injustifie": return "absent (absence non justifiée) — " + (note ?? "0 / 20")
        case "absent_justifie": return "absent (absence justifiée)"
        case "dispense": return "dispensé"
        default: return code
        }
    }

    /// A school or centre: its UAI with its name beside it when the page knows it.
    static func etablissement(_ uai: String, _ noms: [String: String]) -> String {
        noms[uai].map { "\(uai) — \($0)" } ?? uai
    }
}
