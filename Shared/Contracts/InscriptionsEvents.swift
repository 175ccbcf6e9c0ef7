import Foundation

/// Events published by Inscriptions (Cyclades).

/// `notes.recorded`: the grades of one `epreuve.closed` chunk are stored in Cyclades.
public struct NotesRecorded: EventPayload, Equatable {
    public static let eventType = "notes.recorded"
    public static let eventVersion = 1

    public var closureId: UUID
    public var session: Int
    public var epreuve: String
    public var centreUAI: String
    public var chunk: Int
    public var recorded: Int

    public init(closureId: UUID, session: Int, epreuve: String, centreUAI: String, chunk: Int, recorded: Int) {
        self.closureId = closureId
        self.session = session
        self.epreuve = epreuve
        self.centreUAI = centreUAI
        self.chunk = chunk
        self.recorded = recorded
    }
}

/// A candidate as a centre d'épreuve needs them: who, and where they come from (division and school,
/// so Correction can keep examiners away from their own pupils).
public struct CandidatAffecte: Codable, Sendable, Equatable {
    public var candidatId: UUID
    public var numero: String
    public var nom: String
    public var prenoms: String
    public var categorie: String
    public var uaiOrigine: String?
    public var division: String?

    public init(candidatId: UUID, numero: String, nom: String, prenoms: String, categorie: String, uaiOrigine: String?,
                division: String?) {
        self.candidatId = candidatId
        self.numero = numero
        self.nom = nom
        self.prenoms = prenoms
        self.categorie = categorie
        self.uaiOrigine = uaiOrigine
        self.division = division
    }
}

/// `affectations.published`: the candidates of one centre × exam, in chunks of at most 1,000 sharing
/// one `publicationId`. A later publication of the same centre × exam replaces the earlier one whole.
public struct AffectationsPublished: EventPayload, Equatable {
    public static let eventType = "affectations.published"
    public static let eventVersion = 1
    public static let maximumChunk = 1000

    public var publicationId: UUID
    public var session: Int
    public var academie: String
    public var epreuve: String
    public var centreUAI: String
    public var chunk: Int
    public var chunks: Int
    public var candidats: [CandidatAffecte]

    public init(publicationId: UUID, session: Int, academie: String, epreuve: String, centreUAI: String, chunk: Int,
                chunks: Int, candidats: [CandidatAffecte]) {
        self.publicationId = publicationId
        self.session = session
        self.academie = academie
        self.epreuve = epreuve
        self.centreUAI = centreUAI
        self.chunk = chunk
        self.chunks = chunks
        self.candidats = candidats
    }
}
