-- Bulkhead's two PostgreSQL roles, for a PostgreSQL you run yourself (docker-compose.yml runs this too).
-- Run it as a superuser, connected to Bulkhead's database, at install and again whenever you like:
--
--   psql -v owner=bulkhead_owner -v owner_password='...' -v runtime=bulkhead_app -v runtime_password='...' \
--        -d bulkhead -f tools/postgres/bulkhead-roles.sql
--
-- The owner owns the schema and is what migrations run as (DATABASE_MIGRATION_URL). The runtime role
-- is what the API and the worker connect as (DATABASE_URL): it owns nothing, and its grants come from
-- the migration run itself (every table read-write except the audit log, which is read and append only;
-- no TRUNCATE anywhere). `npm start` does the same on a PostgreSQL it finds or starts
-- (libs/platform/src/services/database-roles.ts).
\set ON_ERROR_STOP on

-- Roles are global to the server: one set-up at a time.
SELECT pg_advisory_lock(471022333);

SELECT format('CREATE ROLE %I', name) FROM unnest(ARRAY[:'owner', :'runtime']) AS name
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', role, password)
  FROM (VALUES (:'owner', :'owner_password'), (:'runtime', :'runtime_password')) AS r(role, password) \gexec

-- The database and its public schema belong to the owner; nobody else creates anything there.
SELECT format('ALTER DATABASE %I OWNER TO %I', current_database(), :'owner') \gexec
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SELECT format('GRANT USAGE, CREATE ON SCHEMA public TO %I', :'owner') \gexec

-- A database set up before the split: whatever is already there goes to the owner.
SELECT format('ALTER %s %s OWNER TO %I', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END, c.oid::regclass, :'owner')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'S') AND pg_get_userbyid(c.relowner) <> :'owner'
   AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))) \gexec
SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, :'owner')
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> :'owner' \gexec

SELECT pg_advisory_unlock(471022333);
