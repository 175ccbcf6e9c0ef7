import Foundation
import Logging
import PostgresNIO
import Shared

/// The closing of an exam × centre in Santorin sends the services faits with its last
/// `epreuve.closed` chunk: each becomes what Imag'In pays, priced by the mission's pay type in the
/// regulation version the mission was opened under. A redelivery is a no-op (inbox); a re-closure
/// replaces the work it reports, so nobody is paid twice.
struct ServicesFaitsHandler: Sendable {
    let schema: SQLIdentifier

    var handlers: [String: EventHandler] {
        [EpreuveClosed.eventType: { event, connection, logger in try await closed(event, connection, logger) }]
    }

    func closed(_ event: IncomingEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard event.version == EpreuveClosed.eventVersion else {
            throw EventRejected("epreuve.closed v\(event.version) is not understood")
        }
        let closed = try event.payload(as: EpreuveClosed.self)
        guard !closed.servicesFaits.isEmpty else { return }
        guard Set(closed.servicesFaits.map(\.intervenantId)).count == closed.servicesFaits.count,
            closed.servicesFaits.allSatisfy({ (0...10_000).contains($0.candidatsEvalues) })
        else { throw EventRejected("epreuve.closed services faits are malformed") }
        let s = schema.name
        for service in closed.servicesFaits {
            // The examiner mission of this exam × centre unless the closure names the mission.
            let rows = try await connection.query("""
                SELECT m.id, m.session, m.type_mission, r.contenu::text
                FROM \(unescaped: s).missions m
                JOIN \(unescaped: s).reglementations r ON r.session = m.session AND r.version = m.reglementation_version
                WHERE m.session = \(closed.session) AND m.epreuve = \(closed.epreuve)
                  AND CASE WHEN \(service.missionId)::uuid IS NULL
                           THEN m.academie = \(closed.academie) AND m.kind = 'examinateur' AND m.centre = \(closed.centreUAI)
                           ELSE m.id = \(service.missionId) END
                """, logger: logger).collect()
            guard let row = rows.first else {
                // Work done on a mission Imag'In does not know must not vanish: parked for an operator.
                throw EventRejected("no mission for \(closed.epreuve) at \(closed.centreUAI) (service fait of \(service.intervenantId))")
            }
            let (missionId, _, typeMission, contenu) = try row.decode((UUID, Int, String, String).self)
            let reglementation = try JSONDecoder().decode(Reglementation.self, from: Data(contenu.utf8))
            guard let type = reglementation.typeMission(typeMission), let pay = reglementation.typeRemuneration(type.remuneration)
            else { throw EventRejected("mission type \(typeMission) is not in its regulation") }
            try await connection.query("""
                INSERT INTO \(unescaped: s).services_faits (mission_id, intervenant_id, session, academie, epreuve, centre,
                    candidats_evalues, type_remuneration, montant_centimes, closure_id)
                VALUES (\(missionId), \(service.intervenantId), \(closed.session), \(closed.academie), \(closed.epreuve),
                        \(closed.centreUAI), \(service.candidatsEvalues), \(pay.code), \(Int64(pay.montant(candidats: service.candidatsEvalues))),
                        \(closed.closureId))
                ON CONFLICT (mission_id, intervenant_id) DO UPDATE SET candidats_evalues = EXCLUDED.candidats_evalues,
                    type_remuneration = EXCLUDED.type_remuneration, montant_centimes = EXCLUDED.montant_centimes,
                    centre = EXCLUDED.centre, closure_id = EXCLUDED.closure_id, enregistre_le = now()
                """, logger: logger)
        }
        logger.info("services faits recorded", metadata: ["epreuve": "\(closed.epreuve)", "centre": "\(closed.centreUAI)",
                                                         "count": "\(closed.servicesFaits.count)"])
    }
}
