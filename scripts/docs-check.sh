#!/usr/bin/env bash
# Every command shown in the docs is run by a test (issue 25, item 6). Extracts the commands of the
# fenced sh / bash / console blocks (console: the lines after a `$ ` prompt) of README.md, docs/*.md
# and Services/*/README.md, and fails unless each one is
#   (a) run here, when it is safe and quick (the SAFE list below), and succeeds;
#   (b) a line of a script or Makefile recipe that `make test` runs (scripts/*.sh, Makefile), verbatim
#       after trimming;
#   (c) listed in scripts/docs-commands.allow with the test that runs it (a `swift test --filter`
#       line must also name suites that exist in Tests/; one entry covers them all).
# Prints the rule each command satisfied. `text` blocks (what a command prints) are not commands.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PATH:/opt/swift/usr/bin"

python3 - "$@" <<'PY'
import glob, re, subprocess, sys

# (a) Safe and quick: read-only, no platform needed, a few seconds each.
SAFE = {
    "make help",
    "make status",
    "make logs",
    "scripts/services.sh env Gateway",
    "python3 Tests/contract/events.py",
    "scripts/mutants.py --dry-run",
}

# One allow-list entry stands for every `swift test --filter` line whose suite exists in Tests/.
FILTER = "swift test --skip-build --filter <suite>"

def commands(path):
    """(line number, command) of each command in the fenced sh/bash/console blocks of `path`."""
    found, lang, pending = [], None, None
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        fence = re.match(r"^\s*```(\S*)", line)
        if fence:
            lang = None if lang is not None else fence.group(1)
            continue
        if lang not in ("sh", "bash", "console"):
            continue
        if lang == "console":
            if not line.startswith("$ "):
                continue
            line = line[2:]
        text = re.sub(r"\s+#\s.*$", "", line).strip()   # a trailing comment
        if not text or text.startswith("#"):
            continue
        if pending:                                       # a continued line
            text, pending = pending[1] + " " + text, None
        if text.endswith("\\"):
            pending = (number, text[:-1].strip())
            continue
        found.append((number, text))
    return found

def test_sources():
    """The lines of the scripts and recipes make test runs, trimmed (a recipe's `@` and a trailing
    comment dropped); comment lines are not commands."""
    lines = set()
    for path in sorted(glob.glob("scripts/*.sh")) + ["Makefile"]:
        for line in open(path, encoding="utf-8"):
            line = re.sub(r"\s+#\s.*$", "", line).strip().lstrip("@").strip()
            if line and not line.startswith("#"):
                lines.add(" ".join(line.split()))
    return lines

def allowed():
    entries = {}
    for line in open("scripts/docs-commands.allow", encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        command, _, test = line.partition(" => ")
        if not test.strip():
            sys.exit(f"docs-check: scripts/docs-commands.allow: no test named for: {command}")
        entries[" ".join(command.split())] = test.strip()
    return entries

def suites_exist(command):
    """A `swift test --filter 'Target.Suite'` names a suite that is declared in Tests/."""
    for name in re.findall(r"--filter\s+'?([\w.]+)'?", command):
        suite = name.split(".")[-1]
        hits = subprocess.run(["grep", "-rlE", rf"(struct|class) {suite}\b", "Tests"], capture_output=True, text=True)
        if not hits.stdout.strip():
            return f"no suite {suite} in Tests/"
    return None

docs = ["README.md"] + sorted(glob.glob("docs/*.md")) + sorted(glob.glob("Services/*/README.md"))
sources, allow, failures, count = test_sources(), allowed(), [], 0
rules = {"a": 0, "b": 0, "c": 0}
for doc in docs:
    for number, command in commands(doc):
        count += 1
        where = f"{doc}:{number}"
        if command in SAFE:
            run = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
            if run.returncode == 0:
                print(f"(a) ran       {where}: {command}"); rules["a"] += 1
            else:
                failures.append(f"{where}: `{command}` exited {run.returncode}:\n{run.stdout[-800:]}{run.stderr[-800:]}")
        elif " ".join(command.split()) in sources:
            print(f"(b) in tests  {where}: {command}"); rules["b"] += 1
        elif (m := re.fullmatch(r"swift test --skip-build --filter '?[\w.]+'?", command)) and FILTER in allow:
            problem = suites_exist(command)
            if problem:
                failures.append(f"{where}: `{command}`: {problem}")
            else:
                print(f"(c) allowed   {where}: {command}  => {allow[FILTER]}"); rules["c"] += 1
        elif command in allow:
            problem = suites_exist(command)
            if problem:
                failures.append(f"{where}: `{command}`: {problem}")
            else:
                print(f"(c) allowed   {where}: {command}  => {allow[command]}"); rules["c"] += 1
        else:
            failures.append(f"{where}: `{command}` is not run by any test (run it here if safe, use it in a test "
                            "script, or list it in scripts/docs-commands.allow with the test that runs it)")
for failure in failures:
    print("docs-check: FAIL " + failure, file=sys.stderr)
if failures:
    sys.exit(1)
print(f"docs-check: {count} command(s) in {len(docs)} page(s): {rules['a']} run here (a), {rules['b']} in the test scripts (b), "
      f"{rules['c']} in scripts/docs-commands.allow (c)")
PY
