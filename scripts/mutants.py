#!/usr/bin/env python3
"""The mutation check of the road-map rules (issue 26, item 7): does changing a rule make a test fail?

Each mutation below changes one rule's code a little (a `<=` turned `<`, a bound moved, a guard
skipped, a cap removed, an SQL condition dropped) and names the tests that must then fail. For
each: the file is checked clean in git, mutated, built (`swift build --build-tests`, incremental),
its tests run on a fresh database and vhost (ECE_DATABASE, default ece_test) (`swift test --skip-build
--no-parallel --filter …` holding /tmp/ece-infra.lock, the lock `flock` takes for every test run on the machine), and the file restored with `git checkout` whatever happens (Ctrl-C included). A mutation is
  killed      its tests failed (or crashed, or outlived the time limit)
  survived    its tests passed: a rule can break unnoticed; kill it with a test, or explain it
              in its `explained` field (the report prints it)
  invalid     it does not compile (not counted)
  no-test     its tests did not run: the filter matches none, or the test binary did not start
              (a mistake in this list or the setup; fails the run)
Tests/mutants/REPORT.md gets the table, the commit it ran on and the totals; the run fails when
fewer than 90 % of the valid mutations are killed.

  scripts/mutants.py                    every mutation (make mutants): about 3-5 minutes each
  scripts/mutants.py --only 'SAISIE-*'  some of them (ids or shell patterns, comma-separated)
  scripts/mutants.py --resume           keeps the results already recorded on this commit
  scripts/mutants.py --report           rewrites the report from the results recorded on this commit
  scripts/mutants.py --dry-run          no build: every snippet occurs once, every mutated file
                                        still parses (swiftc -parse), every filter names a test
  scripts/mutants.py --list             the mutations, one a line

Results accumulate in var/mutants/results.json (per commit), the build and test output of each
mutation in var/mutants/<id>.log.
"""
import argparse, contextlib, datetime, fcntl, fnmatch, hashlib, json, os, re, shutil, signal, subprocess, sys, tempfile, time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "Tests/mutants/REPORT.md"
WORK = ROOT / "var/mutants"
RESULTS = WORK / "results.json"
LOCK = "/tmp/ece-infra.lock"
THRESHOLD = 0.90
SWIFT_BIN = "/opt/swift/usr/bin"
# The tests' own database and vhost (never the development platform's), recreated before each run.
DATABASE = os.environ.setdefault("ECE_DATABASE", "ece_test")
os.environ.setdefault("ECE_VHOST", DATABASE)
if DATABASE == "ece":
    raise SystemExit("mutants: ECE_DATABASE=ece is the development platform's database; the run recreates its database")


@dataclass(frozen=True)
class Mutation:
    id: str
    file: str
    original: str       # must occur exactly once in the file
    replacement: str
    tests: str          # `swift test --filter` regex of the tests that must fail
    rule: str           # the rule it breaks, in a line
    explained: str = ""  # why a survivor may survive (filled once it is known to survive)

    def digest(self):
        return hashlib.sha256("\0".join((self.file, self.original, self.replacement, self.tests)).encode()).hexdigest()[:16]


# Where the rules live.
CRENEAU = "Services/Correction/Domain/Creneau.swift"
DISTRIBUTION = "Services/Correction/Domain/Distribution.swift"
GRILLE = "Services/Correction/Domain/Grille.swift"
FICHES = "Services/Correction/Infrastructure/FicheRepository.swift"
EDITEUR = "Services/Correction/Infrastructure/EditeurStatements.swift"
COMMISSIONS = "Services/Correction/Infrastructure/CommissionRepository.swift"
CORRECTION_API = "Services/Correction/API/Correction.swift"
SECONDES = "Services/Correction/Infrastructure/SecondeLectureRepository.swift"
BAREME = "Shared/Bareme/Bareme.swift"
AFFECTATION = "Services/Inscriptions/Domain/Affectation.swift"
CSV = "Services/Inscriptions/Domain/CandidatsCSV.swift"
UAI = "Services/Inscriptions/Domain/UAI.swift"
NOTE_RETENUE = "Services/Inscriptions/Domain/NoteRetenue.swift"
AFFECTATIONS = "Services/Inscriptions/Infrastructure/AffectationRepository.swift"
INSCRIPTIONS_API = "Services/Inscriptions/API/Candidats.swift"
NOTES = "Services/Inscriptions/Events/NotesHandler.swift"
REGLEMENTATION = "Services/Missions/Domain/Reglementation.swift"
SERVICES_FAITS = "Services/Missions/Events/ServicesFaitsHandler.swift"
MISSIONS = "Services/Missions/Infrastructure/MissionRepository.swift"
SUJET = "Services/Referentiel/Domain/Sujet.swift"
RECORRECTION = "Services/Correction/Infrastructure/FicheRepository+Recorrection.swift"
DESIGNATIONS = "Services/Inscriptions/Infrastructure/DesignationRepository.swift"
DESIGNATIONS_API = "Services/Inscriptions/API/Designations.swift"

# The tests (docs/testing.md, "Road-map rules and their tests"); the pure suites when they kill, no platform to start.
# Swift Testing matches a filter against `Target/Suite/test()/File.swift:line:column`: the unescaped dot
# after the target matches that `/` (and XCTest's `.`).
DOMAIN = "ServiceTests.CorrectionDomainTests/"
RULES = "ServiceTests.RoadMapRuleTests/"
FLOW = "ServiceTests.CorrectionTests/aCentreDistributesExaminersGradeLockAndTheClosingReachesCycladesAndImagIn"
SECONDE_LECTURE = "ServiceTests.SecondeLectureTests/aSampleIsReadBlindFlaggedSettledAndTheSettledMarkReachesCyclades"
PRINTED = "ServiceTests.CorrectionTests/printedSheetsKeepTheEmbargo"
BAREMES = "SharedTests.BaremeTests/"
AFFECT = "ServiceTests.AffectationTests/"
CSV_TESTS = "ServiceTests.CandidatsCSVTests/"
MISSIONS_FLOW = "ServiceTests.MissionsTests/openingTwiceGivesTheSameMissionsAndConvocationsAndServicesFaitsFlow"
REMONTEE = "ServiceTests.RemonteeTests/"
RECORR_FLOW = "ServiceTests.RecorrectionTests/"

