-- PostgreSQL roles for kechuang: an owner that runs migrations and an application role that is not a superuser,
-- does not own the tables and may not rewrite the audit log or the change history.
--   psql -U postgres -v app_password=… -v owner_password=… -v db=kechuang -f deploy/postgres/roles.sql
-- Run it again after every migration that adds tables (the GRANTs are idempotent).
\set ON_ERROR_STOP on
SELECT format('CREATE ROLE kechuang_owner LOGIN NOSUPERUSER PASSWORD %L', :'owner_password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kechuang_owner') \gexec
SELECT format('CREATE ROLE kechuang_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'app_password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kechuang_app') \gexec
SELECT format('CREATE DATABASE %I OWNER kechuang_owner', :'db')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
\connect :db
ALTER SCHEMA public OWNER TO kechuang_owner;
CREATE EXTENSION IF NOT EXISTS pg_trgm;  -- registry's name search index (needs a superuser once)
GRANT CONNECT ON DATABASE :db TO kechuang_app;
GRANT USAGE ON SCHEMA public TO kechuang_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO kechuang_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO kechuang_app;
-- Append-only: the application may read and add audit events and change records, never change or remove them
-- (the pgtrigger triggers refuse UPDATE/DELETE as well; TRUNCATE needs ownership or this privilege).
-- (The tables exist once the owner has migrated: run this file before and again after the first migrate.)
DO $$ BEGIN
  IF to_regclass('public.core_auditevent') IS NOT NULL THEN
    REVOKE UPDATE, DELETE, TRUNCATE ON core_auditevent, registry_changerecord FROM kechuang_app;
  END IF;
END $$;
ALTER DEFAULT PRIVILEGES FOR ROLE kechuang_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO kechuang_app;
ALTER DEFAULT PRIVILEGES FOR ROLE kechuang_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO kechuang_app;
