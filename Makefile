# ECE platform — local entry points. See DESIGN.md §5.
#   make up     install/start Postgres + RabbitMQ, build, start the five services
#   make test   every test against the real Postgres and RabbitMQ
#   make mutants  the road-map rules mutated one by one, each against its tests (hours)
#   make down   stop everything

# bash with pipefail, so `swift test | tee` fails when the tests fail.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# The Swift toolchain lives in /opt/swift on our machines and is not always on PATH.
export PATH := $(PATH):/opt/swift/usr/bin

SWIFT ?= swift

.DEFAULT_GOAL := help
.PHONY: help up down build test mutants logs status

help:
	@echo "ECE platform"
	@echo "  make up      start Postgres (5433), RabbitMQ (5673/15673), build and start the services"
	@echo "  make down    stop the services and the infrastructure"
	@echo "  make build   swift build (debug)"
	@echo "  make test    start the infrastructure, validate docker-compose.yml and deploy/kubernetes, run all tests"
	@echo "  make mutants mutate each road-map rule and run its tests (hours; MUTANTS_ARGS=\"--only 'SAISIE-*'\")"
	@echo "  make status  what is running"
	@echo "  make logs    last lines of every log in var/log"

up:
	scripts/infra.sh up
	@# Quiet: the dependencies' own package warnings are not the newcomer's concern (errors still show).
	@echo "swift build (the first one takes several minutes)"
	@$(SWIFT) build --quiet
	BIN_DIR="$$($(SWIFT) build --show-bin-path)" scripts/services.sh start
	BIN_DIR="$$($(SWIFT) build --show-bin-path)" scripts/services.sh supervise-background
	BIN_DIR="$$($(SWIFT) build --show-bin-path)" scripts/services.sh seed
	"$$($(SWIFT) build --show-bin-path)/ece-bench" demo --academie
	@echo
	@echo "ECE platform is up"
	@echo "  gateway:              http://127.0.0.1:8080"
	@echo "  RabbitMQ management:  http://127.0.0.1:15673  (guest/guest)"
	@echo "  logs:                 var/log/   (make logs)"
	@echo "  stop with:            make down"

down:
	scripts/services.sh stop
	scripts/infra.sh down

build:
	$(SWIFT) build

# The tests run on a database and broker vhost of their own, made afresh (the Swift tests read these
# through LocalInfrastructure, the scripts through scripts/services.sh; hostile and chaos make their own):
# the development platform's (ece and /, what `make up` made) must come out of `make test` unchanged.
test: export ECE_DATABASE = ece_test
test: export ECE_VHOST = ece_test
test:
	scripts/infra.sh up
	@# A running platform (make up) would compete with the tests for the ports, and write into ece meanwhile.
	scripts/services.sh stop
	scripts/compose-check.sh
	@# deploy/kubernetes/ against the Kubernetes schemas and the operators' (ours), and in step with docker-compose.yml.
	scripts/k8s-check.sh
	@# The public API's OpenAPI document against the specification (openapi-spec-validator), and the code generated from it up to date.
	scripts/openapi-check.sh
	@# Every command shown in README.md, docs/ and Services/*/README.md is run by a test (issue 25).
	scripts/docs-check.sh
	$(SWIFT) build --build-tests
	mkdir -p var/log
	scripts/infra.sh fresh $$ECE_DATABASE
	scripts/fingerprint.sh ece / >var/log/fingerprint-ece.txt
	@# CI shows only the end of the output: on failure, the failed tests' lines are printed last.
	$(SWIFT) test --no-parallel 2>&1 | tee var/log/test.log || { \
	  echo "== failed tests (var/log/test.log) =="; grep -aE '^. Test .*(recorded an issue|failed after)|^↳' var/log/test.log | grep -av 'known issue' | tail -60; exit 1; }
	@# The road map end to end: the five services as processes, the gateway's API only, every figure checked.
	scripts/e2e-test.sh 2>&1 | tee var/log/e2e-test.log
	@# The road map in a real browser, on the platform as make up runs it (screenshots in var/artifacts/).
	scripts/browser-tests.sh 2>&1 | tee var/log/browser-test.log
	@# Hostile input: schemathesis with every role's token (no 5xx, problem+json, refusals change nothing), targeted cases.
	scripts/hostile-test.sh 2>&1 | tee var/log/hostile-test.log
	@# Faults in every phase (each service killed, RabbitMQ and PostgreSQL restarted): nothing lost, every mark the oracle's.
	scripts/chaos-test.sh 2>&1 | tee var/log/chaos-test.log
	@# The same on the cluster (issue 23): three broker nodes, two replicas of every service, Correction's database on a
	@# server of its own; the queue leader's node, replicas and that database struck; a node's loss recovered within 10 s.
	scripts/chaos-test.sh --cluster 2>&1 | tee var/log/chaos-cluster-test.log
	@# The national benchmark's command on this build, so it cannot rot (issue 24): a smoke run, no threshold
	@# (debug binaries, about 7 minutes; BENCHMARKS.md's figures are release runs of scripts/bench-national.sh).
	BIN_DIR="$$($(SWIFT) build --show-bin-path)" scripts/bench-national.sh --scale 0.1 --rythme 150 --cout 300 2>&1 | tee var/log/bench-smoke.log
	@# The development database and vhost hold what they held before the tests (issue 25).
	scripts/fingerprint.sh --check var/log/fingerprint-ece.txt ece /

# Not part of make test (CI has 90 minutes): each mutation costs an incremental build and its tests.
# Report: Tests/mutants/REPORT.md, to commit with the commit it ran on. scripts/mutants.py --help.
# On the tests' database and vhost, as make test: a running platform (make up) must not take the
# events a mutation's tests wait for (they then hang until their time limit).
MUTANTS_ARGS ?=
mutants: export ECE_DATABASE = ece_test
mutants: export ECE_VHOST = ece_test
mutants:
	scripts/infra.sh up
	scripts/mutants.py $(MUTANTS_ARGS)

logs:
	@shopt -s nullglob; files=(var/log/*.log); \
	if (( $${#files[@]} )); then tail -n 50 "$${files[@]}"; else echo "no logs in var/log"; fi

status:
	@scripts/infra.sh status || true
	@scripts/services.sh status || true
