-- Several deploy-service instances on one database (docs/deploy-service.md, "Replicas"): nothing a release waits
-- for lives in one instance's memory.

-- The webhook target's deploy requests: recorded before the POST (sending) and after it (sent), so that a deploy
-- call taken up by another instance after a crash waits for the callback instead of asking again. The window
-- between the POST and 'sent' is at least once: the external system treats the same release, slot and version as
-- one request (docs/deploy-targets.md). The application and environment name the secret a callback is checked with.
create table webhook_deploy (
    release_id   uuid        not null,
    slot         text        not null,
    version      text        not null,
    application  text        not null,
    environment  text        not null,
    state        text        not null check (state in ('sending', 'sent')),
    requested_at timestamptz not null default now(),
    sent_at      timestamptz,
    primary key (release_id, slot)
);

-- The external system's callbacks, stored by whichever instance receives one; the waiting deploy call polls for
-- it. One per deploy request: a second one is refused (409).
create table webhook_callback (
    release_id  uuid        not null,
    slot        text        not null,
    status      text        not null check (status in ('ready', 'failed')),
    endpoint    text,
    message     text,
    received_at timestamptz not null default now(),
    primary key (release_id, slot),
    foreign key (release_id, slot) references webhook_deploy (release_id, slot)
);

-- The process target is a single-host target: its slots are run by the instance holding the ShedLock lease
-- 'process-target-host'; calls of applications on it (host_bound, set when the task is queued) are leased only
-- by that instance.
alter table release_task add column host_bound boolean not null default false;

create table shedlock (
    name       varchar(64)  not null primary key,
    lock_until timestamp    not null,
    locked_at  timestamp    not null,
    locked_by  varchar(255) not null
);
