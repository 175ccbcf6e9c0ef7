import Foundation
import Shared
import Synchronization

/// The sheets this replica last answered an examiner (after a draw or a save), each with its
/// row's `xmin`: the examiner's next save on it writes at once (`EditeurStatements.EnregistreGarde`,
/// which finds the row unchanged or writes nothing) instead of first reading it under a lock in a
/// transaction — four round trips to the database became one on the platform's hottest path.
/// Nothing here is trusted: a copy only spares a read when the row it came from is still the one
/// in the table, and the statement checks that under its locks.
final class FichesRepondues: Sendable {
    struct Reponse: Sendable {
        var fiche: Fiche
        var xmin: Int
        var login: String
        /// The grader's intervenant id on the sheet's commission.
        var examinateur: UUID
    }

    /// Sheets being graded on one replica at once (a draw to its last save): about four per examiner.
    private let capacity = 4_096
    /// A grid's free text past which a sheet is not kept: comments may run to a request's size.
    static let texteMax = 16_384
    private let known = Mutex<[UUID: Reponse]>([:])

    /// Kept for the next save, unless graded (a regrade goes the locked way, so `reprendre` never
    /// hands one out) or of a large text.
    func retenir(_ reponse: Reponse) {
        let grille = reponse.fiche.grille
        let texte = grille.commentaires.values.reduce(grille.commentaire?.utf8.count ?? 0) { $0 + $1.utf8.count }
        let utile = reponse.fiche.statut != "notee" && texte <= Self.texteMax
        known.withLock { known in
            guard utile else { known[reponse.fiche.id] = nil; return }
            if known[reponse.fiche.id] == nil { known.makeRoom(capacity: capacity, keeping: { _ in false }) }
            known[reponse.fiche.id] = reponse
        }
    }

    /// The sheet as answered to `login` at `version`, taken out: the save that uses it answers
    /// the next one. Another login's request leaves it (a colleague of the lot cannot evict it).
    func reprendre(_ id: UUID, version: Int, login: String) -> Reponse? {
        known.withLock { known in
            guard let reponse = known[id], reponse.login == login else { return nil }
            known[id] = nil
            return reponse.fiche.version == version ? reponse : nil
        }
    }
}
