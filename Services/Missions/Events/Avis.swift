import Foundation
import Logging
import PostgresNIO
import Shared

/// The mails that tell examiners and coordinators what happened to their work (issue 21 item 3): a
/// lot unlocked (`lot.unlocked`), an exam closed (`epreuve.closed`, from `ServicesFaitsHandler`) and
/// new messages (`message.posted`, batched by `AvisMessages`). Each is written to `courriels` in the
/// transaction of the event's inbox row: a redelivery mails nobody twice. One mail per person, to
/// the address from Cyclades' export; a person without one is skipped (logged).
struct Avis: Sendable {
    let schema: SQLIdentifier
    /// The platform's address, for the links in the mails (`PUBLIC_URL`).
    let publicURL: String

    private var courriels: Courriels { Courriels(schema: schema) }

    var handlers: [String: EventHandler] {
        [LotUnlocked.eventType: { event, connection, logger in try await deverrouille(event, connection, logger) },
         MessagePosted.eventType: { event, connection, logger in try await messagePoste(event, connection, logger) }]
    }

    struct Personne: Sendable { var id: UUID; var nom: String; var email: String }

    /// The people among `ids` whom a mail can reach; the others are logged, not mailed.
    static func personnes(_ ids: [UUID], schema: SQLIdentifier, _ connection: PostgresConnection, _ logger: Logger) async throws -> [Personne] {
        guard !ids.isEmpty else { return [] }
        let rows = try await connection.query("""
            SELECT id, prenom || ' ' || nom, btrim(COALESCE(email, '')) FROM \(unescaped: schema.name).intervenants WHERE id = ANY(\(ids))
            """, logger: logger).collect()
        let found = try rows.map { try $0.decode((UUID, String, String).self) }
        let reachable = found.filter { !$0.2.isEmpty }.map { Personne(id: $0.0, nom: $0.1, email: $0.2) }
        for id in Set(ids).subtracting(reachable.map(\.id)) {
            logger.notice("no address known: not mailed", metadata: ["intervenant": "\(id)"])
        }
        return reachable
    }

    static func epreuve(_ code: String) -> String { "\(EpreuvePratique(rawValue: code)?.libelle ?? code) (\(code))" }
    static let signature = "Message envoyé automatiquement par la plateforme ECE : merci de ne pas y répondre."

    // MARK: lot.unlocked

    func deverrouille(_ event: IncomingEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard event.version == LotUnlocked.eventVersion else { throw EventRejected("lot.unlocked v\(event.version) is not understood") }
        let lot = try event.payload(as: LotUnlocked.self)
        for personne in try await Self.personnes(lot.examinateurs ?? [], schema: schema, connection, logger) {
            try await courriels.enqueue(Self.lotDeverrouille(lot, pour: personne, publicURL: publicURL), about: lot.lotId,
                                        on: connection, logger: logger)
        }
    }

    static func lotDeverrouille(_ lot: LotUnlocked, pour personne: Personne, publicURL: String) -> Courriel {
        Courriel(destinataire: personne.email, objet: "Votre lot a été déverrouillé — épreuve \(lot.epreuve), centre \(lot.centreUAI)", corps: """
            Bonjour \(personne.nom),

            Votre lot de l'épreuve \(epreuve(lot.epreuve)), session \(lot.session), au centre d'épreuve \(lot.centreUAI), a été déverrouillé.
            Motif : \(lot.motif)

            Vous pouvez de nouveau y modifier les notes, puis le verrouiller :
            \(publicURL)/examinateur#lot-\(lot.lotId.uuidString.lowercased())

            \(signature)
            """)
    }

    // MARK: epreuve.closed

    /// The closure's mail to each person in its services faits (`kinds`: their mission's kind, by
    /// intervenant), written once per closure by the caller.
    func cloture(_ closed: EpreuveClosed, kinds: [UUID: MissionKind], _ connection: PostgresConnection, _ logger: Logger) async throws {
        let evalues = Dictionary(closed.servicesFaits.map { ($0.intervenantId, $0.candidatsEvalues) }, uniquingKeysWith: +)
        for personne in try await Self.personnes(Array(evalues.keys), schema: schema, connection, logger) {
            try await courriels.enqueue(Self.epreuveClose(closed, pour: personne, kind: kinds[personne.id] ?? .examinateur,
                                                          candidats: evalues[personne.id] ?? 0),
                                        about: closed.closureId, on: connection, logger: logger)
        }
    }

