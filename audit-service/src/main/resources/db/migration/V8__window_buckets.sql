-- Free text in a short time window is answered bucket by bucket in seq order (docs/audit-service.md, "Search"):
-- which seq buckets ('@s:<seq >> 16>', V7) hold records of which day of event_time ('@d:<day>'). A window then
-- probes only its days' buckets, in order, and stops at the first full page, instead of reading every match of
-- the window (about 1,900 heap rows for "free text + type + one week" over 10 M records) to keep the first 100.
-- Derived data like audit_index: the search indexer adds a chunk's pairs in the transaction that indexes it.
-- A pair whose records were pruned stays: probing an empty bucket finds nothing, the answer stays exact.
create table audit_window_bucket (
    day    bigint not null,   -- days since 1970-01-01 UTC of event_time
    bucket bigint not null,   -- seq >> 16
    primary key (day, bucket)
);

insert into audit_window_bucket (day, bucket)
select distinct floor(extract(epoch from event_time) / 86400)::bigint, seq >> 16 from audit_index;

create trigger audit_window_bucket_append_only before update or delete on audit_window_bucket
    for each row execute function audit_refuse_change();
create trigger audit_window_bucket_no_truncate before truncate on audit_window_bucket
    for each statement execute function audit_refuse_change();

grant select, insert on audit_window_bucket to ${writerRole};
grant select on audit_window_bucket to ${maintainerRole};
