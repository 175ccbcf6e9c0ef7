import Foundation
import Shared

/// How a mission is paid.
enum ModeRemuneration: String, Codable, Sendable {
    /// An amount per candidate evaluated (examiners).
    case parCandidat = "par_candidat"
    /// A flat fee for the mission (coordinators), paid ONCE per mission. The road map opens « une
    /// mission de correction dématérialisée par épreuve de centre Santorin » for the coordinators:
    /// one per exam, session and académie, not per centre. Every centre's closing reports the
    /// exam's coordinators (role `coordinateur`, 0 candidates) and `MissionRepository.servicesFaits`
    /// prices their lines per mission, so the fee is paid once per session however many centres
    /// close; a re-marking after closing reports nothing (it is within the fee).
    case forfait
}

/// A pay type of the regulation, and the kinds of mission it may pay.
struct TypeRemuneration: Codable, Sendable, Equatable {
    var code: String
    var libelle: String
    var mode: ModeRemuneration
    /// In cents: money is never a float.
    var montantCentimes: Int
    var missions: [MissionKind]

    /// What `candidats` evaluated (in a `role`) on a mission of this pay type are worth. A second
    /// reading (`second_lecteur`: the copy graded again, blind, in full) is paid as one more copy on a
    /// per-copy mission; on a flat-fee mission it adds nothing: the fee pays the mission's work once,
    /// as it covers a coordinator's re-markings, and a second line on the mission must not pay it twice.
    func montant(candidats: Int, role: String = RoleServiceFait.examinateur.rawValue) -> Int {
        switch mode {
        case .parCandidat: montantCentimes * candidats
        case .forfait: role == RoleServiceFait.secondLecteur.rawValue ? 0 : montantCentimes
        }
    }
}

/// A mission type of the regulation: what the mission is, and how it is paid.
struct TypeMission: Codable, Sendable, Equatable {
    var code: String
    var libelle: String
    var kind: MissionKind
    var remuneration: String
}

/// Imag'In's regulation for a session: mission types and pay types, which must agree.
struct Reglementation: Codable, Sendable, Equatable {
    var typesMission: [TypeMission]
    var typesRemuneration: [TypeRemuneration]

    /// The national regulation loaded when the gestionnaire refreshes without supplying one. The
    /// amounts are the demo's: the ministry's decree sets the real ones, loaded by the DSII.
    static let nationale = Reglementation(
        typesMission: [
            TypeMission(code: "ECE-EXAMINATEUR", libelle: "Examinateur d'une épreuve ECE en centre d'épreuve",
                        kind: .examinateur, remuneration: "ECE-PAR-CANDIDAT"),
            TypeMission(code: "ECE-COORDINATEUR", libelle: "Coordinateur de la correction dématérialisée (centre Santorin)",
                        kind: .coordinateur, remuneration: "ECE-FORFAIT-COORDINATION"),
        ],
        typesRemuneration: [
            TypeRemuneration(code: "ECE-PAR-CANDIDAT", libelle: "Vacation par candidat évalué", mode: .parCandidat,
                             montantCentimes: 500, missions: [.examinateur]),
            TypeRemuneration(code: "ECE-FORFAIT-COORDINATION", libelle: "Forfait de coordination", mode: .forfait,
                             montantCentimes: 15_000, missions: [.coordinateur]),
        ])

    func typeMission(_ code: String) -> TypeMission? { typesMission.first { $0.code == code } }
    func typeRemuneration(_ code: String) -> TypeRemuneration? { typesRemuneration.first { $0.code == code } }

    /// The first mission type of a kind: the session's default.
    func defaut(_ kind: MissionKind) -> TypeMission? { typesMission.first { $0.kind == kind } }

    /// Every reason the regulation cannot be loaded; empty when it can.
    func validate() -> [Problem.FieldError] {
        var errors: [Problem.FieldError] = []
        func checkCode(_ code: String, _ field: String) {
            if !(1...40).contains(code.count) || !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
                errors.append(.init(field: field, reason: "1 à 40 lettres, chiffres, - ou _ / 1 to 40 letters, digits, - or _"))
            }
        }
        if typesMission.isEmpty || typesMission.count > 100 {
            errors.append(.init(field: "typesMission", reason: "1 à 100 types / 1 to 100 types"))
        }
        if typesRemuneration.isEmpty || typesRemuneration.count > 100 {
            errors.append(.init(field: "typesRemuneration", reason: "1 à 100 types / 1 to 100 types"))
        }
        for (i, pay) in typesRemuneration.enumerated() {
            let field = "typesRemuneration[\(i)]"
            checkCode(pay.code, "\(field).code")
            if !(1...200).contains(pay.libelle.count) { errors.append(.init(field: "\(field).libelle", reason: "1 à 200 caractères")) }
            if !(0...10_000_000).contains(pay.montantCentimes) {
                errors.append(.init(field: "\(field).montantCentimes", reason: "entre 0 et 10 000 000 centimes / 0 to 10,000,000 cents"))
            }
            if pay.missions.isEmpty { errors.append(.init(field: "\(field).missions", reason: "au moins un type de mission payé")) }
            if typesRemuneration.prefix(i).contains(where: { $0.code == pay.code }) {
                errors.append(.init(field: "\(field).code", reason: "code en double / duplicate code \(pay.code)"))
            }
        }
        for (i, type) in typesMission.enumerated() {
            let field = "typesMission[\(i)]"
            checkCode(type.code, "\(field).code")
            if !(1...200).contains(type.libelle.count) { errors.append(.init(field: "\(field).libelle", reason: "1 à 200 caractères")) }
            if typesMission.prefix(i).contains(where: { $0.code == type.code }) {
                errors.append(.init(field: "\(field).code", reason: "code en double / duplicate code \(type.code)"))
            }
            if let reason = disagreement(type) { errors.append(.init(field: "\(field).remuneration", reason: reason)) }
        }
        for kind in [MissionKind.examinateur, .coordinateur] where defaut(kind) == nil {
            errors.append(.init(field: "typesMission", reason: "aucun type de mission \(kind.rawValue) / no \(kind.rawValue) mission type"))
        }
        return errors
    }

    /// Why a mission type and its pay type do not agree (road map: "le type de mission doit être en
    /// cohérence avec le type de rémunération"), or nil when they do.
    func disagreement(_ type: TypeMission) -> String? {
        guard let pay = typeRemuneration(type.remuneration) else {
            return "type de rémunération inconnu / unknown pay type \(type.remuneration)"
        }
        guard pay.missions.contains(type.kind) else {
            return "\(pay.code) ne rémunère pas les missions \(type.kind.rawValue) / does not pay \(type.kind.rawValue) missions"
        }
        return nil
    }
}
