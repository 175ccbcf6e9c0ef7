import Foundation
import Shared

/// A subject's life: drafted, validated (its barème frozen), published (usable from `visibleFrom`),
/// withdrawn (kept: grades already given refer to its barème versions).
enum StatutSujet: String, Codable, Sendable, CaseIterable {
    case brouillon, valide, publie, retire
}

/// One of the five practical exams.
struct Epreuve: Codable, Sendable, Equatable {
    var code: String
    var libelle: String
    var filiere: String
    var dureeMinutes: Int
    var dominantes: [String]
}

/// What a DSII user writes when creating or updating a draft subject.
struct SujetInput: Codable, Sendable {
    var epreuve: String
    var session: Int
    var code: String
    var titre: String
    var dominante: String?
    var materiel: [String]?

    /// Every problem at once (422 lists them all), given the exams that exist.
    func violations(epreuves: [String: Epreuve]) -> [Problem.FieldError] {
        var errors: [Problem.FieldError] = []
        let epreuve = epreuves[self.epreuve]
        if epreuve == nil {
            errors.append(.init(field: "epreuve", reason: "épreuve inconnue (\(epreuves.keys.sorted().joined(separator: ", "))) / unknown exam"))
        }
        if !(2020...2100).contains(session) {
            errors.append(.init(field: "session", reason: "année entre 2020 et 2100 / year between 2020 and 2100"))
        }
        if !(1...32).contains(code.count) || !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            errors.append(.init(field: "code", reason: "1 à 32 caractères parmi lettres, chiffres, - _ . / 1 to 32 letters, digits, - _ ."))
        }
        if titre.trimmingCharacters(in: .whitespaces).isEmpty || titre.count > 200 {
            errors.append(.init(field: "titre", reason: "1 à 200 caractères / 1 to 200 characters"))
        }
        if let epreuve {
            switch (dominante, epreuve.dominantes.isEmpty) {
            case (nil, false):
                // The draw rule (two of each dominant per half-day) needs every such subject to have one.
                errors.append(.init(field: "dominante", reason: "obligatoire : \(epreuve.dominantes.joined(separator: " ou ")) / required"))
            case (let d?, _) where !epreuve.dominantes.contains(d):
                errors.append(.init(field: "dominante", reason: epreuve.dominantes.isEmpty
                    ? "pas de dominante pour cette épreuve / this exam has no dominant"
                    : "\(epreuve.dominantes.joined(separator: " ou ")) / one of \(epreuve.dominantes)"))
            default: break
            }
        }
        let items = materiel ?? []
        if items.count > 100 { errors.append(.init(field: "materiel", reason: "100 éléments au plus / at most 100 items")) }
        for (i, item) in items.enumerated() where item.trimmingCharacters(in: .whitespaces).isEmpty || item.count > 200 {
            errors.append(.init(field: "materiel[\(i)]", reason: "1 à 200 caractères / 1 to 200 characters"))
        }
        return errors
    }
}

/// A subject as the API shows it.
struct SujetView: Codable, Sendable {
    var id: UUID
    var epreuve: String
    var session: Int
    var code: String
    var titre: String
    var dominante: String?
    var materiel: [String]
    var statut: StatutSujet
    var visibleFrom: Date?
    var documents: [DocumentView]
    var baremes: [BaremeVersion]?
}

struct DocumentView: Codable, Sendable {
    var nature: NatureDocument
    var nom: String
    var taille: Int
    var sha256: String
}

/// The subject document (candidates see it) or the examiner-only document.
enum NatureDocument: String, Codable, Sendable {
    case sujet, examinateur
}

struct BaremeVersion: Codable, Sendable {
    var version: Int
    var valide: Bool
    var validatedAt: Date?
    var bareme: Bareme
}

/// Documents are PDFs (checked by their magic bytes, not their name or declared type), 20 MB at most.
enum DocumentRule {
    static let maximumSize = 20 * 1024 * 1024

    static func violation(_ bytes: [UInt8]) -> Problem.FieldError? {
        if bytes.count > maximumSize { return .init(field: "document", reason: "20 Mo au plus / 20 MB at most") }
        if !bytes.starts(with: Array("%PDF-".utf8)) {
            return .init(field: "document", reason: "le document n'est pas un PDF / the document is not a PDF")
        }
        return nil
    }
}

/// Who reads a subject's material list (« liste du matériel ») and its documents (issue 20).
///
/// - The DSII and the operators (`admin`): any subject, any time, as they build it.
/// - Those who prepare the laboratory and grade — the centre d'épreuve, the examiner, the
///   coordinator: a published subject only (a draft, a validated or a withdrawn one is 404 to them);
///   its material list, for the centre at once (its laboratory is ready on the day), for the others
///   from `visibleFrom`; its documents only from `visibleFrom`, the embargo Correction applies to the
///   subject's title and draw (403 before, saying until when): the candidates' paper to all three,
///   the examiner's sheet (the marking key) to the examiner and the coordinator only.
/// - Anyone else (the académie's gestionnaire, a school, a référent): 403.
///
/// Référentiel consumes no event: it knows neither which exams a centre hosts nor an examiner's
/// discipline, so the token's role is what it checks. Subjects are national, the same for every
/// centre of the exam; before `visibleFrom` the embargo is what keeps them.
enum LectureSujet {
    case materiel, documents

    /// nil when `role` may read some subjects' material or documents; the refusal otherwise.
    static func refus(_ role: Role) -> Problem? {
        [.dsii, .admin, .centre, .examinateur, .coordinateur].contains(role) ? nil
            : .forbidden("réservé au centre d'épreuve, aux examinateurs et aux coordinateurs / role not allowed")
    }

    /// nil when `role` may read this of `sujet` at `now`; the refusal otherwise.
    func refus(_ role: Role, _ sujet: SujetView, nature: NatureDocument? = nil, now: Date = Date()) -> Problem? {
        if let refus = Self.refus(role) { return refus }
        if role == .dsii || role == .admin { return nil }
        guard sujet.statut == .publie, let visible = sujet.visibleFrom else { return .notFound("sujet \(sujet.id)") }
        if now < visible, self == .documents || role != .centre {
            return .forbidden("sous embargo jusqu'au \(FrenchFormat.moment(visible)) / under embargo")
        }
        if nature == .examinateur, role == .centre {
            return .forbidden("la fiche de l'examinateur est réservée aux examinateurs et aux coordinateurs / examiners only")
        }
        return nil
    }
}
