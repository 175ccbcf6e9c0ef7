import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// A service's mail outbox, `<schema>.courriels`: a mail is written in the transaction of the change
/// it tells about, and `CourrielSender` sends it afterwards (DESIGN.md §5b).
///
/// States: `en_attente` (to send, at `next_attempt_at`), `envoi` (the end of the message went to the
/// server, its answer is not recorded), `envoye`, `echec` (refused with a 5xx, or `maxAttempts`
/// attempts failed), `annule` (withdrawn before it left, e.g. its convocation was cancelled).
///
/// Nothing is sent twice after a crash: a mail is claimed with a lease (its `next_attempt_at` moves
/// ahead) and stays `en_attente` while the client talks to the server, so a crash before the
/// message's end was sent lets it go again once the lease runs out (the server held no complete
/// mail). Just before the end-of-data marker it becomes `envoi`; the server's "250" makes it
/// `envoye`. A mail found in `envoi` — the process died or the connection broke in that window —
/// may or may not have been delivered: it is never resent automatically but shown to operators
/// (`ece-ops courriels`), who requeue it after checking the relay's log.
public struct Courriels: Sendable {
    public let schema: SQLIdentifier

    public init(schema: SQLIdentifier) { self.schema = schema }

    /// The table, its index and the NOTIFY that wakes the sender (version: the service's next migration).
    public static func migration(_ version: Int) -> Migration {
        Migration(version, "courriels", [
            """
            CREATE TABLE {schema}.courriels (
                id uuid PRIMARY KEY,
                -- What the mail is about (a convocation …): withdrawing it withdraws its mail.
                objet_id uuid,
                destinataire text NOT NULL,
                objet text NOT NULL,
                corps text NOT NULL,
                piece_jointe bytea,
                piece_jointe_nom text,
                statut text NOT NULL DEFAULT 'en_attente' CHECK (statut IN ('en_attente', 'envoi', 'envoye', 'echec', 'annule')),
                attempts int NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL DEFAULT now(),
                last_error text,
                cree_le timestamptz NOT NULL DEFAULT now(),
                envoye_le timestamptz
            )
            """,
            "CREATE INDEX courriels_en_attente ON {schema}.courriels (next_attempt_at) WHERE statut = 'en_attente'",
            "CREATE INDEX courriels_objet ON {schema}.courriels (objet_id)",
            """
            CREATE FUNCTION {schema}.courriels_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('{schema}_courriels', '');
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER courriels_notify AFTER INSERT OR UPDATE ON {schema}.courriels FOR EACH STATEMENT EXECUTE FUNCTION {schema}.courriels_notify()",
        ])
    }

    /// The NOTIFY only for a mail that is due (new, or requeued). Notifying every statement woke the
    /// sender with its own claim — an UPDATE, even of no row — so an idle sender spun for ever, a
    /// core and a database connection busy (version: the service's next migration).
    public static func notifyWhenDue(_ version: Int) -> Migration {
        Migration(version, "courriels_notify_when_due", [
            "DROP TRIGGER courriels_notify ON {schema}.courriels",
            """
            CREATE TRIGGER courriels_notify AFTER INSERT OR UPDATE ON {schema}.courriels FOR EACH ROW
            WHEN (NEW.statut = 'en_attente' AND NEW.next_attempt_at <= now()) EXECUTE FUNCTION {schema}.courriels_notify()
            """,
        ])
    }

    /// A mail that carries a secret (an activation code, a password link) keeps its text and
    /// attachment only until it is sent: afterwards the row no longer holds what would open an
    /// account to whoever reads the table (version: the service's next migration).
    public static func secrets(_ version: Int) -> Migration {
        Migration(version, "courriels_secrets", [
            "ALTER TABLE {schema}.courriels ADD COLUMN secret boolean NOT NULL DEFAULT false",
        ])
    }

    /// What a secret mail's text becomes once sent, withdrawn or given up.
    public static let corpsEfface = "(texte effacé après l'envoi : il portait un code ou un lien personnel)"

    /// The SET clauses that erase a secret mail (a constant: no input).
    static let effacementDuSecret = """
        corps = CASE WHEN secret THEN '\(corpsEfface.replacingOccurrences(of: "'", with: "''"))' ELSE corps END, piece_jointe = CASE WHEN secret THEN NULL ELSE piece_jointe END
        """

    /// Writes a mail in the caller's transaction; `secret`: its text and attachment are erased once sent.
    public func enqueue(_ courriel: Courriel, about objet: UUID?, secret: Bool = false, on connection: PostgresConnection,
                        logger: Logger) async throws {
        let piece = courriel.piecesJointes.first
        try await connection.query("""
            INSERT INTO \(unescaped: schema.name).courriels (id, objet_id, destinataire, objet, corps, piece_jointe, piece_jointe_nom, secret)
            VALUES (gen_random_uuid(), \(objet), \(courriel.destinataire), \(courriel.objet), \(courriel.corps),
                    \(piece.map { ByteBuffer(bytes: $0.contenu) }), \(piece?.nom), \(secret))
            """, logger: logger)
    }

    /// Withdraws the mails about `objet` that have not left yet.
    public func withdraw(about objet: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            UPDATE \(unescaped: schema.name).courriels SET statut = 'annule', last_error = 'retiré avant envoi',
                \(unescaped: Self.effacementDuSecret)
            WHERE objet_id = \(objet) AND statut = 'en_attente'
            """, logger: logger)
    }
}

/// Sends a service's pending mail through `SMTP_URL`, several instances side by side (rows claimed
/// with SKIP LOCKED). Wakes on the table's NOTIFY, looks anyway every `safetyPoll` (retries come due).
public final class CourrielSender: Service, Sendable {
    public struct Options: Sendable {
        public var maxAttempts = 8
        /// How long a claimed mail is someone's: more than a whole SMTP conversation's timeouts.
        public var lease: Duration = .seconds(600)
        public var safetyPoll: Duration = .seconds(1)
        /// The first retry's delay; it doubles at each attempt, up to an hour.
        public var backoffSeconds = 30
        public init() {}
    }