M = Mutation
MUTATIONS = [
    # --- Correction's domain: the draw rule, distribution, the grid ---
    M("CRENEAU-1", CRENEAU, "static let minimumParDominante = 2", "static let minimumParDominante = 1",
      DOMAIN + "physiqueChimie",
      "physique-chimie: at least two physics- and two chemistry-dominant situations per slot"),
    M("CRENEAU-2", CRENEAU, "if autresCreneaux.contains(Set(demandes)) {", "if false {",
      DOMAIN + "physiqueChimie",
      "the set of subjects changes every half-day"),
    M("CRENEAU-3", CRENEAU, "if sujet.retire {", "if false {",
      DOMAIN + "physiqueChimie|" + RULES + "aWithdrawnSubjectIsNeverOfferedInASlot|" + FLOW,
      "a withdrawn subject is never offered in a slot"),
    M("DISTRIB-1", DISTRIBUTION, "return membres.contains { $0.uai == uai && $0.divisions.contains(division) }",
      "return membres.contains { $0.uai == uai || $0.divisions.contains(division) }",
      DOMAIN + "anExaminerNeverGetsTheirOwnPupils",
      "a conflict is the examiner's own school and division (not a division of the same name elsewhere)"),
    M("DISTRIB-2", DISTRIBUTION, "let possibles = libres.filter { !conflit(candidat, groupes[$0].membres) }",
      "let possibles = libres",
      DOMAIN + "anExaminerNeverGetsTheirOwnPupils",
      "automatic distribution: never a pupil to their own teacher"),
    M("DISTRIB-3", DISTRIBUTION, "let libres = groupes.indices.filter { groupes[$0].place(creneau) > 0 }",
      "let libres = groupes.indices.filter { groupes[$0].place(creneau) >= 0 }",
      DOMAIN + "atMostFourCandidatesPerExaminerPerSlot",
      "automatic distribution: at most four candidates per examiner in a slot"),
    M("GRILLE-1", GRILLE, r"aides: aides.filter { $0.critere == saisie.code }.map(\.aide))", "aides: [])",
      DOMAIN + "aidsCapTheLevelAndTheMarkFollows|" + FLOW,
      "the editor passes each criterion's aids to the mark (an aid caps its criterion)"),

    # --- The barème (Shared): rounding, aid caps, level shares ---
    M("BAREME-1", BAREME, "let extra = r >= threeQuarters ? 2 : (r >= quarter ? 1 : 0)",
      "let extra = r > threeQuarters ? 2 : (r >= quarter ? 1 : 0)",
      BAREMES + "roundingRule",
      "rounding to the half point: x.75 goes up to x+1"),
    M("BAREME-2", BAREME, "let extra = r >= threeQuarters ? 2 : (r >= quarter ? 1 : 0)",
      "let extra = r >= threeQuarters ? 2 : (r > quarter ? 1 : 0)",
      BAREMES + "roundingRule",
      "rounding to the half point: x.25 goes up to x.5"),
    M("BAREME-3", BAREME, "return max(self, cap)", "return min(self, cap)",
      BAREMES + "(levelOrder|aidCaps)",
      "a cap only makes a level worse (capped)"),
    M("BAREME-4", BAREME, "aides.map(plafond(for:)).max()", "aides.map(plafond(for:)).min()",
      BAREMES + "aidCaps",
      "several aids on a criterion: the worst cap wins (plafond)"),
    M("BAREME-5", BAREME, "return min(earned, critere.poids * ValeursNiveaux()[cap])", "return earned",
      BAREMES + "nsiMarks",
      "an aid caps a points criterion (NSI) too"),
    M("BAREME-6", BAREME, "b: Fraction = Fraction(2, 3)", "b: Fraction = Fraction(3, 4)",
      BAREMES + "(physiqueChimieMarks|jsonShape)",
      "level shares: B earns two thirds of the weight by default"),

    # --- Cyclades' domain: the grade kept, assignment, the candidates file ---
    M("NOTE-1", NOTE_RETENUE, "case .absentInjustifie: 0", "case .absentInjustifie: nil",
      RULES + "justifiedAndUnjustifiedAbsencesReachCycladesApart",
      "an unjustified absence counts 0 in Cyclades"),
    M("AFFECT-1", AFFECTATION, "if !delegations.contains(epreuve) {", "if false {",
      AFFECT + "aSchoolAssignsItsOwnPupilsForDelegatedExamsOnly",
      "a school assigns for the exams delegated to it only"),
    M("AFFECT-2", AFFECTATION, "if candidat.uaiOrigine != uai { return", "if false { return",
      AFFECT + "aSchoolAssignsItsOwnPupilsForDelegatedExamsOnly",
      "a school assigns its own pupils only"),
    M("AFFECT-3", AFFECTATION, "if let reason = casParticulier(candidat, epreuve: epreuve) { return reason }",
      "if let reason = casParticulier(candidat, epreuve: epreuve), false { return reason }",
      AFFECT + "specialCasesAreTheGestionnairesOnly|" + RULES + "aSchoolIsRefusedItsOwnSpecialCasePupil",
      "the special cases (individual STL, CNED in NSI, non-autonomous schools) are the gestionnaire's"),
    M("AFFECT-4", AFFECTATION, "var aDeLaPlace: Bool { affectes < capacite }", "var aDeLaPlace: Bool { affectes <= capacite }",
      AFFECT + "theGestionnaireAssignsWithinTheRules|" + RULES + "aFullCentreIsRefused",
      "a centre takes no more candidates than its capacity"),
    M("AFFECT-5", AFFECTATION, "distance(origine, a) < distance(origine, b) ||", "distance(origine, a) > distance(origine, b) ||",
      AFFECT + "theSuggestionIsTheOwnSchoolElseTheNearestCentreWithRoom",
      "the suggestion is the nearest centre with room"),
    M("CSV-1", CSV, 'if categorie == "scolaire" && division.isEmpty {', 'if false && division.isEmpty {',
      CSV_TESTS + "everyErrorIsReportedWithLineAndColumn",
      "the candidates file: a scolaire has a division"),
    M("CSV-2", CSV, r'!seen.insert("\(numero)|\(epreuve.rawValue)").inserted',
      r'!seen.insert("\(numero)|\(epreuve.rawValue)|\(n)").inserted',
      CSV_TESTS + "everyErrorIsReportedWithLineAndColumn",
      "the candidates file: one registration per candidate and exam"),
    M("UAI-1", UAI, "return letters[n % 23] == chars[7]", "return letters[(n + 1) % 23] == chars[7]",
      CSV_TESTS + "uaiCheckLetters",
      "a UAI's check letter"),

    # --- Imag'In's and Référentiel's domain: pricing, the regulation, subjects ---
    M("REGLEMENT-1", REGLEMENTATION, "? 0 : montantCentimes", "? 0 : montantCentimes * candidats",
      MISSIONS_FLOW,
      "a flat fee (coordinators) does not depend on candidates"),
    M("REGLEMENT-2", REGLEMENTATION, "case .parCandidat: montantCentimes * candidats", "case .parCandidat: montantCentimes",
      MISSIONS_FLOW,
      "an examiner is paid per candidate evaluated"),
    M("REGLEMENT-3", REGLEMENTATION, "guard pay.missions.contains(type.kind) else {", "guard true else {",
      "ServiceTests.MissionsTests/regulationAndParametersRefuseWhatDisagrees",
      "a mission type is paid by a pay type of its kind"),
    M("SUJET-1", SUJET, "case (nil, false):", "case (nil, false) where false:",
      "ServiceTests.ReferentielTests/invalidInputGets422ListingEveryFieldAndChangesNothing",
      "a physique-chimie subject has a dominant (the draw rule needs it)"),

    # --- The editor's save ---
    M("SAISIE-1", FICHES, "guard (0...40).contains(override) else {", "guard (0...41).contains(override) else {",
      RULES + "anOverrideStaysWithin0To20AndOnlyOnAFinalGrade",
      "an override stays within 0-20 (0-40 half points)"),
    M("SAISIE-2", FICHES, "guard (0...40).contains(override) else {", "guard (1...40).contains(override) else {",
      RULES + "anOverrideStaysWithin0To20AndOnlyOnAFinalGrade",
      "an override of 0/20 is allowed"),
    M("SAISIE-3", FICHES, "guard (1...1000).contains(reason.count) else {", "guard (0...1000).contains(reason.count) else {",
      RULES + "anOverrideStaysWithin0To20AndOnlyOnAFinalGrade",
      "an override needs its reason"),
    M("SAISIE-4", FICHES,
      'guard e.noteFinale == nil else {\n                    throw Problem.validation([.init(field: "noteFinale", reason: "un brouillon',
      'guard true else {\n                    throw Problem.validation([.init(field: "noteFinale", reason: "un brouillon',
      RULES + "anOverrideStaysWithin0To20AndOnlyOnAFinalGrade",
      "never an override on a draft"),
    M("SAISIE-5", FICHES,
      'guard e.noteFinale == nil else {\n                throw Problem.validation([.init(field: "noteFinale", reason: "pas de note',
      'guard true else {\n                throw Problem.validation([.init(field: "noteFinale", reason: "pas de note',
      RULES + "anOverrideStaysWithin0To20AndOnlyOnAFinalGrade",
      "never a mark on an absence"),
    M("SAISIE-6", FICHES, "guard manquants.isEmpty, let suggested = suggeree(bareme, grille) else {",
      "guard let suggested = Optional(suggeree(bareme, grille) ?? 0) else {",
      RULES + "(anOverrideStaysWithin0To20AndOnlyOnAFinalGrade|aPartlyGradedLotIsRefusedTheLock|anIncompleteGridIsNeverFinal)|" + FLOW,
      "a grade is final only once every criterion is evaluated"),
    M("SAISIE-7", FICHES, "guard !lotVerrouille else {", "guard true else {",
      FLOW,
      "a locked lot is read-only"),
    M("SAISIE-8", FICHES, "guard current.version == version else {", "guard true else {",
      FLOW,
      "a stale save gets 409 with the sheet as it stands"),

    # --- The subject: draw, choice, embargo ---
    M("TIRAGE-1", FICHES, "guard visibles == true else {", "guard visibles != nil else {",
      RULES + "choosingASubjectUnderEmbargoIsRefused",
      "no draw nor choice while a subject of the slot is under embargo"),
    M("TIRAGE-2", EDITEUR, "bool_and(su.visible_from <= now())\n            FROM creneaux c",
      "bool_and(su.visible_from <= now() + interval '2 days')\n            FROM creneaux c",
      RULES + "choosingASubjectUnderEmbargoIsRefused",
      "the embargo ends at visibleFrom, not before (SQL)"),
    M("TIRAGE-3", FICHES, "guard offre.sujets.contains(sujet) else {", "guard true else {",
      RULES + "choosingASubjectUnderEmbargoIsRefused",
      "the examiner chooses among the slot's subjects only"),
    M("TIRAGE-4", FICHES, "guard offre.choix || offre.sujets.count == 1 else {", "guard true else {",
      RULES + "(choosingASubjectUnderEmbargoIsRefused|noChoiceWhereTheCentreDoesNotAllowIt)|" + FLOW,
      "no choice where the centre does not allow it (the draw then)"),
    M("TIRAGE-10", EDITEUR, "FOR NO KEY UPDATE OF f FOR SHARE OF c, g\n            ), o AS", "\n            ), o AS",
      "ServiceTests.SauvegardeConcurrenteTests/twoDrawsAtOnceDrawOnce",
      "a draw without a read first holds its sheet and lot from its statement's start: without, the race's draws never wait (the test times out) or both draw"),
    M("TIRAGE-11", EDITEUR, "FILTER (WHERE NOT su.retire), '{}') AS offerts", ", '{}') AS offerts",
      RULES + "choosingASubjectUnderEmbargoIsRefused",
      "a withdrawn subject is neither drawn nor chosen (without a read first)"),
    M("TIRAGE-12", EDITEUR, "AND e.intervenant_id = ANY(g.membres) -- again", "-- again",
      "ServiceTests.SauvegardeConcurrenteTests/aDrawWaitingForItsLotSeesTheExaminerTakenOut",
      "a draw that waited for its lot checks the lot's members as they now stand"),
    M("TIRAGE-13", FICHES, "if let tiree = try await sujetDirect(id, sujet: nil, version: version, by: by) { return tiree }", "",
      "ServiceTests.SauvegardeConcurrenteTests/aDrawAndTheSaveAfterItTakeNoTransaction",
      "a draw takes one statement, not the locked transaction (what the editor's speed rests on)"),
    M("TIRAGE-14", FICHES, "if let choisie = try await sujetDirect(id, sujet: sujet, version: version, by: by) { return choisie }", "",
      "ServiceTests.SauvegardeConcurrenteTests/aDrawAndTheSaveAfterItTakeNoTransaction",
      "a choice takes one statement, not the locked transaction"),
    M("TIRAGE-7", EDITEUR, "HAVING bool_and(su.visible_from <= now())", "HAVING bool_and(su.visible_from <= now() + interval '2 days')",
      RULES + "choosingASubjectUnderEmbargoIsRefused",
      "the embargo ends at visibleFrom, not before (the draw without a read first)"),
    M("TIRAGE-8", EDITEUR, "(o.choix OR cardinality(o.offerts) = 1) AND $4::uuid", "$4::uuid",
      RULES + "(choosingASubjectUnderEmbargoIsRefused|noChoiceWhereTheCentreDoesNotAllowIt)|" + FLOW,
      "no choice where the centre does not allow it (the choice without a read first)"),
    M("TIRAGE-9", EDITEUR, "cardinality(o.offerts) = 1) AND $4::uuid = ANY(o.offerts) THEN", "cardinality(o.offerts) = 1) THEN",
      RULES + "choosingASubjectUnderEmbargoIsRefused",
      "the examiner chooses among the slot's subjects only (the choice without a read first)"),
    M("EMBARGO-1", FICHES, "AND NOT su.retire AND su.visible_from <= now()", "AND NOT su.retire",
      PRINTED,
      "a printed sheet shows nothing of a subject under embargo"),
    M("EMBARGO-2", COMMISSIONS, "CASE WHEN visible_from <= now() THEN titre END", "titre",
      FLOW,
      "a subject's title stays hidden until visibleFrom"),

    # --- Second looks (issue 22 item 2) ---
    M("RELECTURE-1", SECONDES, "let exclus = Set(membres + [premier])", "let exclus = Set<UUID>()",
      SECONDE_LECTURE, "the second reader is never the sheet's first examiner nor of its lot"),
    M("RELECTURE-2", SECONDES, "grille: grille, statut: etat, absence: nil,", "grille: f.grille, statut: etat, absence: nil,",
      SECONDE_LECTURE, "the second reader's view carries none of the first examiner's levels or comments"),
    M("RELECTURE-3", SECONDES, "guard (1...1000).contains(motif.count) else {", "guard (0...1000).contains(motif.count) else {",
      SECONDE_LECTURE, "settling a second look needs a reason"),
    M("RELECTURE-5", COMMISSIONS, "WHERE sl.statut <> 'tranchee' AND (\\(fiches)::uuid[] IS NULL", "WHERE false AND (\\(fiches)::uuid[] IS NULL",
      "ServiceTests.SecondeLectureTests/whileALookIsOpenItsReaderAndItsSheetStayApart",
      "while a look is open, neither its sheet into its reader's lot nor its reader into the sheet's group"),
    M("RELECTURE-6", FICHES, "AND sl.centre = \\(key.centre) AND sl.lue_le IS NOT NULL) w", "AND sl.centre = \\(key.centre) AND false) w",
      "ServiceTests.HarmonisationParcoursTests/", "the closing reports the second readers' sheets"),
    M("REGLEMENT-4", REGLEMENTATION, "role == RoleServiceFait.secondLecteur.rawValue ? 0", "false ? 0",
      "ServiceTests.MissionsTests/aSecondReadingIsPricedByTheReadersMission",
      "a second reading adds nothing to a flat fee"),
    M("STATS-1", "Services/Correction/API/Suivi.swift", "if autres.national < minimum {", "if autres.national < 1 {",
      "ServiceTests.StatistiquesExaminateursTests/anExaminersAnonymousMeanIsOverTwoOtherExaminersAtLeast",
      "an examiner's anonymous mean is over two other examiners at least"),
    M("RELECTURE-4", FICHES, "let relues = try await secondesLecturesOuvertes(key, connection)\n            guard relues.isEmpty else {",
      "let relues = try await secondesLecturesOuvertes(key, connection)\n            guard true else {",
      SECONDE_LECTURE, "the commission is not closed while a second look is open"),

    # --- Lots: lock, unlock ---
    M("VERROU-1", FICHES, "statut IN ('notee', 'absent') FROM", "statut IN ('notee', 'absent', 'brouillon') FROM",
      RULES + "aPartlyGradedLotIsRefusedTheLock",
      "a lot is locked once every sheet is graded or absent: a draft is not"),
    M("VERROU-2", FICHES, "guard manquants.isEmpty else {", "guard true else {",
      RULES + "aPartlyGradedLotIsRefusedTheLock",
      "a partly graded lot is refused the lock"),
    M("VERROU-4", EDITEUR, "FOR UPDATE OF f FOR SHARE OF c, g", "FOR UPDATE OF f",
      "ServiceTests.SauvegardeConcurrenteTests/",
      "a save and its lot's locking wait for each other: no lot locked with a draft, no locked sheet changed"),
    M("VERROU-5", EDITEUR, "ANY(g.membres))\n                FOR NO KEY UPDATE OF f FOR SHARE OF c, g",
      "ANY(g.membres))\n                FOR NO KEY UPDATE OF f",
      "ServiceTests.SauvegardeConcurrenteTests/aLockWaitsForTheDirectSaveItCrosses",
      "a save without a transaction holds its lot from its statement's start: a locking that crosses it waits"),
    M("VERROU-6", EDITEUR, "f.statut <> 'notee'\n                  AND c.etat = 'ouverte' AND NOT g.verrouille",
      "f.statut <> 'notee'\n                  AND c.etat = 'ouverte'",
      "ServiceTests.SauvegardeConcurrenteTests/aDirectSaveThatWaitedForALockIsRefused",
      "a save sent while the lot was open is refused at its write once the lot locked"),
    M("VERROU-7", EDITEUR, " AND f.xmin::text::int8 = $17::int8", "",
      "ServiceTests.SauvegardeConcurrenteTests/aSaveAfterTheSheetChangedAnswersItAsItNowStands",
      "a save without a read first writes only a row unchanged since Correction answered it"),
    M("VERROU-8", EDITEUR, "AND e.intervenant_id = ANY(g.membres))", ")",
      "ServiceTests.SauvegardeConcurrenteTests/anExaminerTakenOutOfTheLotNoLongerSavesTheSheetTheyDrew",
      "a save without a read first is still its lot's member's only"),
    M("VERROU-9", EDITEUR, "WHERE f.id = $1::uuid AND e.intervenant_id = ANY(g.membres)\n            FOR UPDATE OF f", "WHERE f.id = $1::uuid\n            FOR UPDATE OF f",
      "ServiceTests.SauvegardeConcurrenteTests/aRegradeWaitingForItsLotSeesTheExaminerTakenOut",
      "a save that waited for its lot checks the lot's members as they now stand"),
    M("JOURNAL-1", EDITEUR, r'''return "jsonb_build_object(" + colonnes.map { "'\($0)', \(alias).\($0)" }.joined(separator: ", ") + ")"''',
      r'return "to_jsonb(\(alias))"',
      FLOW, "the audit keeps a sheet's grading before and after a save, not the candidate's identity, lot nor slot"),
    M("TIRAGE-5", EDITEUR, " AND f.version = $3::int8 AND f.sujet_id IS NULL", "",
      "ServiceTests.SauvegardeConcurrenteTests/twoDrawsAtOnceDrawOnce",
      "a draw without a read first sets the subject of a sheet that has none, at the version the examiner saw"),
    M("TIRAGE-6", EDITEUR, "AND e.intervenant_id = ANY(g.membres) LIMIT 1) e ON true\n                WHERE f.id = $1::uuid AND f.version = $3::int8"
      " AND f.sujet_id IS NULL AND c.etat = 'ouverte' AND NOT g.verrouille\n                  AND e.intervenant_id = ANY(g.membres) -- again",
      "LIMIT 1) e ON true\n                WHERE f.id = $1::uuid AND f.version = $3::int8"
      " AND f.sujet_id IS NULL AND c.etat = 'ouverte' AND NOT g.verrouille\n                  -- again",
      "ServiceTests.WriteMatrixTests/everyRoleOnEveryCorrectionWriteInsideAndOutsideItsPerimeter",
      "a draw without a read first is its lot's members' only, not every examiner of the centre"),
    M("VERROU-3", CORRECTION_API, "        } else if let commission = try await commissions.commission(lot.key) {\n            try await covers(caller, commission)",
      "        } else if let commission = try await commissions.commission(lot.key) {\n            commission.key == lot.key",
      RULES + "theCorrectionsFollowersLockForTheExaminerAndUnlockWithAReason",
      "a lot is locked or unlocked for its examiner by the followers of its own commission only"),
    M("DEVERROU-1", CORRECTION_API, '"deverrouillerLot": Garde(.centre, .referent, .coordinateur, .gestionnaire),',
      '"deverrouillerLot": Garde(.centre, .referent, .coordinateur, .gestionnaire, .examinateur),',
      RULES + "(unlockingNeedsAReasonAndTheCentreOrACoordinator|theCorrectionsFollowersLockForTheExaminerAndUnlockWithAReason)",
      "the lot's followers (centre, référent, convoked coordinator, gestionnaire) unlock, never the examiner"),
    M("DEVERROU-2", CORRECTION_API, "guard (1...1000).contains(motif.count) else {", "guard (0...1000).contains(motif.count) else {",
      RULES + "unlockingNeedsAReasonAndTheCentreOrACoordinator",
      "unlocking (and reopening) needs a reason"),
    M("DEVERROU-3", FICHES, r"WHERE id = \(groupe.id) AND verrouille RETURNING membres", r"WHERE id = \(groupe.id) RETURNING membres",
      RULES + "unlockingNeedsAReasonAndTheCentreOrACoordinator",
      "only a locked lot is unlocked (SQL)"),

    # --- Closing, reopening ---
    M("CLOTURE-1", FICHES, "AND (g.id IS NULL OR NOT g.verrouille)", "AND (g.id IS NULL)",
      FLOW + "|" + RULES + "(closingIsBlockedByAnUndistributedCandidate|unlockingNeedsAReasonAndTheCentreOrACoordinator|anUnlockedLotBlocksTheClosing)",
      "closing only when every lot is locked (a graded lot unlocked again blocks it too)"),
    M("CLOTURE-2", FICHES, "AND (g.id IS NULL OR NOT g.verrouille)", "AND (NOT g.verrouille)",
      RULES + "closingIsBlockedByAnUndistributedCandidate",
      "closing is blocked by an undistributed candidate"),
    M("CLOTURE-3", FICHES, 'case ("absent", "justifiee", _): resultat = .absentJustifie',
      'case ("absent", "justifiee", _): resultat = .absentInjustifie',
      RULES + "justifiedAndUnjustifiedAbsencesReachCycladesApart",
      "a justified absence reaches Cyclades as such"),
    M("CLOTURE-4", FICHES, r"AND f.centre = \(key.centre) AND f.statut = 'notee'", r"AND f.centre = \(key.centre)",
      FLOW,
      "services faits count the graded candidates, not the absent ones (SQL)"),
    M("CLOTURE-5", FICHES, "services.append(ServiceFait(intervenantId: coordinateur, missionId: mission, candidatsEvalues: 0, role: .coordinateur))",
      "_ = (coordinateur, mission)",
      RULES + "coordinatorsArePaidByARealClosing",
      "a real closing reports the exam's coordinators (their flat fee)"),
    M("CLOTURE-6", FICHES, "closure_version = closure_version + 1", "closure_version = closure_version",
      REMONTEE + "aReopenedAndReclosedExamKeepsTheNewestGradesThroughReplays",
      "each closing of a centre has a higher version (official grades never go back)"),
    M("REOUVRE-1", CORRECTION_API, '"cloturer": Garde(.centre), "rouvrir": Garde(.gestionnaire),',
      '"cloturer": Garde(.centre), "rouvrir": Garde(.gestionnaire, .centre),',
      RULES + "reopeningNeedsTheGestionnaireAndAReasonAndReClosingReplacesTheGrades",
      "only the académie's gestionnaire reopens"),
    M("REOUVRE-2", FICHES, r"AND centre = \(key.centre) AND etat = 'close' RETURNING 1", r"AND centre = \(key.centre) RETURNING 1",
      RULES + "reopeningNeedsTheGestionnaireAndAReasonAndReClosingReplacesTheGrades",
      "only a closed exam is reopened (SQL)"),

    # --- Distribution through the API: four per examiner and slot, never one's own pupil ---
    M("CAPACITE-1", COMMISSIONS,
      r"HAVING count(f.id) > \(Distribution.candidatsParExaminateurEtCreneau) * cardinality(g.membres)",
      r"HAVING count(f.id) > \(Distribution.candidatsParExaminateurEtCreneau) * cardinality(g.membres) + 1",
      RULES + "aFifthCandidateForAnExaminerInASlotIsRefused",
      "a fifth candidate for an examiner in a slot is refused (SQL)"),
    M("CAPACITE-2", COMMISSIONS,
      'guard moved == Set(fiches).count else { throw Problem.notFound("fiche") }\n            try await checkCapacity(key, connection)\n',
      'guard moved == Set(fiches).count else { throw Problem.notFound("fiche") }\n',
      RULES + "aFifthCandidateForAnExaminerInASlotIsRefused",
      "placing candidates in a slot checks the four-per-examiner rule"),
    M("CAPACITE-3", COMMISSIONS, r"let conflits = candidats.filter { Distribution.conflit($0.0, membres) }.map(\.numero)",
      "let conflits: [String] = []",
      FLOW,
      "manual distribution: never a pupil to their own teacher"),

    # --- Cyclades: delegation, suggestions, grades that never go back ---
    M("DELEG-1", AFFECTATIONS, "!delegations.contains(ep) || Affectation.casParticulier(candidat, epreuve: ep) != nil { continue }",
      "!delegations.contains(ep) { continue }",
      RULES + "aSchoolIsRefusedItsOwnSpecialCasePupil",
      "a school is suggested none of its special-case pupils"),
    M("DESIGN-1", DESIGNATIONS, "if corrige { return (id, try await groupes(of: person, session: groupe.session, on: connection), !inserted.isEmpty) }",
      "if corrige && false { return (id, try await groupes(of: person, session: groupe.session, on: connection), !inserted.isEmpty) }",
      "ServiceTests.InscriptionsTests/aCorrectedPersonIsExportedAgainInEveryGroupOfTheirs",
      "a person corrected by a new designation reaches Imag'In: every group of theirs is exported again"),
    M("DESIGN-2", DESIGNATIONS_API, "if case .academie = caller.scope, let uai = demande.intervenant.uai?.uppercased() {",
      "if case .national = caller.scope, let uai = demande.intervenant.uai?.uppercased() {",
      "ServiceTests.InscriptionsTests/aGestionnaireNamesOnlyASchoolOfItsAcademie",
      "a gestionnaire names only a school of its académie as a person's school"),
    M("DESIGN-3", DESIGNATIONS_API, "guard csv.errorCount == 0 else { throw Problem.fichierRefuse(csv.errors, total: csv.errorCount) }",
      "guard csv.errorCount >= 0 else { throw Problem.fichierRefuse(csv.errors, total: csv.errorCount) }",
      "ServiceTests.InscriptionsTests/aWholeListIsDesignatedFromAFileAllOrNothing",
      "a designations file with one wrong line records nothing"),
    M("DESIGN-4", DESIGNATIONS, "guard size <= GroupeDesignation.maximum else {", "guard size >= 0 else {",
      "ServiceTests.InscriptionsTests/aGroupNeverGrowsPastWhatOneExportCarries",
      "a group never grows past what one export carries"),
    M("DESIGN-5", "Services/Inscriptions/Domain/DemandeDesignation.swift",
      "if let email = person.email, !AnnuaireCSV.isText(email, 3...200) || !email.contains(\"@\") || email.contains(\" \") {",
      "if let email = person.email, email.count > 200 || !email.contains(\"@\") {",
      "ServiceTests.DesignationsCSVTests/linesAreReadAsSingleDesignations|ServiceTests.InscriptionsTests/aWholeListIsDesignatedFromAFileAllOrNothing",
      "an e-mail with a control character or a line separator is refused (it would hold its group's exports back)"),
    M("DESIGN-6", "Services/Inscriptions/Domain/DemandeDesignation.swift",
      "if octets > 2_000 { errors.append(", "if octets > 2_000_000 { errors.append(",
      "ServiceTests.DesignationsCSVTests/aRequestImagInWouldRefuseIsRefusedHere",
      "a designated person's texts are bounded in bytes (a group's export is one event of 16 MB at most)"),
    M("CONVOC-1", "Services/Missions/API/Convocations.swift",
      "designePar.map { $0 == caller.scope.description } ?? (caller.role == .gestionnaire)", "true",
      "ServiceTests.PerimetreTests/everyoneConvocableIsConvokedAtOnce",
      "« Convoquer tout le monde » convokes the caller's own designations only: the académie leaves a school's teachers to it"),
    M("CONVOC-2", "Services/Missions/API/Convocations.swift",
      "mission.active && person.exporte && person.convocationId == nil", "mission.active && person.exporte",
      "ServiceTests.PerimetreTests/aDesignationKeepsItsOwnAuthority",
      "a convoked person is not offered again, one by one nor with everyone (the list and the bulk share the rule)"),
    M("CONVOC-3", "Services/Missions/API/Convocations.swift",
      "enBloc(caller, designePar: person.designePar) && !person.annulee", "enBloc(caller, designePar: person.designePar)",
      "ServiceTests.PerimetreTests/everyoneConvocableIsConvokedAtOnce",
      "« Convoquer tout le monde » never issues again a convocation someone cancelled"),
    M("PLACEMENT-1", "Services/Correction/Infrastructure/CommissionRepository.swift",
      ".prefix(place).map(\\.id)", ".suffix(place).map(\\.id)",
      "ServiceTests.RoadMapRuleTests/aSlotIsMadeWithItsCandidatesInNameOrderUpToItsRoom",
      "a slot made with its candidates takes them in name order"),
    M("PLACEMENT-2", "Services/Correction/Infrastructure/CommissionRepository.swift",
      "guard let place = [capacite, candidats.max]", "guard let place = [capacite, candidats.max, 10_000]",
      "ServiceTests.RoadMapRuleTests/aSlotIsMadeWithItsCandidatesInNameOrderUpToItsRoom",
      "before any group a slot's room is unknown: placing with it needs « at most N »"),
    M("PLACEMENT-3", "Services/Correction/Infrastructure/CommissionRepository.swift",
      "Distribution.candidatsParExaminateurEtCreneau * examinateurs\n                guard", "10_000\n                guard",
      "ServiceTests.RoadMapRuleTests/aSlotIsMadeWithItsCandidatesInNameOrderUpToItsRoom",
      "a slot made with its candidates holds four per examiner of the groups"),
    M("GROUPES-1", "Services/Correction/Infrastructure/CommissionRepository.swift",
      "for e in try await examinateurs(key, on: connection) where !pris.contains(e.intervenantId) {",
      "for e in try await examinateurs(key, on: connection) {",
      "ServiceTests.RoadMapRuleTests/eachExaminerInNoGroupGetsARoomOfTheirOwnAtOnce",
      "« Un groupe par examinateur » leaves an examiner already in a group where they are (one room per examiner)"),
    M("GROUPES-2", "Services/Correction/Infrastructure/CommissionRepository.swift",
      "while noms.contains(nom) {", "while false {",
      "ServiceTests.RoadMapRuleTests/eachExaminerInNoGroupGetsARoomOfTheirOwnAtOnce",
      "a group named after its examiner is numbered when a group has the name already"),
    M("DELEG-2", INSCRIPTIONS_API, "guard let asked = epreuve, delegated.contains(asked) else {", "guard let asked = epreuve else {",
      "ServiceTests.InscriptionsTests/assignmentWithDelegation|" + RULES + "revokingADelegationTakesTheSchoolsAssignmentsBack",
      "a school lists its pupils for delegated exams only"),
    M("REMONTEE-1", NOTES, "WHERE c.closure_version < EXCLUDED.closure_version", "WHERE c.closure_version <> EXCLUDED.closure_version",
      REMONTEE + "aReplayedChunkOfAnOlderClosureChangesNoGrade",
      "official grades never go back: an older closure's chunk changes nothing (SQL)"),

    # --- Imag'In: services faits once, the flat fee once per mission, the regulation version ---
    M("PAIE-1", SERVICES_FAITS, "WHERE c.closure_le < EXCLUDED.closure_le", "WHERE true",
      MISSIONS_FLOW,
      "services faits: a late, older closure changes nothing (SQL)"),
    M("PAIE-2", SERVICES_FAITS,
      r"AND epreuve = \(closed.epreuve) AND centre = \(closed.centreUAI)" + "\n              AND closure_id <>",
      r"AND epreuve = \(closed.epreuve)" + "\n              AND closure_id <>",
      MISSIONS_FLOW,
      "a closing replaces its own centre's services faits only (SQL)"),
    M("PAIE-3", MISSIONS, "GROUP BY sf.mission_id, m.epreuve, m.kind, sf.role, sf.intervenant_id,",
      "GROUP BY sf.mission_id, sf.centre, m.epreuve, m.kind, sf.role, sf.intervenant_id,",
      MISSIONS_FLOW,
      "a coordinator's flat fee once per mission, however many centres close (SQL)"),
    M("PAIE-4", MISSIONS, "r.session = m.session AND r.version = m.reglementation_version", "r.session = m.session",
      RULES + "aMissionKeepsItsRegulationVersion",
      "a mission is priced by the regulation version it was opened under (SQL)"),

    # --- Re-marking after closing (issue 22 item 3) ---
    M("RECORR-1", RECORRECTION, 'guard etat == "close" else {', "guard true else {",
      RECORR_FLOW, "a re-marking is asked for on a closed commission only"),
    M("RECORR-2", RECORRECTION, "try await commissions.isCoordinateur(by, epreuve: r.2, session: r.1, academie: r.4)", "true",
      RECORR_FLOW, "only the exam's coordinator in the académie re-marks"),
    M("RECORR-3", SERVICES_FAITS, "if let recorrection = closed.recorrection {", "if let recorrection = closed.recorrection, false {",
      MISSIONS_FLOW + "|" + RECORR_FLOW, "a re-marking pays nobody twice nor drops the closing's services faits"),
]


