-- relops' database roles (docs/security.md, "Database roles"): one login role per service, owning that service's
-- schema and nothing else, and audit-service's two roles of its own. Run it in the relops database as a superuser,
-- once before the services' first start (docker-compose and the local Kubernetes overlay run it from
-- /docker-entrypoint-initdb.d, production from the Job in k8s/overlays/production/db-roles, `relops up` as the
-- embedded server's superuser). Running it again changes nothing but what has drifted; on a database whose schemas
-- a former shared role owns, it hands each schema and what is in it to the schema's service role.
--
-- No password is set here: 20-relops-role-passwords.sh sets them from the environment (each service's own secret);
-- the embedded PostgreSQL of `relops up` trusts its local connections.
--
--   role                     owns schema   logs in as
--   relops_gateway           gateway       gateway-service
--   relops_deploy            deploy        deploy-service
--   relops_healthcheck       healthcheck   healthcheck-service
--   relops_backup            backup        backup-service
--   relops_alert             alert         alert-service
--   relops_audit_owner       audit         audit-service's migrations (Flyway); owns audit_prune() (SECURITY DEFINER)
--   relops_audit_writer      -             audit-service's datasource: INSERT, SELECT (granted by audit's migrations)
--   relops_audit_maintainer  -             audit-service's retention: EXECUTE audit_prune() (granted by audit's migrations)
do $roles$
declare
    wanted record;
    object record;
    owner_id oid;
begin
    for wanted in
        select * from (values
            ('relops_gateway', 'gateway'),
            ('relops_deploy', 'deploy'),
            ('relops_healthcheck', 'healthcheck'),
            ('relops_backup', 'backup'),
            ('relops_alert', 'alert'),
            ('relops_audit_owner', 'audit'),
            ('relops_audit_writer', null),
            ('relops_audit_maintainer', null)) as roles (role_name, schema_name)
    loop
        -- roles are cluster-wide: another database's bootstrap (or audit's migration) may create one concurrently
        begin
            execute format('create role %I login nosuperuser nocreatedb nocreaterole noinherit', wanted.role_name);
        exception when duplicate_object or unique_violation then
            null;
        end;
        if exists (select 1 from pg_roles
                   where rolname = wanted.role_name and (rolsuper or rolcreatedb or rolcreaterole or rolinherit)) then
            execute format('alter role %I nosuperuser nocreatedb nocreaterole noinherit', wanted.role_name);
        end if;
        execute format('revoke all on database %I from %I', current_database(), wanted.role_name);
        execute format('grant connect on database %I to %I', current_database(), wanted.role_name);

        continue when wanted.schema_name is null;
        select oid into owner_id from pg_roles where rolname = wanted.role_name;
        execute format('create schema if not exists %I authorization %I', wanted.schema_name, wanted.role_name);
        execute format('alter schema %I owner to %I', wanted.schema_name, wanted.role_name);
        -- what a former owner left in the schema: tables (their indexes and owned sequences follow), views,
        -- free-standing sequences and functions
        for object in
            select format('alter %s %s owner to %I',
                          case c.relkind when 'v' then 'view' when 'm' then 'materialized view'
                                         when 'S' then 'sequence' when 'f' then 'foreign table' else 'table' end,
                          c.oid::regclass, wanted.role_name) as statement
            from pg_class c
            where c.relnamespace = wanted.schema_name::regnamespace
              and c.relowner <> owner_id
              and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
              and not (c.relkind = 'S' and exists (
                  select 1 from pg_depend d
                  where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')))
            union all
            select format('alter routine %s owner to %I', p.oid::regprocedure, wanted.role_name)
            from pg_proc p
            where p.pronamespace = wanted.schema_name::regnamespace and p.proowner <> owner_id
        loop
            execute object.statement;
        end loop;
    end loop;
end
$roles$;

-- Nobody else connects to the relops database or creates anything in its public schema (PostgreSQL 15 and later
-- refuse the latter by default already).
do $database$
begin
    execute format('revoke all on database %I from public', current_database());
end
$database$;
revoke create on schema public from public;