    private let courriels: Courriels
    private let client: PostgresClient
    private let smtp: SMTPClient?
    private let from: String
    private let options: Options
    private let logger: Logger
    private let ready: StartupGate?

    /// `smtp` nil: mail stays `en_attente` (logged once) until a server is configured.
    public init(courriels: Courriels, client: PostgresClient, smtp: SMTPClient?, from: String, options: Options = Options(),
                logger: Logger, ready: StartupGate? = nil) {
        (self.courriels, self.client, self.smtp, self.from, self.options, self.logger, self.ready) =
            (courriels, client, smtp, from, options, logger, ready)
    }

    /// From the environment: `SMTP_URL` (none: nothing is sent), `SMTP_CA_FILE`, `MAIL_FROM`, `MAIL_RETRY_SECONDS`,
    /// `MAIL_LEASE_SECONDS` (the chaos run shortens it, so that a mail claimed by a killed process goes again soon).
    public convenience init(runtime: ServiceRuntime) throws {
        let environment = runtime.configuration.environment
        let smtp = try environment["SMTP_URL"].flatMap { $0.isEmpty ? nil : $0 }
            .map { SMTPClient(configuration: try SMTPConfiguration(url: $0, caFile: environment["SMTP_CA_FILE"])) }
        var options = Options()
        if let seconds = environment["MAIL_RETRY_SECONDS"].flatMap(Int.init), seconds > 0 { options.backoffSeconds = seconds }
        if let seconds = environment["MAIL_LEASE_SECONDS"].flatMap(Int.init), seconds > 0 { options.lease = .seconds(seconds) }
        self.init(courriels: Courriels(schema: runtime.schema), client: runtime.postgres, smtp: smtp,
                  from: environment["MAIL_FROM"] ?? "ne-pas-repondre@ece.localhost", options: options, logger: runtime.logger,
                  ready: runtime.ready)
    }

