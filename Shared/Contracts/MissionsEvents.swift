import Foundation

/// Events published by Missions (Imag'In). The contract: adding a field is compatible, removing or
/// renaming one is a new version.

/// What a convocation convokes someone to.
public enum MissionKind: String, Codable, Sendable {
    /// Examiner of an exam at a centre d'épreuve.
    case examinateur
    /// Coordinator of an exam's dematerialised correction at the académie's Santorin centre.
    case coordinateur
}

/// A person convoked to missions (Imag'In is where examiners come from).
public struct Intervenant: Codable, Sendable, Equatable {
    public var id: UUID
    /// Their platform login (Imag'In's identifier).
    public var login: String
    public var nom: String
    public var prenom: String
    public var email: String?
    /// The school they teach in, if any, and the divisions (classes) they teach there this year:
    /// Correction keeps examiners away from their own pupils with them.
    public var uai: String?
    public var divisions: [String]?

    public init(id: UUID, login: String, nom: String, prenom: String, email: String? = nil, uai: String? = nil,
                divisions: [String]? = nil) {
        self.id = id
        self.login = login
        self.nom = nom
        self.prenom = prenom
        self.email = email
        self.uai = uai
        self.divisions = divisions
    }
}

/// `convocation.issued`: Correction builds its examiner pool from it, the gateway creates the account.
public struct ConvocationIssued: EventPayload, Equatable {
    public static let eventType = "convocation.issued"
    public static let eventVersion = 1

    public var convocationId: UUID
    public var missionId: UUID
    public var kind: MissionKind
    public var session: Int
    /// Exam code, e.g. T011B.
    public var epreuve: String
    public var academie: String
    /// The centre d'épreuve (examiners); nil for a coordinator (centre Santorin).
    public var centreUAI: String?
    public var intervenant: Intervenant
    /// SHA-256 (hex) of the one-time activation code printed on the convocation; the code itself never travels.
    public var activationCodeSHA256: String
    /// Who issued it, as a scope: `academie:<code>` (the gestionnaire) or `uai:<UAI>` (a school). The
    /// gateway accepts the code only for an account this authority (or the account's académie)
    /// created. Absent from producers before it was added: such a code only opens a new account.
    public var autorite: String?

    public init(convocationId: UUID, missionId: UUID, kind: MissionKind, session: Int, epreuve: String,
                academie: String, centreUAI: String?, intervenant: Intervenant, activationCodeSHA256: String,
                autorite: String? = nil) {
        self.autorite = autorite
        self.convocationId = convocationId
        self.missionId = missionId
        self.kind = kind
        self.session = session
        self.epreuve = epreuve
        self.academie = academie
        self.centreUAI = centreUAI
        self.intervenant = intervenant
        self.activationCodeSHA256 = activationCodeSHA256
    }
}

/// `convocation.cancelled`.
public struct ConvocationCancelled: EventPayload, Equatable {
    public static let eventType = "convocation.cancelled"
    public static let eventVersion = 1

    public var convocationId: UUID
    public var missionId: UUID
    public var intervenantId: UUID

    public init(convocationId: UUID, missionId: UUID, intervenantId: UUID) {
        self.convocationId = convocationId
        self.missionId = missionId
        self.intervenantId = intervenantId
    }
}

/// One mission as imported at a session's opening.
public struct MissionImportee: Codable, Sendable, Equatable {
    public var missionId: UUID
    public var kind: MissionKind
    public var epreuve: String
    /// The centre d'épreuve (examiner missions); nil for the académie's Santorin centre (coordinators).
    public var centreUAI: String?
    public var typeMission: String
    /// `false` when the mission's examiners or coordinators are no longer exported (flagged, kept).
    public var active: Bool

    public init(missionId: UUID, kind: MissionKind, epreuve: String, centreUAI: String?, typeMission: String, active: Bool) {
        self.missionId = missionId
        self.kind = kind
        self.epreuve = epreuve
        self.centreUAI = centreUAI
        self.typeMission = typeMission
        self.active = active
    }
}

/// `missions.imported`: a session was opened or refreshed for an académie. Carries every mission of
/// the académie for the session (a snapshot, chunked ≤ 1,000 under one `importId`).
public struct MissionsImported: EventPayload, Equatable {
    public static let eventType = "missions.imported"
    public static let eventVersion = 1
    public static let maximumChunk = 1000

    public var importId: UUID
    public var session: Int
    public var academie: String
    public var chunk: Int
    public var chunks: Int
    public var missions: [MissionImportee]

    public init(importId: UUID, session: Int, academie: String, chunk: Int, chunks: Int, missions: [MissionImportee]) {
        self.importId = importId
        self.session = session
        self.academie = academie
        self.chunk = chunk
        self.chunks = chunks
        self.missions = missions
    }
}

extension Intervenant {
    /// A person as every consumer stores them: a login of 1…128 characters, a name, bounded fields.
    public var invalidity: String? {
        EventChecks.first(
            EventChecks.text(login, "login", maximum: 128), EventChecks.text(nom, "nom"),
            EventChecks.text(prenom, "prenom", required: false), EventChecks.text(email, "email", required: false, maximum: 254),
            uai.flatMap { $0.isEmpty ? nil : EventChecks.uai($0, "uai") },
            (divisions ?? []).count <= 100 ? nil : "more than 100 divisions",
            (divisions ?? []).lazy.compactMap { EventChecks.text($0, "division", maximum: 40) }.first)
    }
}

extension ConvocationIssued {
    public var invalidity: String? {
        EventChecks.first(
            EventChecks.session(session), EventChecks.academie(academie), EventChecks.epreuve(epreuve),
            (kind == .examinateur) == (centreUAI != nil) ? nil : "examiners are convoked to a centre, coordinators to none",
            centreUAI.flatMap { EventChecks.uai($0) }, intervenant.invalidity,
            activationCodeSHA256.count == 64 && activationCodeSHA256.allSatisfy({ $0.isHexDigit && $0.isASCII })
                ? nil : "activationCodeSHA256 is not 64 hexadecimal digits")
    }
}
