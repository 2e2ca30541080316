#!/usr/bin/env bash
# Sets the password of each relops database role (created by 10-relops-roles.sql) from the environment: each
# service's own secret. Runs as a superuser after 10-relops-roles.sql: on the first start of the postgres container
# (docker-entrypoint-initdb.d, which sets POSTGRES_USER and POSTGRES_DB) or from the production Job
# (k8s/overlays/production/db-roles, which sets PGHOST, PGUSER, PGPASSWORD, PGDATABASE). Run it again to rotate.
set -euo pipefail

set_password() {
  psql -v ON_ERROR_STOP=1 -q ${POSTGRES_USER:+--username "$POSTGRES_USER"} ${POSTGRES_DB:+--dbname "$POSTGRES_DB"} \
    -v role="$1" -v password="$2" <<'SQL'
alter role :"role" password :'password';
SQL
}

set_password relops_gateway "${RELOPS_GATEWAY_DB_PASSWORD:?}"
set_password relops_deploy "${RELOPS_DEPLOY_DB_PASSWORD:?}"
set_password relops_healthcheck "${RELOPS_HEALTHCHECK_DB_PASSWORD:?}"
set_password relops_backup "${RELOPS_BACKUP_DB_PASSWORD:?}"
set_password relops_alert "${RELOPS_ALERT_DB_PASSWORD:?}"
set_password relops_audit_owner "${RELOPS_AUDIT_DB_OWNER_PASSWORD:?}"
set_password relops_audit_writer "${RELOPS_AUDIT_DB_WRITER_PASSWORD:?}"
set_password relops_audit_maintainer "${RELOPS_AUDIT_DB_MAINTAINER_PASSWORD:?}"
