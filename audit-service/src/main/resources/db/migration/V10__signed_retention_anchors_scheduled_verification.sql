-- Retention that cannot be abused, checkpoints anchored outside the database, scheduled verification (see
-- docs/audit-service.md, "Retention", "Anchors", "Scheduled verification" and "Threat model: audit log").

-- Checkpoints of format 2 sign what they are (Checkpoint.java): their kind, key and, for retention, the pruned
-- range, the policy and the newest pruned record of each type. Rows written before keep format 1.
alter table audit_checkpoint
    add column format   smallint not null default 1,
    add column from_seq bigint,            -- retention (format 2): the first pruned record
    add column policy   text,              -- retention (format 2): the policy's canonical text (RetentionPolicy.java)
    add column newest   text;              -- retention (format 2): per type, the recordedAt of the newest pruned record

-- The retention policy the database enforces: written by the schema owner only, at every migration, from
-- relops.audit.retention (afterMigrate__audit_retention_policy.sql). event_type '*' is the default period.
create table audit_retention_policy (
    event_type     text   primary key,
    period_seconds bigint not null check (period_seconds >= 0)
);
grant select on audit_retention_policy to ${maintainerRole}, ${writerRole};

-- The old signatures go: a caller could label any signature 'retention', and nothing was checked against a policy.
drop function audit_prune(bigint, text, timestamptz, text, text);

