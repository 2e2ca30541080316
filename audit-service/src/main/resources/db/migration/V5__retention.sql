-- Retention (see docs/audit-service.md, "Retention"). The only delete path of the log is audit_prune(): a
-- SECURITY DEFINER function owned by the migration role that appends a signed retention checkpoint of the last
-- pruned record and removes the records up to it (and their search index entries). Only the maintenance role may
-- execute it; the writing role still may only INSERT and SELECT, and the triggers still refuse every other
-- UPDATE, DELETE and TRUNCATE, the owner's included.

-- The maintenance role: created here when missing (local default and tests), like the writing role.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = '${maintainerRole}') then
        execute format('create role %I login password %L', '${maintainerRole}', '${maintainerPassword}');
    end if;
exception when duplicate_object or unique_violation then
    null; -- created concurrently by another database's migration: roles are cluster-wide
end
$$;
grant usage on schema ${flyway:defaultSchema} to ${maintainerRole};
grant select on audit_record, audit_checkpoint, audit_index to ${maintainerRole};

-- Deletes pass only inside audit_prune(), which sets relops.audit.prune_up_to for its own transaction, and only
-- for records up to the retention checkpoint it has just appended.
create function audit_refuse_change_except_pruning() returns trigger language plpgsql
    set search_path = ${flyway:defaultSchema}, pg_temp
as $$
begin
    if tg_op = 'DELETE'
            and old.seq <= coalesce(nullif(current_setting('relops.audit.prune_up_to', true), '')::bigint, 0)
            and exists (select 1 from audit_checkpoint c where c.kind = 'retention' and c.seq >= old.seq) then
        return old;
    end if;
    raise exception 'the audit log is append-only: % on % is refused', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
end
$$;
drop trigger audit_record_append_only on audit_record;
create trigger audit_record_append_only before update or delete on audit_record
    for each row execute function audit_refuse_change_except_pruning();
drop trigger audit_index_append_only on audit_index;
create trigger audit_index_append_only before update or delete on audit_index
    for each row execute function audit_refuse_change_except_pruning();

-- Prunes records 1..up_to (every record before up_to must already be gone or be pruned now) after appending the
-- retention checkpoint (up_to, hash, time) signed by the service. The newest record is never pruned (it carries
-- the chain's head). Returns how many records were removed.
create function audit_prune(up_to bigint, up_to_hash text, pruned_at timestamptz, signing_key_id text,
                            checkpoint_signature text) returns bigint
    language plpgsql security definer
    set search_path = ${flyway:defaultSchema}, pg_temp
as $$
declare
    removed bigint;
begin
    if not exists (select 1 from audit_record where seq = up_to and hash = up_to_hash) then
        raise exception 'retention checkpoint refused: record % does not exist or its hash is not %', up_to, up_to_hash;
    end if;
    if up_to >= (select max(seq) from audit_record) then
        raise exception 'retention checkpoint refused: record % is the newest, it is never pruned', up_to;
    end if;
    insert into audit_checkpoint (seq, hash, checkpoint_time, kind, key_id, signature)
        values (up_to, up_to_hash, pruned_at, 'retention', signing_key_id, checkpoint_signature);
    perform set_config('relops.audit.prune_up_to', up_to::text, true);
    delete from audit_index where seq <= up_to;
    delete from audit_record where seq <= up_to;
    get diagnostics removed = row_count;
    perform set_config('relops.audit.prune_up_to', '', true);
    return removed;
end
$$;
revoke all on function audit_prune(bigint, text, timestamptz, text, text) from public;
grant execute on function audit_prune(bigint, text, timestamptz, text, text) to ${maintainerRole};