# --- checks without a build ---

def source(path):
    return (ROOT / path).read_text()


def check_list():
    """Every id once, every snippet once in its file, every replacement a change."""
    problems = []
    seen = set()
    for m in MUTATIONS:
        if m.id in seen:
            problems.append(f"{m.id}: id used twice")
        seen.add(m.id)
        if not (ROOT / m.file).exists():
            problems.append(f"{m.id}: {m.file} does not exist")
            continue
        count = source(m.file).count(m.original)
        if count != 1:
            problems.append(f"{m.id}: the snippet occurs {count} times in {m.file}")
        if m.original == m.replacement:
            problems.append(f"{m.id}: the replacement changes nothing")
        try:
            re.compile(m.tests)
        except re.error as error:
            problems.append(f"{m.id}: filter {m.tests!r}: {error}")
    return problems


def test_ids():
    """Swift Testing's ids of every test in Tests/<target>/, as filters see them: `Target/Suite/test()`."""
    ids = []
    for target in sorted(p for p in (ROOT / "Tests").iterdir() if p.is_dir()):
        for path in sorted(target.glob("*.swift")):
            text = path.read_text()
            # The top-level types (a test belongs to the last one declared before it).
            types = [(t.start(), t.group(1)) for t in re.finditer(r"^(?:@Suite\S*\s+)?(?:final class|struct|extension)\s+(\w+)", text, re.M)]
            for test in re.finditer(r"@Test\b.*?\bfunc\s+(\w+)\s*\(", text, re.S):
                owner = [name for start, name in types if start < test.start()]
                if owner:
                    ids.append(f"{target.name}/{owner[-1]}/{test.group(1)}()")
    return ids


