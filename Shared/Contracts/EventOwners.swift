/// Which service owns (alone publishes) each event type: its broker user, named after the service.
/// A consumer accepts an event only when the broker-validated `user_id` is its owner (DESIGN.md §5b);
/// scripts/broker-users.sh gives each user the same types as topic permissions on `ece.events`.
public enum EventOwners {
    public static let byType: [String: String] = [
        SujetPublished.eventType: "referentiel",
        SujetWithdrawn.eventType: "referentiel",
        AffectationsPublished.eventType: "inscriptions",
        IntervenantsExported.eventType: "inscriptions",
        NotesRecorded.eventType: "inscriptions",
        ConvocationIssued.eventType: "missions",
        ConvocationCancelled.eventType: "missions",
        MissionsImported.eventType: "missions",
        EpreuveClosed.eventType: "correction",
        LotLocked.eventType: "correction",
        LotUnlocked.eventType: "correction",
        MessagePosted.eventType: "correction",
    ]

    /// Why an event of `type` published by broker user `userId` must be refused, or nil.
    public static func problem(type: String, userId: String?, owners: [String: String] = byType) -> String? {
        guard let owner = owners[type] else { return "\(type) has no owning service" }
        guard let userId else { return "no user_id: only \(owner) publishes \(type)" }
        return userId == owner ? nil : "published by broker user \(userId.prefix(64)), only \(owner) publishes \(type)"
    }
}
