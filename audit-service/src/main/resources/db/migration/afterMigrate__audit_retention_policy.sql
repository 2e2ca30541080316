-- The retention policy the database enforces in audit_prune() (V10), rewritten by the schema owner after every
-- migration from relops.audit.retention (the placeholder retentionPolicy, set by RetentionPolicyPlaceholder.java):
-- no role the service runs as can change it.
delete from ${flyway:defaultSchema}.audit_retention_policy;
insert into ${flyway:defaultSchema}.audit_retention_policy (event_type, period_seconds)
    select '*', ('${retentionPolicy}'::jsonb ->> 'default')::bigint
    union all
    select key, value::bigint from jsonb_each_text('${retentionPolicy}'::jsonb -> 'types');
