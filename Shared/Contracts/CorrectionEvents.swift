import Foundation

/// Events published by Correction (Santorin).

/// A candidate's result at one exam: a mark on 20 in half points, an absence, or an exemption.
public enum Resultat: Codable, Sendable, Equatable {
    case note(demiPoints: Int)
    case absentInjustifie
    case absentJustifie
    case dispense

    enum CodingKeys: String, CodingKey { case type, demiPoints }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "note":
            let demiPoints = try c.decode(Int.self, forKey: .demiPoints)
            guard (0...40).contains(demiPoints) else {
                throw DecodingError.dataCorruptedError(forKey: .demiPoints, in: c, debugDescription: "0…40 half points")
            }
            self = .note(demiPoints: demiPoints)
        case "absent_injustifie": self = .absentInjustifie
        case "absent_justifie": self = .absentJustifie
        case "dispense": self = .dispense
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown result \(other)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .note(let demiPoints):
            try c.encode("note", forKey: .type)
            try c.encode(demiPoints, forKey: .demiPoints)
        case .absentInjustifie: try c.encode("absent_injustifie", forKey: .type)
        case .absentJustifie: try c.encode("absent_justifie", forKey: .type)
        case .dispense: try c.encode("dispense", forKey: .type)
        }
    }
}

public struct NoteCandidat: Codable, Sendable, Equatable {
    public var candidatId: UUID
    public var numero: String
    public var resultat: Resultat

    public init(candidatId: UUID, numero: String, resultat: Resultat) {
        self.candidatId = candidatId
        self.numero = numero
        self.resultat = resultat
    }
}

/// The work an examiner (the candidates they graded) or a coordinator (0: a flat fee) did at a closed
/// exam × centre, on their mission (Missions pays it).
public struct ServiceFait: Codable, Sendable, Equatable {
    public var intervenantId: UUID
    public var missionId: UUID?
    public var candidatsEvalues: Int
    /// What the person did there (absent from events sent before it existed: read from the mission's kind).
    public var role: RoleServiceFait?

    public init(intervenantId: UUID, missionId: UUID?, candidatsEvalues: Int, role: RoleServiceFait? = nil) {
        self.intervenantId = intervenantId
        self.missionId = missionId
        self.candidatsEvalues = candidatsEvalues
        self.role = role
    }
}

/// The work a service fait pays. `second_lecteur` (the sheets a second reader read, issue 22
/// item 2) travels in `EpreuveClosed.secondesLectures` only, never in `servicesFaits`: a Missions
/// that predates the case ignores that field instead of failing on an unknown role.
public enum RoleServiceFait: String, Codable, Sendable {
    case examinateur, coordinateur
    case secondLecteur = "second_lecteur"
}

/// A re-marking after closing (« recorrection », e.g. after an appeal): the `epreuve.closed` that
/// carries it is the new closure of ONE candidate (one note, no services faits, the commission's
/// closure id and version); `version` numbers the candidate's re-markings, 1 for the first.
public struct Recorrection: Codable, Sendable, Equatable {
    public var recorrectionId: UUID
    public var version: Int
    public var motif: String

    public init(recorrectionId: UUID, version: Int, motif: String) {
        (self.recorrectionId, self.version, self.motif) = (recorrectionId, version, motif)
    }
}

/// `epreuve.closed`: an exam × centre is closed. Sent in chunks of at most 1,000 grades sharing one
/// `closureId`; the services faits travel in the last chunk. A re-closure has a new `closureId`
/// and a higher `closureVersion`, and replaces the grades it carries; a chunk of an older closure
/// (late, or replayed from a dead-letter queue) changes nothing.
public struct EpreuveClosed: EventPayload, Equatable {
    public static let eventType = "epreuve.closed"
    public static let eventVersion = 1
    public static let maximumChunk = 1000

    public var closureId: UUID
    public var session: Int
    public var academie: String
    public var epreuve: String
    public var centreUAI: String
    public var chunk: Int
    public var chunks: Int
    public var notes: [NoteCandidat]
    public var servicesFaits: [ServiceFait]
    /// Which closure of this exam × centre it is: 1 for the first, one more at each re-closure after
    /// a reopening. Absent from events sent before it existed (read as 0, older than any closure
    /// that carries it). Official grades never go back: a consumer applies a chunk only if its
    /// version is the newest it knows for the exam × centre.
    public var closureVersion: Int?
    /// Present on a re-marking after closing only (see `Recorrection`): consumers apply it to that
    /// candidate alone, and Missions pays nothing for it (the commission's services faits stand).
    public var recorrection: Recorrection?
    /// The second readers' work (issue 22 item 2), in the last chunk with `servicesFaits`: one line
    /// per reader with the sheets they read at this exam × centre, role `second_lecteur`, on their
    /// examiner mission. An additive optional field: consumers that predate it ignore it.
    public var secondesLectures: [ServiceFait]?

    public init(closureId: UUID, session: Int, academie: String, epreuve: String, centreUAI: String, chunk: Int,
                chunks: Int, notes: [NoteCandidat], servicesFaits: [ServiceFait], closureVersion: Int? = nil,
                recorrection: Recorrection? = nil, secondesLectures: [ServiceFait]? = nil) {
        self.secondesLectures = secondesLectures
        self.recorrection = recorrection
        self.closureVersion = closureVersion
        self.closureId = closureId
        self.session = session
        self.academie = academie
        self.epreuve = epreuve
        self.centreUAI = centreUAI
        self.chunk = chunk
        self.chunks = chunks
        self.notes = notes
        self.servicesFaits = servicesFaits
    }
}

/// `lot.locked`: an examiner group's lot is finished (every candidate graded or absent).
public struct LotLocked: EventPayload, Equatable {
    public static let eventType = "lot.locked"
    public static let eventVersion = 1

