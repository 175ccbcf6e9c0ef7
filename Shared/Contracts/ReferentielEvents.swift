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

extension SujetPublished {
    /// A valid barème (`Bareme.validate`), a version and a document that Postgres can store.
    public var invalidity: String? {
        EventChecks.first(
            EventChecks.session(session), EventChecks.epreuve(epreuve), EventChecks.text(code, "code", maximum: 32),
            EventChecks.text(titre, "titre"), EventChecks.text(dominante, "dominante", required: false),
            materiel.count <= 200 ? nil : "more than 200 items of materiel",
            materiel.lazy.compactMap { EventChecks.text($0, "materiel", maximum: 500) }.first,
            (1...Int(Int32.max)).contains(baremeVersion) ? nil : "baremeVersion \(baremeVersion)",
            bareme.validate().first.map { "barème: \($0)" },
            EventChecks.text(document.path, "document.path", maximum: 500),
            document.sha256.count == 64 && document.sha256.allSatisfy({ $0.isHexDigit && $0.isASCII })
                ? nil : "document.sha256 is not 64 hexadecimal digits",
            document.taille >= 0 ? nil : "document.taille \(document.taille)")
    }
}

extension SujetWithdrawn {
    public var invalidity: String? { EventChecks.first(EventChecks.session(session), EventChecks.epreuve(epreuve)) }
}