-- Prunes records from_seq..up_to after appending the retention checkpoint (format 2) that the service signed over
-- exactly these arguments. The function itself writes the kind ('retention'). It refuses (raising 'retention
-- checkpoint refused: ...') unless:
--   * from_seq is the log's first remaining record and up_to, with hash up_to_hash, is not the newest record;
--   * pruned_at is not in the future of the database's now() (one minute of clock skew allowed);
--   * the signed policy keeps every type at least as long as audit_retention_policy does;
--   * every record from_seq..up_to was past its period at pruned_at (by the signed policy, so by the table's too);
--   * newest names, per type, exactly the recordedAt of the newest pruned record of that type.
-- PostgreSQL here cannot verify an Ed25519 signature: the service verifies its checkpoint before calling, and
-- every verification checks every retention checkpoint's signature (RetentionChecks.java).
create function audit_prune(from_seq bigint, up_to bigint, up_to_hash text, pruned_at timestamptz,
                            signing_key_id text, policy text, newest text, checkpoint_signature text) returns bigint
    language plpgsql security definer
    set search_path = ${flyway:defaultSchema}, pg_temp
as $$
declare
    signed        jsonb;
    signed_newest jsonb;
    first_seq     bigint;
    head_seq      bigint;
    too_young     record;
    removed       bigint;
begin
    -- the search indexer's lock (SearchIndexer.INDEX_LOCK), see V9
    perform pg_advisory_xact_lock(107156823700585);
    -- a NULL would make every comparison below unknown, and an unknown check passes: refuse it first
    if from_seq is null or up_to is null or up_to_hash is null or pruned_at is null or signing_key_id is null
            or policy is null or newest is null or checkpoint_signature is null then
        raise exception 'retention checkpoint refused: every argument is required';
    end if;
    select min(seq), max(seq) into first_seq, head_seq from audit_record;
    if from_seq is distinct from first_seq then
        raise exception 'retention checkpoint refused: the range starts at record %, but the first remaining record is %',
            from_seq, first_seq;
    end if;
    if up_to < from_seq then
        raise exception 'retention checkpoint refused: the range %..% is empty', from_seq, up_to;
    end if;
    if not exists (select 1 from audit_record where seq = up_to and hash = up_to_hash) then
        raise exception 'retention checkpoint refused: record % does not exist or its hash is not %', up_to, up_to_hash;
    end if;
    if up_to >= head_seq then
        raise exception 'retention checkpoint refused: record % is the newest, it is never pruned', up_to;
    end if;
    if pruned_at > now() + interval '1 minute' then
        raise exception 'retention checkpoint refused: pruned_at % is in the future (the database''s time is %)',
            pruned_at, now();
    end if;
    begin
        signed := policy::jsonb;
        signed_newest := newest::jsonb;
    exception when others then
        raise exception 'retention checkpoint refused: the policy or newest is not JSON';
    end;
    if jsonb_typeof(signed -> 'default') is distinct from 'number'
            or jsonb_typeof(signed -> 'types') is distinct from 'object'
            or jsonb_typeof(signed_newest) is distinct from 'object'
            or exists (select 1 from jsonb_each(signed -> 'types') e where jsonb_typeof(e.value) <> 'number') then
        raise exception 'retention checkpoint refused: the policy must be {"default": seconds, "types": {...}}';
    end if;
    if not exists (select 1 from audit_retention_policy where event_type = '*') then
        raise exception 'retention checkpoint refused: the database holds no retention policy (audit_retention_policy)';
    end if;
    -- at least as strict as the database's policy, for every type either names and the default
    if exists (
        select 1
        from (select event_type from audit_retention_policy
              union select jsonb_object_keys(signed -> 'types')) t
        where (coalesce((signed -> 'types' ->> t.event_type)::bigint, (signed ->> 'default')::bigint)
               < coalesce((select period_seconds from audit_retention_policy p where p.event_type = t.event_type),
                          (select period_seconds from audit_retention_policy p where p.event_type = '*')))
            is not false -- unknown (a NULL anywhere) refuses too
    ) then
        raise exception 'retention checkpoint refused: the signed policy % keeps some type shorter than the database''s policy',
            policy;
    end if;
    select r.seq, r.event_type, r.recorded_at into too_young
    from audit_record r
    where r.seq between from_seq and up_to
      and (r.recorded_at + coalesce((signed -> 'types' ->> r.event_type)::bigint, (signed ->> 'default')::bigint)
                           * interval '1 second' > pruned_at) is not false -- unknown counts as too young
    order by r.seq
    limit 1;
    if found then
        raise exception 'retention checkpoint refused: record % (%, recorded at %) is within its retention period at %',
            too_young.seq, too_young.event_type, too_young.recorded_at, pruned_at;
    end if;
    if exists (
        select 1
        from (select event_type, max(recorded_at) as newest_at from audit_record
              where seq between from_seq and up_to group by event_type) actual
        full join jsonb_each_text(signed_newest) claimed on claimed.key = actual.event_type
        where actual.event_type is null or claimed.key is null or claimed.value::timestamptz <> actual.newest_at
    ) then
        raise exception 'retention checkpoint refused: newest % does not name the newest pruned record of each type',
            newest;
    end if;
    insert into audit_checkpoint (seq, hash, checkpoint_time, kind, key_id, signature, format, from_seq, policy, newest)
        values (up_to, up_to_hash, pruned_at, 'retention', signing_key_id, checkpoint_signature, 2, from_seq, policy,
                newest);
    perform set_config('relops.audit.prune_up_to', up_to::text, true);
    delete from audit_index where seq <= up_to;
    delete from audit_record where seq <= up_to;
    get diagnostics removed = row_count;
    perform set_config('relops.audit.prune_up_to', '', true);
    return removed;
end
$$;
revoke all on function audit_prune(bigint, bigint, text, timestamptz, text, text, text, text) from public;

-- New checkpoint rows are of format 2 (they sign their kind), and only audit_prune() (SECURITY DEFINER: it runs as
-- the table's owner) writes a retention checkpoint: the writer, who may INSERT checkpoints, can neither label one
-- 'retention' nor write one whose kind is unsigned. (The owner and a superuser can still disable the trigger:
-- docs/audit-service.md, "Threat model: audit log".)
create function audit_checkpoint_insert_guard() returns trigger language plpgsql
    set search_path = ${flyway:defaultSchema}, pg_temp
as $$
begin
    if new.format is distinct from 2 then
        raise exception 'audit checkpoint refused: a new checkpoint is of format 2 (format % given)', new.format
            using errcode = 'insufficient_privilege';
    end if;
    if new.kind is distinct from 'periodic' and new.kind is distinct from 'retention' then
        raise exception 'audit checkpoint refused: kind % is neither periodic nor retention', new.kind
            using errcode = 'insufficient_privilege';
    end if;
    if new.kind = 'retention'
            and current_user <> (select pg_get_userbyid(c.relowner) from pg_class c where c.oid = tg_relid) then
        raise exception 'audit checkpoint refused: only audit_prune() writes a retention checkpoint'
            using errcode = 'insufficient_privilege';
    end if;
    return new;
end
$$;
create trigger audit_checkpoint_insert_guard before insert on audit_checkpoint
    for each row execute function audit_checkpoint_insert_guard();
grant execute on function audit_prune(bigint, bigint, text, timestamptz, text, text, text, text) to ${maintainerRole};

-- Anchors: the checkpoints already published to the anchor topic. A checkpoint without a row here is published by
-- CheckpointAnchors (the checkpoint row is its own outbox entry: committed with the checkpoint, published after).
create table audit_anchored (
    seq         bigint      not null,
    kind        text        not null,
    anchored_at timestamptz not null default now(),
    primary key (seq, kind)
);
grant select, insert on audit_anchored to ${writerRole};
-- A log that existed before anchoring: its checkpoints older than a day are not published (the signatures protect
-- them; the anchor protects the head), the newer ones are.
insert into audit_anchored (seq, kind)
    select seq, kind from audit_checkpoint
    where checkpoint_time < (select max(checkpoint_time) from audit_checkpoint) - interval '1 day';

-- Scheduled verification: how far the log was last verified (the seq of a checkpoint), so the next run goes on
-- from there.
create table audit_verification (
    name        text        primary key,
    verified_to bigint      not null,
    verified_at timestamptz not null
);
grant select, insert, update on audit_verification to ${writerRole};

-- ShedLock: scheduled verification and anchoring run once across replicas.
create table shedlock (
    name       varchar(64)  primary key,
    lock_until timestamptz  not null,
    locked_at  timestamptz  not null,
    locked_by  varchar(255) not null
);
grant select, insert, update on shedlock to ${writerRole};
