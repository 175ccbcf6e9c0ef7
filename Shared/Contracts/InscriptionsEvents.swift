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
