-- processed_event is pruned past relops.events.processed-retention (ProcessedEventsPruner), oldest first, in
-- bounded batches: an index on the time column keeps each batch an index range scan, not a table scan.
create index if not exists processed_event_processed_at on processed_event (processed_at);

-- ShedLock's table for the platform's own scheduled work (the pruning above), so that one instance of a
-- service prunes at a time. Its own name: most services keep a table "shedlock" of their own already.
create table if not exists platform_shedlock (
    name       varchar(64)  primary key,
    lock_until timestamptz  not null,
    locked_at  timestamptz  not null,
    locked_by  varchar(255) not null
);
