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
    /// The centre's name and town, as the candidates' convocations print them (added: optional, so a
    /// consumer of the first payloads still reads them; nil from a producer that does not know them).
    public var centreNom: String?
    public var centreCommune: String?
    public var chunk: Int
    public var chunks: Int
    public var candidats: [CandidatAffecte]

    public init(publicationId: UUID, session: Int, academie: String, epreuve: String, centreUAI: String, centreNom: String? = nil,
                centreCommune: String? = nil, chunk: Int, chunks: Int, candidats: [CandidatAffecte]) {
        self.publicationId = publicationId
        self.session = session
        self.academie = academie
        self.epreuve = epreuve
        self.centreUAI = centreUAI
        self.centreNom = centreNom
        self.centreCommune = centreCommune
        self.chunk = chunk
        self.chunks = chunks
        self.candidats = candidats
    }
}

/// `intervenants.exported`: the people designated for one exam — examiners per centre d'épreuve
/// (designated by schools), or coordinators per académie (by the gestionnaire). A full snapshot of
/// that group, sent again whenever it changes; `exportVersion` grows, so a consumer keeps the
/// highest it has seen and ignores older or repeated ones.
public struct IntervenantsExported: EventPayload, Equatable {
    public static let eventType = "intervenants.exported"
    public static let eventVersion = 1

    public var session: Int
    public var academie: String
    public var epreuve: String
    public var role: MissionKind
    /// The centre d'épreuve for examiners; nil for coordinators (académie level, centre Santorin).
    public var centreUAI: String?
    public var exportVersion: Int64
    public var intervenants: [Intervenant]
    /// Who designated each of them for this group, in the same order (`academie:<code>` or
    /// `uai:<UAI>`): a school convokes only on its own designations. Absent from older exports.
    public var autorites: [String]?

    public init(session: Int, academie: String, epreuve: String, role: MissionKind, centreUAI: String?,
                exportVersion: Int64, intervenants: [Intervenant], autorites: [String]? = nil) {
        self.autorites = autorites
        self.session = session
        self.academie = academie
        self.epreuve = epreuve
        self.role = role
        self.centreUAI = centreUAI
        self.exportVersion = exportVersion
        self.intervenants = intervenants
    }
}

extension AffectationsPublished {
    public var invalidity: String? {
        EventChecks.first(
            EventChecks.session(session), EventChecks.academie(academie), EventChecks.epreuve(epreuve),
            EventChecks.uai(centreUAI),
            EventChecks.text(centreNom, "centreNom", required: false), EventChecks.text(centreCommune, "centreCommune", required: false),
            EventChecks.chunk(chunk, of: chunks, count: candidats.count, maximum: Self.maximumChunk),
            Set(candidats.map(\.candidatId)).count == candidats.count ? nil : "a candidate listed twice in one chunk",
            candidats.lazy.compactMap { c in
                EventChecks.first(
                    EventChecks.text(c.numero, "numero", maximum: 20), EventChecks.text(c.nom, "nom"),
                    EventChecks.text(c.prenoms, "prenoms", required: false), EventChecks.text(c.categorie, "categorie", maximum: 40),
                    c.uaiOrigine.flatMap { $0.isEmpty ? nil : EventChecks.uai($0, "uaiOrigine") },
                    EventChecks.text(c.division, "division", required: false, maximum: 40))
            }.first)
    }
}

extension IntervenantsExported {
    /// Examiners are exported per centre, coordinators per académie; one line per person and login.
    public var invalidity: String? {
        EventChecks.first(
            EventChecks.session(session), EventChecks.academie(academie), EventChecks.epreuve(epreuve),
            (role == .examinateur) == (centreUAI != nil) ? nil : "examiners need a centre, coordinators none",
            centreUAI.flatMap { EventChecks.uai($0) },
            exportVersion >= 0 ? nil : "exportVersion \(exportVersion)",
            intervenants.count <= 10_000 ? nil : "\(intervenants.count) people (at most 10000)",
            Set(intervenants.map(\.id)).count == intervenants.count ? nil : "a person listed twice",
            Set(intervenants.map(\.login)).count == intervenants.count ? nil : "a login listed twice",
            intervenants.lazy.compactMap(\.invalidity).first,
            autorites.map { $0.count == intervenants.count ? nil : "\($0.count) authorities for \(intervenants.count) people" } ?? nil,
            autorites?.first { Scope($0) == nil }.map { "invalid authority \($0.prefix(40))" })
    }
}
