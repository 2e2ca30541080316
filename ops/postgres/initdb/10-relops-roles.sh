#!/usr/bin/env bash
# Runs once, on the first start of the postgres container (docker-entrypoint-initdb.d), as the superuser.
# Creates the roles docs/audit-service.md asks for:
#   relops               owns the database and the per-service schemas; every service migrates (Flyway) and, but
#                        for audit-service, works as this role. No superuser, no CREATEROLE, no CREATEDB.
#   relops_audit_writer  audit-service's datasource. It gets nothing here: audit's migration grants it USAGE on
#                        the audit schema and SELECT, INSERT on its tables (never UPDATE or DELETE), and since the
#                        role exists the migration does not need CREATEROLE.
set -euo pipefail
: "${RELOPS_DB_PASSWORD:?}" "${RELOPS_AUDIT_DB_WRITER_PASSWORD:?}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v relops_password="$RELOPS_DB_PASSWORD" \
  -v writer_password="$RELOPS_AUDIT_DB_WRITER_PASSWORD" <<'SQL'
create role relops login nosuperuser nocreaterole nocreatedb password :'relops_password';
create role relops_audit_writer login nosuperuser nocreaterole nocreatedb noinherit password :'writer_password';
alter database relops owner to relops;
revoke all on database relops from public;
grant connect on database relops to relops_audit_writer;
SQL