    static func epreuveClose(_ closed: EpreuveClosed, pour personne: Personne, kind: MissionKind, candidats: Int) -> Courriel {
        let version = closed.closureVersion ?? 0
        let nouvelle = version > 1
        let travail = kind == .coordinateur
            ? "Vous en avez coordonné la correction pour l'académie."
            : "Vous y avez évalué \(candidats) candidat\(candidats > 1 ? "s" : "")."
        return Courriel(destinataire: personne.email,
                        objet: "L'épreuve est close\(nouvelle ? " (nouvelle version)" : "") — épreuve \(closed.epreuve), centre \(closed.centreUAI)",
                        corps: """
            Bonjour \(personne.nom),

            L'épreuve \(epreuve(closed.epreuve)), session \(closed.session), est close au centre d'épreuve \(closed.centreUAI).\
            \(nouvelle ? "\nIl s'agit d'une nouvelle version de la clôture (version \(version)), après une réouverture : elle remplace la précédente." : "")
            \(travail)

            \(signature)
            """)
    }

    // MARK: message.posted

    /// Each person named waits for their next notice (`AvisMessages` mails them together).
    func messagePoste(_ event: IncomingEvent, _ connection: PostgresConnection, _ logger: Logger) async throws {
        guard event.version == MessagePosted.eventVersion else { throw EventRejected("message.posted v\(event.version) is not understood") }
        let message = try event.payload(as: MessagePosted.self)
        try await connection.query("""
            INSERT INTO \(unescaped: schema.name).avis_messages (intervenant_id, session, epreuve, centre, fil_id, titre, auteur, role)
            SELECT DISTINCT i, \(message.session), \(message.epreuve), \(message.centreUAI ?? ""), \(message.filId), \(message.titre),
                   \(message.auteur), \(message.role)
            FROM unnest(\(message.destinataires)::uuid[]) AS d(i)
            """, logger: logger)
    }

    struct Nouveau: Sendable { var epreuve: String; var centre: String; var titre: String; var auteur: String; var role: String }

    static let roles = ["examinateur": "examinateur", "coordinateur": "coordination", "referent": "référent de correction",
                        "centre": "centre d'épreuve", "gestionnaire": "gestionnaire de l'académie"]

    /// One mail for the messages waiting for a person: how many, from whom, in which thread.
    static func nouveauxMessages(_ messages: [Nouveau], pour personne: Personne, publicURL: String) -> Courriel {
        var groupes: [(Nouveau, Int)] = []
        for message in messages {
            if let i = groupes.firstIndex(where: { ($0.0.auteur, $0.0.epreuve, $0.0.centre, $0.0.titre) ==
                                                   (message.auteur, message.epreuve, message.centre, message.titre) }) {
                groupes[i].1 += 1
            } else {
                groupes.append((message, 1))
            }
        }
        let n = messages.count
        let lignes = groupes.map { message, count in
            "- \(count) de \(message.auteur) (\(roles[message.role] ?? message.role)), épreuve \(message.epreuve)"
                + "\(message.centre.isEmpty ? " (académie)" : ", centre \(message.centre)"), fil « \(message.titre) »"
        }
        return Courriel(destinataire: personne.email,
                        objet: n > 1 ? "\(n) nouveaux messages sur la plateforme ECE" : "Un nouveau message sur la plateforme ECE",
                        corps: """
            Bonjour \(personne.nom),

            Vous avez \(n > 1 ? "\(n) nouveaux messages" : "un nouveau message") dans la messagerie de la plateforme ECE :
            \(lignes.joined(separator: "\n"))

            Pour les lire : \(publicURL)/messages

            \(signature)
            """)
    }
}