def check_filters():
    ids = test_ids()
    return [f"{m.id}: filter {m.tests!r} names no test" for m in MUTATIONS if not any(re.search(m.tests, i) for i in ids)]


def swiftc():
    return shutil.which("swiftc") or f"{SWIFT_BIN}/swiftc"


def parses(text, name):
    """swiftc -parse on a copy (syntax only: a type error shows at the build)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / name
        path.write_text(text)
        run = subprocess.run([swiftc(), "-parse", str(path)], capture_output=True, text=True)
        return run.returncode == 0, (run.stderr.strip().splitlines() or [""])[0]


def dry_run(selected):
    problems = check_list() + check_filters()
    for m in selected:
        text = source(m.file)
        if text.count(m.original) != 1:
            continue
        ok, line = parses(text.replace(m.original, m.replacement), Path(m.file).name)
        if not ok:
            problems.append(f"{m.id}: the mutated {m.file} does not parse: {line}")
        print(f"  {m.id:<12} {'parses' if ok else 'DOES NOT PARSE'}  {m.file}")
    return problems


# --- the run ---

class Interrupted(Exception):
    pass


def on_signal(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def execute(command, log, timeout=None):
    """Runs `command` in a process group of its own, its output appended to `log`; (exit code, timed out)."""
    with open(log, "a") as out:
        out.write(f"\n$ {' '.join(command)}\n")
        out.flush()
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            return process.wait(timeout=timeout), False
        except subprocess.TimeoutExpired:
            stop(process)
            return None, True
        except BaseException:
            stop(process)
            raise


def stop(process):
    """Ends the command and whatever it started (its process group), gently first."""
    for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def infrastructure_lock():
    """The lock every test run on this machine takes (`flock /tmp/ece-infra.lock`), held here so
    that a mutation's time limit starts once the database and the broker are ours."""
    with open(LOCK, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("(waiting for the infrastructure lock) ", end="", flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def first_failure(log_text):
    """The first failed expectation (Swift Testing, XCTest), else a crash, else the end of the output."""
    lines = log_text.splitlines()
    patterns = [r"recorded an issue", r"error: .*(failed|XCTAssert)", r"Fatal error|Precondition failed|unexpected signal",
                r"failed after"]
    for pattern in patterns:
        for line in lines:
            if re.search(pattern, line):
                return line.strip()
    return next((line.strip() for line in reversed(lines) if line.strip()), "")


def build_error(log_text):
    return next((line.strip() for line in log_text.splitlines() if re.search(r"error:", line)), "build failed")


def tests_run(log_text):
    """How many tests ran (Swift Testing's and XCTest's summaries)."""
    counts = [int(n) for n in re.findall(r"Test run with (\d+) tests?", log_text)]
    counts += [int(n) for n in re.findall(r"Executed (\d+) tests?", log_text)]
    return sum(counts)


def load_results():
    try:
        return json.loads(RESULTS.read_text())
    except (FileNotFoundError, ValueError):
        return {}


def save_results(results):
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True))


