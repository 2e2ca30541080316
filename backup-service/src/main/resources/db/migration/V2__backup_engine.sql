-- Backups taken for real: where each artifact is, its size and SHA-256, progress, verification and retention.
-- status: REQUESTED -> RUNNING -> COMPLETED | FAILED; COMPLETED -> PRUNED by retention.
alter table backup
    add column driver              text,
    add column storage_key         text,
    add column location            text,
    add column size_bytes          bigint,
    add column bytes_done          bigint      not null default 0,
    add column sha256              text,
    add column encrypted           boolean     not null default false,
    add column evidence            jsonb       not null default '{}',
    add column started_at          timestamptz,
    add column completed_at        timestamptz,
    add column duration_ms         bigint,
    add column heartbeat_at        timestamptz,
    add column verify_requested    boolean     not null default false,
    add column verification        text, -- PASSED | FAILED
    add column verification_checks jsonb,
    add column verified_at         timestamptz,
    add column pruned_at           timestamptz,
    add column pruned_reason       text;

create index backup_by_application on backup (application, requested_at desc);
create index backup_pending on backup (requested_at) where status in ('REQUESTED', 'RUNNING') or verify_requested;

-- Restores asked for: REQUESTED -> RUNNING -> COMPLETED | FAILED.
create table restore (
    id           uuid        primary key,
    backup_id    uuid        not null references backup (id),
    application  text        not null,
    release_id   uuid,
    trigger      text        not null,
    requested_by text        not null,
    status       text        not null,
    reason       text,
    requested_at timestamptz not null default now(),
    started_at   timestamptz,
    heartbeat_at timestamptz,
    completed_at timestamptz,
    duration_ms  bigint
);

-- Releases in progress: their pre-deploy backups are never pruned.
create table active_release (
    release_id   uuid        primary key,
    application  text        not null,
    requested_at timestamptz not null default now()
);

-- ShedLock: scheduled backups and retention sweeps run once across replicas.
create table shedlock (
    name       varchar(64)  primary key,
    lock_until timestamptz  not null,
    locked_at  timestamptz  not null,
    locked_by  varchar(255) not null
);
