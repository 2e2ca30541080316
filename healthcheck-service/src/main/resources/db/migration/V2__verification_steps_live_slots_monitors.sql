-- A verification is for deployment.ready (step null) or for one traffic.shifted canary step.
alter table verification add column trigger text not null default 'io.relops.deployment.ready';
alter table verification add column step integer;
alter table verification add column weight integer;

-- The slot each release deployed (deployment.ready / traffic.shifted): what becomes live when it completes.
create table release_slot (
    release_id  uuid primary key,
    application text not null,
    environment text not null,
    version     text not null,
    slot        text not null,
    endpoint    text not null
);

-- What serves each application now (release.completed, traffic.shifted at 100 %, rollback.completed),
-- with what served before (to return to on a rollback) and the end of the post-release watch window.
create table live_slot (
    application       text        not null,
    environment       text        not null,
    release_id        uuid,
    version           text        not null,
    slot              text        not null,
    endpoint          text        not null,
    since             timestamptz not null default now(),
    watch_until       timestamptz,
    previous_release  uuid,
    previous_version  text,
    previous_slot     text,
    previous_endpoint text,
    primary key (application, environment)
);

-- The monitor's view of each live application: HEALTHY, UNHEALTHY or UNKNOWN (not judged yet), the
-- streaks that move it (hysteresis), the last round's evidence, and how many transitions it made
-- (the id of each emitted event derives from it).
create table monitor_state (
    application     text        not null,
    environment     text        not null,
    endpoint        text        not null,
    state           text        not null,
    passing_streak  integer     not null default 0,
    failing_streak  integer     not null default 0,
    transitions     integer     not null default 0,
    last_results    jsonb       not null default '[]',
    checked_at      timestamptz,
    changed_at      timestamptz not null default now(),
    primary key (application, environment)
);

-- ShedLock: leases on the monitor partitions, so that each monitor runs on one replica.
create table shedlock (
    name       varchar(64)  primary key,
    lock_until timestamp    not null,
    locked_at  timestamp    not null,
    locked_by  varchar(255) not null
);
