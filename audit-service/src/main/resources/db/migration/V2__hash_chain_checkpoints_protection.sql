-- The tamper-evident log (see docs/audit-service.md). Runs as the migration role (spring.flyway.user),
-- which owns these tables; the service writes as ${writerRole}, which may only INSERT and SELECT.

-- The walking skeleton's unchained table is kept, renamed, and no longer written.
alter table audit_event rename to legacy_audit_event;

create table audit_record (
    seq         bigint      primary key,          -- gap-free from 1, assigned by the single writer
    event_id    text        not null unique,       -- the CloudEvents id: a redelivery never adds a record
    event_type  text        not null,
    source      text        not null,
    subject     text        not null,              -- the application
    release_id  text,
    event_time  timestamptz not null,
    topic       text        not null,
    actor       text,                              -- requestedBy / approvedBy / rejectedBy where the event has one
    recorded_at timestamptz not null,
    data        jsonb       not null,
    prev_hash   text        not null,
    hash        text        not null,
    search      tsvector generated always as (
                    to_tsvector('simple', event_type || ' ' || subject || ' ' || coalesce(actor, '') || ' ' || data::text)
                ) stored
);
create index audit_record_by_subject on audit_record (subject, seq);
create index audit_record_by_type on audit_record (event_type, seq);
create index audit_record_by_release on audit_record (release_id, seq) where release_id is not null;
create index audit_record_by_actor on audit_record (actor, seq) where actor is not null;
create index audit_record_by_time on audit_record (event_time);
create index audit_record_search on audit_record using gin (search);

create table audit_checkpoint (
    seq             bigint      not null,           -- the record the checkpoint vouches for (0: empty log)
    hash            text        not null,
    checkpoint_time timestamptz not null,
    kind            text        not null,           -- periodic | retention
    key_id          text        not null,
    signature       text        not null,           -- Ed25519, Base64
    primary key (seq, kind)
);

-- Nothing is ever changed or removed: not by the service, not by the owner by mistake.
create function audit_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'the audit log is append-only: % on % is refused', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
end
$$;
create trigger audit_record_append_only before update or delete on audit_record
    for each row execute function audit_refuse_change();
create trigger audit_record_no_truncate before truncate on audit_record
    for each statement execute function audit_refuse_change();
create trigger audit_checkpoint_append_only before update or delete on audit_checkpoint
    for each row execute function audit_refuse_change();
create trigger audit_checkpoint_no_truncate before truncate on audit_checkpoint
    for each statement execute function audit_refuse_change();

-- The writing role: created here when missing (the local default and tests; production may create it
-- beforehand, then the migration role needs no CREATEROLE), granted INSERT and SELECT only.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = '${writerRole}') then
        execute format('create role %I login password %L', '${writerRole}', '${writerPassword}');
    end if;
exception when duplicate_object or unique_violation then
    null; -- created concurrently by another database's migration: roles are cluster-wide
end
$$;
grant usage on schema ${flyway:defaultSchema} to ${writerRole};
grant select, insert on audit_record, audit_checkpoint to ${writerRole};
-- The platform's outbox relay polls outbox_event in every service; audit-service emits nothing.
grant select on outbox_event, processed_event, legacy_audit_event to ${writerRole};
