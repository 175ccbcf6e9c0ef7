import Foundation
import Shared

/// What the examiner fills on a candidate's evaluation sheet: each criterion's level or points, the
/// appels (calls to the examiner at the subject's key steps) and the aids, both timed, and comments.
/// The aids given on a criterion cap its level as the barème says.
struct Grille: Codable, Sendable, Equatable {
    struct Saisie: Codable, Sendable, Equatable {
        var code: String
        var evaluation: Evaluation
    }
    struct AppelFait: Codable, Sendable, Equatable {
        var code: String
        var heure: Date
    }
    struct AideDonnee: Codable, Sendable, Equatable {
        var critere: String
        var aide: Aide
        var heure: Date
    }

    var evaluations: [Saisie] = []
    var appels: [AppelFait] = []
    var aides: [AideDonnee] = []
    /// Per criterion code.
    var commentaires: [String: String] = [:]
    var commentaire: String?

    init() {}

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        evaluations = try c.decodeIfPresent([Saisie].self, forKey: .evaluations) ?? []
        appels = try c.decodeIfPresent([AppelFait].self, forKey: .appels) ?? []
        aides = try c.decodeIfPresent([AideDonnee].self, forKey: .aides) ?? []
        commentaires = try c.decodeIfPresent([String: String].self, forKey: .commentaires) ?? [:]
        commentaire = try c.decodeIfPresent(String.self, forKey: .commentaire)
    }

    static let longueurMaxCommentaire = 2000

    /// Every reason the grid does not fit the barème (empty when it does). A draft may leave
    /// criteria out; it may not name unknown ones or give points out of range.
    func violations(_ bareme: Bareme) -> [Problem.FieldError] {
        var errors: [Problem.FieldError] = []
        let criteres = Dictionary(bareme.criteres.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<String>()
        for (i, saisie) in evaluations.enumerated() {
            let field = "grille.evaluations[\(i)]"
            guard let critere = criteres[saisie.code] else {
                errors.append(.init(field: "\(field).code", reason: "critère inconnu du barème / unknown criterion \(saisie.code)"))
                continue
            }
            if !seen.insert(saisie.code).inserted {
                errors.append(.init(field: "\(field).code", reason: "critère évalué deux fois / evaluated twice"))
            }
            switch (critere.echelle, saisie.evaluation) {
            case (.niveaux, .niveau): break
            case (.points, .points(let demiPoints)) where !(0...2 * critere.poids).contains(demiPoints):
                errors.append(.init(field: "\(field).evaluation.demiPoints", reason: "entre 0 et \(2 * critere.poids) demi-points"))
            case (.points, .points): break
            case (.niveaux, .points):
                errors.append(.init(field: "\(field).evaluation", reason: "ce critère se note par niveau A à D / graded by level"))
            case (.points, .niveau):
                errors.append(.init(field: "\(field).evaluation", reason: "ce critère se note en points / graded in points"))
            }
        }
        let appels = Set(bareme.appels.map(\.code))
        for (i, appel) in self.appels.enumerated() where !appels.contains(appel.code) {
            errors.append(.init(field: "grille.appels[\(i)].code", reason: "appel inconnu du sujet / unknown appel \(appel.code)"))
        }
        for (i, aide) in aides.enumerated() where criteres[aide.critere] == nil {
            errors.append(.init(field: "grille.aides[\(i)].critere", reason: "critère inconnu du barème / unknown criterion"))
        }
        for (code, text) in commentaires {
            if criteres[code] == nil { errors.append(.init(field: "grille.commentaires.\(code)", reason: "critère inconnu / unknown")) }
            if text.count > Self.longueurMaxCommentaire {
                errors.append(.init(field: "grille.commentaires.\(code)", reason: "2 000 caractères au plus / at most 2,000"))
            }
        }
        if (commentaire ?? "").count > Self.longueurMaxCommentaire {
            errors.append(.init(field: "grille.commentaire", reason: "2 000 caractères au plus / at most 2,000"))
        }
        if evaluations.count > 100 || self.appels.count > 200 || aides.count > 200 {
            errors.append(.init(field: "grille", reason: "grille trop longue / grid too long"))
        }
        return errors
    }

    /// The barème's evaluations with the aids given on each criterion.
    func evaluationsCritere() -> [EvaluationCritere] {
        evaluations.map { saisie in
            EvaluationCritere(code: saisie.code, evaluation: saisie.evaluation,
                              aides: aides.filter { $0.critere == saisie.code }.map(\.aide))
        }
    }

    /// Criteria not evaluated yet.
    func manquants(_ bareme: Bareme) -> [String] {
        let done = Set(evaluations.map(\.code))
        return bareme.criteres.map(\.code).filter { !done.contains($0) }
    }

    /// The suggested mark once every criterion is evaluated (the shared mark function), else nil.
    func noteSuggeree(_ bareme: Bareme) -> NoteSurVingt? {
        guard manquants(bareme).isEmpty, violations(bareme).isEmpty else { return nil }
        return try? bareme.noteSuggeree(evaluationsCritere())
    }

    /// The best level each aided criterion can still get (what the editor shows next to it).
    func plafonds(_ bareme: Bareme) -> [String: Niveau] {
        var caps: [String: Niveau] = [:]
        for code in Set(aides.map(\.critere)) {
            if let cap = bareme.plafonds.plafond(for: aides.filter { $0.critere == code }.map(\.aide)) { caps[code] = cap }
        }
        return caps
    }
}