    public var lotId: UUID
    public var session: Int
    public var academie: String
    public var epreuve: String
    public var centreUAI: String
    public var candidats: Int
    public var by: UUID

    public init(lotId: UUID, session: Int, academie: String, epreuve: String, centreUAI: String, candidats: Int, by: UUID) {
        self.lotId = lotId
        self.session = session
        self.academie = academie
        self.epreuve = epreuve
        self.centreUAI = centreUAI
        self.candidats = candidats
        self.by = by
    }
}

/// `lot.unlocked`: the centre or the coordinator reopened a lot, with a reason. Missions mails the
/// lot's examiners (`examinateurs`).
public struct LotUnlocked: EventPayload, Equatable {
    public static let eventType = "lot.unlocked"
    public static let eventVersion = 1

    public var lotId: UUID
    public var session: Int
    public var academie: String
    public var epreuve: String
    public var centreUAI: String
    public var motif: String
    public var by: UUID
    /// The lot's examiners (intervenant ids, as Cyclades exports them). Absent from events sent
    /// before it existed: nobody is told.
    public var examinateurs: [UUID]?

    public init(lotId: UUID, session: Int, academie: String, epreuve: String, centreUAI: String, motif: String, by: UUID,
                examinateurs: [UUID]? = nil) {
        self.lotId = lotId
        self.session = session
        self.academie = academie
        self.epreuve = epreuve
        self.centreUAI = centreUAI
        self.motif = motif
        self.by = by
        self.examinateurs = examinateurs
    }
}

/// `message.posted`: a message in a thread of the messaging (Santorin). Names the examiners and
/// coordinators who may read it besides its author (intervenant ids); Missions mails them a notice,
/// batched per person. Carries no text: the message is read on the platform.
public struct MessagePosted: EventPayload, Equatable {
    public static let eventType = "message.posted"
    public static let eventVersion = 1

    public var filId: UUID
    public var session: Int
    public var academie: String
    public var epreuve: String
    /// nil: the académie's thread for the exam.
    public var centreUAI: String?
    /// The thread's title.
    public var titre: String
    /// Who wrote it, as shown on the platform (a name, or a login), and their role.
    public var auteur: String
    public var role: String
    public var destinataires: [UUID]

    public init(filId: UUID, session: Int, academie: String, epreuve: String, centreUAI: String?, titre: String, auteur: String,
                role: String, destinataires: [UUID]) {
        (self.filId, self.session, self.academie, self.epreuve, self.centreUAI) = (filId, session, academie, epreuve, centreUAI)
        (self.titre, self.auteur, self.role, self.destinataires) = (titre, auteur, role, destinataires)
    }
}

extension EpreuveClosed {
    /// One line per registration, grades 0…40 (checked when decoded), work counted in 0…10,000 candidates.
    public var invalidity: String? {
        EventChecks.first(
            EventChecks.session(session), EventChecks.academie(academie), EventChecks.epreuve(epreuve),
            EventChecks.uai(centreUAI),
            EventChecks.chunk(chunk, of: chunks, count: notes.count, maximum: Self.maximumChunk),
            Set(notes.map(\.candidatId)).count == notes.count ? nil : "a candidate graded twice in one chunk",
            notes.lazy.compactMap { EventChecks.text($0.numero, "numero", maximum: 20) }.first,
            servicesFaits.count <= 10_000 ? nil : "\(servicesFaits.count) services faits",
            servicesFaits.allSatisfy { (0...10_000).contains($0.candidatsEvalues) } ? nil : "candidatsEvalues outside 0...10000",
            chunk == chunks || servicesFaits.isEmpty ? nil : "services faits outside the last chunk",
            servicesFaits.allSatisfy { $0.role != .secondLecteur } ? nil : "second_lecteur outside secondesLectures",
            (secondesLectures ?? []).allSatisfy { $0.role == .secondLecteur && (1...10_000).contains($0.candidatsEvalues) }
                ? nil : "secondesLectures: role second_lecteur, 1...10000 sheets",
            (secondesLectures ?? []).count <= 10_000 ? nil : "\(secondesLectures?.count ?? 0) second readers",
            chunk == chunks || (secondesLectures ?? []).isEmpty ? nil : "second readers outside the last chunk",
            (closureVersion ?? 0) >= 0 ? nil : "closureVersion \(closureVersion ?? 0)",
            recorrection.flatMap { r in
                notes.count == 1 && chunks == 1 && servicesFaits.isEmpty && (secondesLectures ?? []).isEmpty && r.version >= 1
                    ? (r.motif.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || r.motif.count > 1000 ? "motif empty or too long" : nil)
                    : "a re-marking carries one grade, no services faits, version >= 1"
            })
    }
}

extension LotUnlocked {
    public var invalidity: String? {
        EventChecks.first(
            EventChecks.session(session), EventChecks.academie(academie), EventChecks.epreuve(epreuve), EventChecks.uai(centreUAI),
            // A reason may span lines (a form's text area): only its presence and size are checked.
            motif.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || motif.count > 1000 ? "motif empty or too long" : nil,
            (examinateurs?.count ?? 0) <= 1000 ? nil : "\(examinateurs?.count ?? 0) examinateurs")
    }
}

extension MessagePosted {
    public var invalidity: String? {
        EventChecks.first(
            EventChecks.session(session), EventChecks.academie(academie), EventChecks.epreuve(epreuve),
            centreUAI.flatMap { EventChecks.uai($0) }, EventChecks.text(titre, "titre"), EventChecks.text(auteur, "auteur"),
            EventChecks.text(role, "role", maximum: 40),
            destinataires.count <= 10_000 ? nil : "\(destinataires.count) destinataires")
    }
}
