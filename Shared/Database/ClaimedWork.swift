import Logging
import PostgresNIO

/// Work kept in a table and done by whichever instance claims a row (`FOR UPDATE SKIP LOCKED`):
/// passes run while they find work, then wait for the table's NOTIFY on `channel`, or `safetyPoll`
/// at most (a retry come due, a notification lost while the listening connection was down).
public struct ClaimedWork: Sendable {
    let client: PostgresClient
    let channel: String
    let safetyPoll: Duration
    /// A pass still unanswered after this is given up (its connection died under it: `abandoning`);
    /// nil for work that may rightly take long, such as an SMTP conversation.
    let passDeadline: Duration?
    let logger: Logger

    public init(client: PostgresClient, channel: String, safetyPoll: Duration, passDeadline: Duration? = .seconds(60),
                logger: Logger) {
        (self.client, self.channel, self.safetyPoll, self.passDeadline, self.logger) =
            (client, channel, safetyPoll, passDeadline, logger)
    }

    /// Runs until cancelled. `pass` does one unit of work in its own transaction and says whether it
    /// found any; a failed pass is logged (`what`) and tried again after the safety poll.
    public func run(_ what: String, pass: @escaping @Sendable () async throws -> Bool) async {
        let wakeup = Wakeup()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await TableListener(client: client, channel: channel, logger: logger).run(waking: wakeup) }
            group.addTask {
                while !Task.isCancelled {
                    do {
                        if let passDeadline {
                            if try await abandoning(after: passDeadline, pass) { continue }
                        } else if try await pass() {
                            continue
                        }
                    } catch is CancellationError {
                        return
                    } catch {
                        logger.warning("\(what): pass failed", metadata: ["error": "\(error)"])
                    }
                    await wakeup.wait(upTo: safetyPoll)
                }
            }
            await group.next()
            group.cancelAll()
        }
    }
}
