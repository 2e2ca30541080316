-- Searching leaves the ingest path (see docs/audit-service.md, "Ingest" and "Search"). Maintaining the stored
-- tsvector, its GIN index and eight btree indexes cost ~200 µs per inserted record, ten times the insert itself.
-- audit_record keeps only what appending needs (seq, the unique event id); the search columns, the free-text
-- document and every search index live in audit_index, which the search indexer fills behind the writer in
-- sequence order. Searches use audit_index up to its last seq and filter the (short) rest of audit_record
-- directly, so they are exact however far the indexer is behind.
drop index if exists audit_record_search;
alter table audit_record drop column if exists search;
drop index if exists audit_record_by_subject;
drop index if exists audit_record_by_type;
drop index if exists audit_record_by_release;
drop index if exists audit_record_by_actor;
drop index if exists audit_record_by_time;
drop index if exists audit_record_by_type_time;
drop index if exists audit_record_by_actor_time;
drop index if exists audit_record_by_subject_type;

-- The document free text matches: type, application, actor and the data's JSON text.
create function audit_document(event_type text, subject text, actor text, data jsonb) returns tsvector
    language sql immutable parallel safe
    return to_tsvector('simple'::regconfig, event_type || ' ' || subject || ' ' || coalesce(actor, '') || ' ' || data::text);

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
create index audit_index_search on audit_index using gin (search);

create trigger audit_index_append_only before update or delete on audit_index
    for each row execute function audit_refuse_change();
create trigger audit_index_no_truncate before truncate on audit_index
    for each statement execute function audit_refuse_change();

grant select, insert on audit_index to ${writerRole};
grant execute on function audit_document(text, text, text, jsonb) to ${writerRole};
