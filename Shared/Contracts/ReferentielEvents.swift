import Foundation

/// Events published by Referentiel (Référentiel Sujet).

/// Where a subject's document can be fetched, and how to check it.
public struct DocumentRef: Codable, Sendable, Equatable {
    public var path: String
    public var sha256: String
    public var taille: Int

    public init(path: String, sha256: String, taille: Int) {
        self.path = path
        self.sha256 = sha256
        self.taille = taille
    }
}

/// `sujet.published`: a validated subject and its barème (a snapshot: grades refer to this version)
/// become usable. Correction must not show the content before `visibleFrom` (the embargo).
public struct SujetPublished: EventPayload, Equatable {
    public static let eventType = "sujet.published"
    public static let eventVersion = 1

    public var sujetId: UUID
    public var epreuve: String
    public var session: Int
    public var code: String
    public var titre: String
    public var dominante: String?
    public var materiel: [String]
    public var baremeVersion: Int
    public var bareme: Bareme
    public var document: DocumentRef
    public var visibleFrom: Date

    public init(sujetId: UUID, epreuve: String, session: Int, code: String, titre: String, dominante: String?,
                materiel: [String], baremeVersion: Int, bareme: Bareme, document: DocumentRef, visibleFrom: Date) {
        self.sujetId = sujetId
        self.epreuve = epreuve
        self.session = session
        self.code = code
        self.titre = titre
        self.dominante = dominante
        self.materiel = materiel
        self.baremeVersion = baremeVersion
        self.bareme = bareme
        self.document = document
        self.visibleFrom = visibleFrom
    }
}

/// `sujet.withdrawn`: no longer offered; grades already given keep their barème version.
public struct SujetWithdrawn: EventPayload, Equatable {
    public static let eventType = "sujet.withdrawn"
    public static let eventVersion = 1

    public var sujetId: UUID
    public var epreuve: String
    public var session: Int

    public init(sujetId: UUID, epreuve: String, session: Int) {
        self.sujetId = sujetId
        self.epreuve = epreuve
        self.session = session
    }
}
