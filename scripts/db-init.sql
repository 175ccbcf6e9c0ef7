-- ECE platform: database, roles and schemas (one schema per service).
--
-- Used twice, so both set-ups grant exactly the same rights:
--   * scripts/infra.sh runs it with psql as the superuser on every `up` (it is idempotent);
--   * docker-compose.yml mounts it into postgres:15's /docker-entrypoint-initdb.d (first start only).
--
-- Passwords are psql variables so a deployment can pass real ones:
--   psql -v ON_ERROR_STOP=1 -v referentiel_password=... -f scripts/db-init.sql
-- Any variable left unset defaults to the role's own name. That default is for LOCAL
-- DEVELOPMENT ONLY (the private cluster listens on 127.0.0.1); never deploy with it.
--
-- Isolation model (DESIGN.md §3): each service connects as its own role, which owns its own
-- schema and has no USAGE on anyone else's; PUBLIC gets nothing on the database or on `public`.
-- `ece_test` may CREATE schemas in the database: integration tests make throw-away schemas.
-- The database is `ece` unless psql is given `-v db=<name>` (ece-bench national uses its own).

\set ON_ERROR_STOP on

\if :{?referentiel_password}
\else
  \set referentiel_password referentiel
\endif
\if :{?inscriptions_password}
\else
  \set inscriptions_password inscriptions
\endif
\if :{?missions_password}
\else
  \set missions_password missions
\endif
\if :{?correction_password}
\else
  \set correction_password correction
\endif
\if :{?gateway_password}
\else
  \set gateway_password gateway
\endif
\if :{?ece_test_password}
\else
  \set ece_test_password ece_test
\endif
\if :{?db}
\else
  \set db ece
\endif

-- Roles are cluster-wide. CREATE ROLE has no IF NOT EXISTS, hence \gexec; the password is
-- (re)set every run so a changed variable takes effect.
SELECT format('CREATE ROLE %I LOGIN', r)
  FROM unnest(ARRAY['referentiel','inscriptions','missions','correction','gateway','ece_test']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)
\gexec

ALTER ROLE referentiel  LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'referentiel_password';
ALTER ROLE inscriptions LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'inscriptions_password';
ALTER ROLE missions     LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'missions_password';
ALTER ROLE correction   LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'correction_password';
ALTER ROLE gateway      LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'gateway_password';
ALTER ROLE ece_test     LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'ece_test_password';

-- CREATE DATABASE cannot run in a transaction block; \gexec runs it on its own.
-- (In the postgres image POSTGRES_DB=ece has already created it.)
SELECT format('CREATE DATABASE %I ENCODING ''UTF8'' TEMPLATE template0', :'db')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db')
\gexec

-- Nobody may connect to ece just because they have a login somewhere in the cluster.
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db"
   TO referentiel, inscriptions, missions, correction, gateway, ece_test;
GRANT CREATE ON DATABASE :"db" TO ece_test;
-- Nor to the maintenance database (the superuser keeps access; pgbench runs as postgres).
REVOKE CONNECT, TEMPORARY ON DATABASE postgres FROM PUBLIC;

\connect :"db"

-- Close the shared `public` schema: a table left there would be visible to every service.
REVOKE ALL ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA IF NOT EXISTS referentiel  AUTHORIZATION referentiel;
CREATE SCHEMA IF NOT EXISTS inscriptions AUTHORIZATION inscriptions;
CREATE SCHEMA IF NOT EXISTS missions     AUTHORIZATION missions;
CREATE SCHEMA IF NOT EXISTS correction   AUTHORIZATION correction;
CREATE SCHEMA IF NOT EXISTS gateway      AUTHORIZATION gateway;

-- Repair ownership/grants if a schema pre-existed with other settings.
ALTER SCHEMA referentiel  OWNER TO referentiel;
ALTER SCHEMA inscriptions OWNER TO inscriptions;
ALTER SCHEMA missions     OWNER TO missions;
ALTER SCHEMA correction   OWNER TO correction;
ALTER SCHEMA gateway      OWNER TO gateway;
REVOKE ALL ON SCHEMA referentiel, inscriptions, missions, correction, gateway FROM PUBLIC;

-- The default search_path is "$user", public; as schema = role name, unqualified names
-- resolve to the service's own schema. Pin it anyway so it survives a `public` clean-up.
ALTER ROLE referentiel  IN DATABASE :"db" SET search_path = referentiel;
ALTER ROLE inscriptions IN DATABASE :"db" SET search_path = inscriptions;
ALTER ROLE missions     IN DATABASE :"db" SET search_path = missions;
ALTER ROLE correction   IN DATABASE :"db" SET search_path = correction;
ALTER ROLE gateway      IN DATABASE :"db" SET search_path = gateway;
