-- Outbox rows the relay could not publish because they are not valid relops events (e.g. written by
-- an older version under a schema that has changed since). They are moved here, with the reason, so
-- that they never block the events behind them and are never lost.
create table outbox_rejected (
    seq         bigint      primary key,
    event_id    text        not null,
    event_type  text        not null,
    event       bytea       not null,
    reason      text        not null,
    rejected_at timestamptz not null default now()
);
