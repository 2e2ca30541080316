-- Alerts raised from relops events, and each notification sent (persisted before it is sent).
-- Grouping, silences, inhibition, escalation and the external channels come with the alert issue.
create table alert (
    id          uuid        primary key,
    fingerprint text        not null,
    application text        not null,
    release_id  uuid,
    alert_name  text        not null,
    severity    text        not null,
    summary     text        not null,
    status      text        not null, -- FIRING, RESOLVED
    cause_event text        not null,
    created_at  timestamptz not null default now()
);
create index alert_by_fingerprint on alert (fingerprint, created_at desc);

create table notification (
    id         uuid        primary key,
    alert_id   uuid        not null references alert (id),
    receiver   text        not null,
    sent_at    timestamptz not null default now()
);