def fresh_database(log):
    """Each mutation's tests start on a database and vhost made fresh, as `make test`'s do: a mutant
    that let a wrong write through (a regulation its rule should have refused) left it for the
    tests of every mutation after it, which then failed on it whatever their own mutation."""
    code, _ = execute(["scripts/infra.sh", "fresh", DATABASE], log, 300)
    if code != 0:
        raise SystemExit(f"scripts/infra.sh fresh {DATABASE} failed: see {log}")


def run_one(m, commit, build_timeout, test_timeout):
    log = WORK / f"{m.id}.log"
    log.write_text(f"{m.id} on {commit}: {m.rule}\n{m.file}\n- {m.original}\n+ {m.replacement}\n")
    if git("status", "--porcelain", "--", m.file):
        raise SystemExit(f"{m.file} has uncommitted changes: commit or stash them first")
    text = source(m.file)
    if text.count(m.original) != 1:
        return {"status": "invalid", "line": "the snippet no longer occurs exactly once", "seconds": 0}
    started = time.monotonic()
    try:
        (ROOT / m.file).write_text(text.replace(m.original, m.replacement))
        code, late = execute(["swift", "build", "--build-tests"], log, build_timeout)
        if code != 0:
            line = "build timed out" if late else build_error(log.read_text())
            return {"status": "invalid", "line": line, "seconds": round(time.monotonic() - started)}
        mark = len(log.read_text())
        with infrastructure_lock():
            fresh_database(log)
            code, late = execute(["swift", "test", "--skip-build", "--no-parallel", "--filter", m.tests], log, test_timeout)
        output = log.read_text()[mark:]
        seconds = round(time.monotonic() - started)
        if late:
            return {"status": "killed", "line": f"timed out after {test_timeout // 60} min", "seconds": seconds}
        started_any = re.search(r"Test \S+ started|Test Case .* started", output)
        if code != 0 and started_any:
            return {"status": "killed", "line": first_failure(output), "seconds": seconds}
        if code != 0 or tests_run(output) == 0:
            line = f"no test matches {m.tests}" if code == 0 else "no test started: " + first_failure(output)
            return {"status": "no-test", "line": line, "seconds": seconds}
        return {"status": "survived", "line": "", "seconds": seconds}
    finally:
        subprocess.run(["git", "checkout", "--", m.file], cwd=ROOT, check=True)


