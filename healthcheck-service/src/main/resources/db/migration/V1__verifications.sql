-- One verification run per deployment.ready (or, later, traffic.shifted) event.
create table verification (
    id          uuid        primary key,
    release_id  uuid,
    application text        not null,
    environment text        not null,
    version     text,
    slot        text,
    endpoint    text        not null,
    status      text        not null, -- RUNNING, VERIFIED, FAILED
    reason      text,
    results     jsonb       not null default '[]',
    started_at  timestamptz not null default now(),
    finished_at timestamptz
);
create index verification_by_release on verification (release_id);
create index verification_running on verification (status) where status = 'RUNNING';
