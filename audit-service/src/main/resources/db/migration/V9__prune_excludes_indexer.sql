-- Pruning and the search indexer exclude each other. Without it, an indexer chunk whose statement read records
-- before a prune committed inserted their index rows after the prune had deleted them: index rows of pruned records
-- (RetentionIT caught 5 such rows in a CI run). The indexer takes the lock with pg_try_advisory_xact_lock and skips
-- a round while a prune holds it.
create or replace function audit_prune(up_to bigint, up_to_hash text, pruned_at timestamptz, signing_key_id text,
                            checkpoint_signature text) returns bigint
    language plpgsql security definer
    set search_path = ${flyway:defaultSchema}, pg_temp
as $$
declare
    removed bigint;
begin
    -- the search indexer's lock (SearchIndexer.INDEX_LOCK): a chunk being indexed commits first, and no chunk read
    -- before this prune can insert index rows for the records it removes
    perform pg_advisory_xact_lock(107156823700585);
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