def baseline(selected, log, test_timeout):
    """The unmutated tests pass: otherwise a failure would prove nothing."""
    union = "|".join(sorted({m.tests for m in selected}))
    with infrastructure_lock():
        fresh_database(log)
        code, late = execute(["swift", "test", "--skip-build", "--no-parallel", "--filter", union], log, test_timeout * 3)
    if late or code != 0:
        raise SystemExit(f"the tests fail without any mutation ({first_failure(log.read_text())}): see {log}")


def cell(text):
    return text.replace("|", "\\|").replace("\n", " ")[:220]


def write_report(commit, results, dirty, path):
    rows, counts = [], {"killed": 0, "survived": 0, "invalid": 0, "no-test": 0, "not run": 0}
    for m in MUTATIONS:
        r = results.get(m.id)
        status = r["status"] if r else "not run"
        counts[status] += 1
        detail = r["line"] if r and status != "survived" else ""
        if m.explained:
            detail = (detail + " — " if detail else "") + "explained: " + m.explained
        seconds = f"{r['seconds'] // 60}m{r['seconds'] % 60:02d}s" if r else ""
        rows.append(f"| {m.id} | `{m.file.split('/')[-1]}` | {cell(m.rule)} | **{status}** | {seconds} | {cell(detail)} |")
    valid = counts["killed"] + counts["survived"]
    share = counts["killed"] / valid if valid else 0.0
    date = datetime.date.today().isoformat()
    lines = [
        "# Mutation report: the road-map rules",
        "",
        f"`scripts/mutants.py` (`make mutants`) on commit `{commit}`{' with uncommitted changes' if dirty else ''}, {date}."
        if counts["not run"] < len(MUTATIONS) else f"`scripts/mutants.py` (`make mutants`), its list at commit `{commit}`, {date}.",
        "Each mutation breaks one rule's code; the tests named in the script for it must fail.",
        "",
        f"**{counts['killed']} killed of {valid} valid mutations: {share:.0%}** (threshold {THRESHOLD:.0%}); "
        f"{counts['survived']} survived, {counts['invalid']} invalid (do not compile), {counts['no-test']} without a test, "
        f"{counts['not run']} not run, {len(MUTATIONS)} listed.",
        "",
        *(["**Not run yet**: the table lists what `make mutants` checks.", ""] if counts["not run"] == len(MUTATIONS) else []),
        "A survivor is a rule that can break with every test green: it gets a test that kills it, or its",
        "`explained` field in the script says why it may survive.",
        "",
        "| id | file | rule | result | time | first failure of its tests, or why it may survive |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    return counts, share


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="check the list without building")
    parser.add_argument("--list", action="store_true", help="print the mutations")
    parser.add_argument("--report", action="store_true", help="rewrite the report from the results recorded on this commit")
    parser.add_argument("--only", action="append", default=[], help="ids or shell patterns, comma-separated")
    parser.add_argument("--resume", action="store_true", help="keep the results already recorded on this commit")
    parser.add_argument("--no-baseline", action="store_true", help="skip the run of the unmutated tests")
    parser.add_argument("--build-timeout", type=int, default=60, help="minutes (default 60)")
    parser.add_argument("--test-timeout", type=int, default=20, help="minutes per mutation's tests (default 20)")
    args = parser.parse_args()

    patterns = [p.strip() for group in args.only for p in group.split(",") if p.strip()]
    selected = [m for m in MUTATIONS if not patterns or any(fnmatch.fnmatchcase(m.id, p) for p in patterns)]
    if patterns and not selected:
        raise SystemExit(f"no mutation matches {', '.join(patterns)}")
    if args.list:
        for m in selected:
            print(f"{m.id:<12} {m.file:<62} {m.rule}")
        return 0
    if args.dry_run:
        print(f"dry run: {len(selected)} of {len(MUTATIONS)} mutations")
        problems = dry_run(selected)
        for problem in problems:
            print(f"mutants: {problem}", file=sys.stderr)
        print("dry run: " + ("FAILED" if problems else f"every snippet occurs once, every mutated file parses, every filter names a test"))
        return 1 if problems else 0

    if args.report:
        commit = git("rev-parse", "HEAD")
        counts, share = write_report(commit, load_results().get(commit, {}), False, REPORT)
        print(f"mutants: {os.path.relpath(REPORT, ROOT)}: {counts['killed']} killed, {counts['survived']} survived, "
              f"{counts['not run']} not run")
        return 0
    problems = check_list()
    if problems:
        for problem in problems:
            print(f"mutants: {problem}", file=sys.stderr)
        return 1
    os.environ["PATH"] += os.pathsep + SWIFT_BIN
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    WORK.mkdir(parents=True, exist_ok=True)
    files = sorted({m.file for m in selected})
    if git("status", "--porcelain", "--", *files):
        raise SystemExit("the files to mutate have uncommitted changes: commit or stash them first")
    commit = git("rev-parse", "HEAD")
    dirty = bool(git("status", "--porcelain", "--", "Services", "Shared", "Tests", "Tools", "Package.swift", ":!Tests/mutants"))
    stored = load_results()
    results = {i: r for i, r in stored.get(commit, {}).items()} if args.resume else {}
    todo = [m for m in selected if not (m.id in results and results[m.id].get("digest") == m.digest())]
    log = WORK / "setup.log"
    log.write_text("")
    interrupted = None
    try:
        # As make test: the infrastructure up, no running platform competing for the queues.
        for command in (["scripts/infra.sh", "up"], ["scripts/services.sh", "stop"], ["swift", "build", "--build-tests"]):
            code, late = execute(command, log, args.build_timeout * 60)
            if code != 0:
                raise SystemExit(f"{' '.join(command)} failed: see {log}")
        if todo and not args.no_baseline:
            print(f"baseline: the tests of {len(todo)} mutations, unmutated")
            baseline(todo, log, args.test_timeout * 60)
        for n, m in enumerate(todo, 1):
            print(f"[{n}/{len(todo)}] {m.id} {m.file} … ", end="", flush=True)
            result = run_one(m, commit, args.build_timeout * 60, args.test_timeout * 60)
            result["digest"] = m.digest()
            results[m.id] = result
            stored[commit] = results
            save_results(stored)
            print(f"{result['status']} ({result['seconds']} s) {result['line'][:120]}")
    except Interrupted as signal_name:
        interrupted = str(signal_name)
        print(f"\nmutants: interrupted ({interrupted}); the file under mutation is restored", file=sys.stderr)
    # The build products of the last mutation must not outlive it (after Ctrl-C: the next build does it).
    if todo and not interrupted:
        code, _ = execute(["swift", "build", "--build-tests"], log, args.build_timeout * 60)
        if code != 0:
            print(f"mutants: the final build of the unmutated sources failed: see {log}", file=sys.stderr)
    elif interrupted:
        print("mutants: .build still holds the last mutant: build before running tests with --skip-build", file=sys.stderr)
    report = REPORT if not patterns else WORK / "REPORT-partial.md"
    counts, share = write_report(commit, results, dirty, report)
    valid = counts["killed"] + counts["survived"]
    print(f"mutants: {counts['killed']}/{valid} killed ({share:.0%}), {counts['survived']} survived, {counts['invalid']} invalid, "
          f"{counts['no-test']} without a test, {counts['not run']} not run: {os.path.relpath(report, ROOT)}")
    if interrupted:
        return 130
    if counts["no-test"] or (valid and share < THRESHOLD):
        return 1
    if not patterns and counts["not run"]:
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
