-- Shared by every relops service that keeps state (located by Flyway from the platform jar).

-- Events a handler emitted, committed in the same transaction as the state change that caused them.
-- The relay publishes them in order and deletes them; a crash in between re-publishes with the same
-- CloudEvents id, which consumers deduplicate.
create table outbox_event (
    seq        bigserial primary key,
    event_id   text        not null unique,
    event_type text        not null,
    subject    text        not null,
    event      bytea       not null, -- the CloudEvent in structured JSON format
    created_at timestamptz not null default now()
);

-- CloudEvents ids this service has consumed: a redelivery changes nothing twice.
create table processed_event (
    event_id     text        primary key,
    event_type   text        not null,
    processed_at timestamptz not null default now()
);