    public func run() async throws {
        try await ready?.wait()
        guard smtp != nil else {
            logger.warning("SMTP_URL is not set: mail stays queued in \(courriels.schema.name).courriels, nothing is sent")
            try? await gracefulShutdown()
            return
        }
        logger.info("mail goes through \(smtp!.configuration)")
        try? await cancelWhenGracefulShutdown {
            await ClaimedWork(client: self.client, channel: "\(self.courriels.schema.name)_courriels",
                              safetyPoll: self.options.safetyPoll, passDeadline: nil, logger: self.logger)
                .run("mail") { try await self.sendOne() }
        }
    }

    /// Claims one due mail and sends it; false when none is due.
    @discardableResult
    public func sendOne() async throws -> Bool {
        guard let smtp else { return false }
        let t = courriels.schema.name
        let lease = Double(options.lease.components.seconds)
        let rows = try await client.query("""
            UPDATE \(unescaped: t).courriels SET attempts = attempts + 1, next_attempt_at = now() + \(lease) * interval '1 second'
            WHERE id = (SELECT id FROM \(unescaped: t).courriels WHERE statut = 'en_attente' AND next_attempt_at <= now()
                        ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id, destinataire, objet, corps, piece_jointe, piece_jointe_nom, attempts
            """, logger: logger).collect()
        guard let row = rows.first else { return false }
        let (id, destinataire, objet, corps, piece, nom, attempts) =
            try row.decode((UUID, String, String, String, ByteBuffer?, String?, Int).self)
        let courriel = Courriel(destinataire: destinataire, objet: objet, corps: corps, piecesJointes: piece.map {
            [.init(nom: nom ?? "document.pdf", type: "application/pdf", contenu: Array($0.readableBytesView))]
        } ?? [])
        do {
            try await smtp.send(from: from, to: [destinataire], message: try courriel.mime(from: from, id: id)) {
                try await self.client.query("UPDATE \(unescaped: t).courriels SET statut = 'envoi' WHERE id = \(id)", logger: self.logger)
            }
            try await client.query("""
                UPDATE \(unescaped: t).courriels SET statut = 'envoye', envoye_le = now(), last_error = NULL,
                    \(unescaped: Courriels.effacementDuSecret)
                WHERE id = \(id)
                """, logger: logger)
        } catch {
            let failure = error as? SMTPFailure
            let text = String("\(error)".prefix(1000))
            if failure?.uncertain == true {
                // Stays `envoi`: maybe delivered, for an operator to decide.
                try await client.query("UPDATE \(unescaped: t).courriels SET last_error = \("incertain : " + text) WHERE id = \(id)",
                                       logger: logger)
                logger.error("mail maybe delivered, left for operators", metadata: ["courriel": "\(id)", "error": "\(text)"])
            } else {
                let echec = failure?.permanent == true || attempts >= options.maxAttempts
                // Backoff doubles per attempt (30 s, 1 min, 2 min … by default), capped at one hour.
                try await client.query("""
                    UPDATE \(unescaped: t).courriels SET statut = CASE WHEN \(echec) THEN 'echec' ELSE 'en_attente' END,
                        \(unescaped: echec ? Courriels.effacementDuSecret + "," : "")
                        last_error = \(text), next_attempt_at = now() + least(interval '1 hour', \(options.backoffSeconds) * interval '1 second' * power(2, \(attempts - 1)))
                    WHERE id = \(id)
                    """, logger: logger)
                logger.warning("mail not sent", metadata: ["courriel": "\(id)", "attempt": "\(attempts)", "echec": "\(echec)",
                                                           "error": "\(text)"])
            }
        }
        return true
    }
}
