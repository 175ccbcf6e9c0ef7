import Foundation
import Logging
import PostgresNIO
import Shared

/// The closing of an exam × centre in Santorin sends the services faits with its last
/// `epreuve.closed` chunk: the work each convoked person did there. A redelivery is a no-op (inbox);
/// the newest closure of a centre replaces what an older one reported (people it leaves out are no
/// longer paid for that centre), and an older closure arriving late changes nothing. Amounts are
/// computed when read, from each mission's pay type (`MissionRepository.servicesFaits`).
///
/// Each closure (not each chunk, nor a redelivery) mails the people it reports their work (`Avis`).
struct ServicesFaitsHandler: Sendable {
    let schema: SQLIdentifier
    let avis: Avis

    var handlers: [String: EventHandler] {
        [EpreuveClosed.eventType: { event, connection, logger in try await closed(event, connection, logger) }]
    }

    func closed(_ event: IncomingEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard event.version == EpreuveClosed.eventVersion else {
            throw EventRejected("epreuve.closed v\(event.version) is not understood")
        }
        let closed = try event.payload(as: EpreuveClosed.self)
        guard closed.chunk == closed.chunks else { return }
        // A re-marking after closing is one candidate's new closure: the commission's services
        // faits stand as its closing reported them (nobody is paid twice, the coordinator's
        // re-marking is within their flat fee), and nobody is mailed.
        if let recorrection = closed.recorrection {
            logger.info("re-marking: services faits unchanged", metadata: ["recorrection": "\(recorrection.recorrectionId)"])
            return
        }
        // The second readers' sheets (issue 22 item 2) are paid as their own `second_lecteur` lines.
        let services = closed.servicesFaits + (closed.secondesLectures ?? [])
        guard Set(services.map { "\($0.intervenantId)/\($0.missionId?.uuidString ?? "")/\($0.role?.rawValue ?? "")" }).count == services.count,
            services.allSatisfy({ (0...10_000).contains($0.candidatsEvalues) })
        else { throw EventRejected("epreuve.closed services faits are malformed") }
        let s = schema.name
        let newest = try await connection.query("""
            INSERT INTO \(unescaped: s).clotures AS c (session, epreuve, centre, closure_id, closure_le)
            VALUES (\(closed.session), \(closed.epreuve), \(closed.centreUAI), \(closed.closureId), \(event.occurredAt))
            ON CONFLICT (session, epreuve, centre) DO UPDATE SET closure_id = EXCLUDED.closure_id, closure_le = EXCLUDED.closure_le
                WHERE c.closure_le < EXCLUDED.closure_le
            RETURNING 1
            """, logger: logger).collect()
        guard !newest.isEmpty else {
            logger.info("older closure ignored", metadata: ["closureId": "\(closed.closureId)"])
            return
        }
        var missions: [UUID] = []
        var roles: [String] = []
        var kinds: [UUID: MissionKind] = [:]
        for service in services {
            // The mission named, or the examiner mission of this exam × centre; it must belong to this
            // closing (session, exam, académie; an examiner mission to this centre) and the person
            // must have been convoked to it.
            let rows = try await connection.query("""
                SELECT m.id, m.kind FROM \(unescaped: s).missions m
                WHERE m.session = \(closed.session) AND m.epreuve = \(closed.epreuve) AND m.academie = \(closed.academie)
                  AND (m.kind = 'coordinateur' OR m.centre = \(closed.centreUAI))
                  AND CASE WHEN \(service.missionId)::uuid IS NULL THEN m.kind = 'examinateur' ELSE m.id = \(service.missionId) END
                  AND EXISTS (SELECT 1 FROM \(unescaped: s).convocations c WHERE c.mission_id = m.id AND c.intervenant_id = \(service.intervenantId))
                """, logger: logger).collect()
            guard let (missionId, kind) = try rows.first?.decode((UUID, String).self) else {
                // Work that Imag'In cannot attach to a convocation must not vanish: parked for an operator.
                throw EventRejected("no convocation of \(service.intervenantId) for \(closed.epreuve) at \(closed.centreUAI)")
            }
            missions.append(missionId)
            // Events sent before the role existed: the mission's kind says it.
            roles.append(service.role?.rawValue ?? kind)
            if service.role != .secondLecteur { kinds[service.intervenantId] = MissionKind(rawValue: kind) }
        }
        guard Set(zip(missions, services).enumerated().map { "\($1.0)/\($1.1.intervenantId)/\(roles[$0])" }).count == services.count else {
            throw EventRejected("epreuve.closed reports the same person twice on one mission")
        }
        try await connection.query("""
            DELETE FROM \(unescaped: s).services_faits
            WHERE session = \(closed.session) AND epreuve = \(closed.epreuve) AND centre = \(closed.centreUAI)
              AND closure_id <> \(closed.closureId)
            """, logger: logger)
        try await connection.query("""
            INSERT INTO \(unescaped: s).services_faits (mission_id, intervenant_id, centre, session, academie, epreuve,
                candidats_evalues, closure_id, closure_le, role)
            SELECT m, i, \(closed.centreUAI), \(closed.session), \(closed.academie), \(closed.epreuve), n, \(closed.closureId),
                   \(event.occurredAt), r
            FROM unnest(\(missions)::uuid[], \(services.map(\.intervenantId))::uuid[], \(services.map(\.candidatsEvalues))::int[],
                        \(roles)::text[]) AS sf(m, i, n, r)
            ON CONFLICT (mission_id, intervenant_id, centre, role) DO UPDATE SET candidats_evalues = EXCLUDED.candidats_evalues,
                closure_id = EXCLUDED.closure_id, closure_le = EXCLUDED.closure_le, enregistre_le = now()
            """, logger: logger)
        try await avis.cloture(closed, kinds: kinds, connection, logger)
        logger.info("services faits recorded", metadata: ["epreuve": "\(closed.epreuve)", "centre": "\(closed.centreUAI)",
                                                         "count": "\(services.count)"])
    }
}
