-- Every relops event, once (the CloudEvents id is unique), in the order audit-service recorded it.
-- The hash chain, signed checkpoints and the database-level write protection come with the audit issue.
create table audit_event (
    seq         bigserial   primary key,
    event_id    text        not null unique,
    event_type  text        not null,
    source      text        not null,
    subject     text        not null,
    release_id  uuid,
    event_time  timestamptz not null,
    recorded_at timestamptz not null default now(),
    topic       text        not null,
    data        jsonb       not null
);
create index audit_event_by_release on audit_event (release_id, seq);
create index audit_event_by_subject on audit_event (subject, seq);
