-- Free text combined with other filters is answered inside the GIN index (see docs/audit-service.md, "Search").
-- Besides the words of the type, application, actor and data, a record's document now holds exact lexemes that no
-- user text can produce (they begin with '@'; the text-search parser never emits one):
--   '@a:<application>'  '@t:<type>'  '@d:<day of event_time, days since 1970-01-01 UTC>'  '@s:<seq / 65536>'
-- "payment" for one application in one week is then one GIN scan intersecting four posting lists, instead of a
-- BitmapAnd of the word's matches with every record of a busy application (170 ms at p99 over 10 M records).
--
-- audit_index is derived data, rebuilt from audit_record: it is dropped here and the search indexer refills it
-- in sequence order (progress: the relops.audit.index.lag gauge). Searches stay exact meanwhile; the records not
-- indexed yet are filtered directly, which is slower on a large log until the indexer has caught up.
drop table audit_index;
drop function audit_document(text, text, text, jsonb);

-- Stable, not immutable: it reads the epoch of a timestamptz. It is never used in an index expression.
create function audit_document(seq bigint, event_type text, subject text, actor text, event_time timestamptz,
                               data jsonb) returns tsvector
    language sql stable parallel safe
    return to_tsvector('simple'::regconfig,
                       event_type || ' ' || subject || ' ' || coalesce(actor, '') || ' ' || data::text)
        || array_to_tsvector(array[
               '@a:' || left(subject, 500),
               '@t:' || left(event_type, 500),
               '@d:' || floor(extract(epoch from event_time) / 86400)::bigint,
               '@s:' || (seq >> 16)]);

create table audit_index (
    seq         bigint      primary key,   -- the audit_record it indexes
    event_type  text        not null,
    subject     text        not null,
    release_id  text,
    actor       text,
    event_time  timestamptz not null,
    search      tsvector    not null
);
-- Every filter alone and the usual pairs, each ending in seq: keyset pages in sequence order read an index
-- range in order and stop after one page (LIMIT), whatever the size of the log.
create index audit_index_by_subject on audit_index (subject, seq);
create index audit_index_by_type on audit_index (event_type, seq);
create index audit_index_by_release on audit_index (release_id, seq) where release_id is not null;
create index audit_index_by_actor on audit_index (actor, seq) where actor is not null;
create index audit_index_by_subject_type on audit_index (subject, event_type, seq);
-- Time windows: the window's entries by time (index only), then the first page by seq.
create index audit_index_by_time on audit_index (event_time, seq);
create index audit_index_by_type_time on audit_index (event_type, event_time, seq);
create index audit_index_by_actor_time on audit_index (actor, event_time, seq) where actor is not null;
create index audit_index_by_subject_time on audit_index (subject, event_time, seq);
create index audit_index_by_subject_type_time on audit_index (subject, event_type, event_time, seq);
create index audit_index_search on audit_index using gin (search);

-- The same protection as before (V4, V5): append-only except inside audit_prune().
create trigger audit_index_append_only before update or delete on audit_index
    for each row execute function audit_refuse_change_except_pruning();
create trigger audit_index_no_truncate before truncate on audit_index
    for each statement execute function audit_refuse_change();

grant select, insert on audit_index to ${writerRole};
grant select on audit_index to ${maintainerRole};
grant execute on function audit_document(bigint, text, text, text, timestamptz, jsonb) to ${writerRole};
