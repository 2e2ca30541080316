-- The release engine: state of each release, its timeline, the durable work queue of target calls
-- and timers, what each slot runs, and the pre-deploy backups seen.

alter table release
    add column stable_slot      text,
    add column stable_endpoint  text,
    add column step             int     not null default 0,
    add column weight           int     not null default 0,
    add column seq              int     not null default 0,
    add column paused           boolean not null default false,
    add column approved_by      text,
    add column backup_id        uuid,
    add column backup_sha256    text,
    add column watch_until      timestamptz,
    add column commit_ref       text;

-- Every transition and refusal, in order: the release's timeline as deploy-service saw it.
create table release_history (
    id          bigserial   primary key,
    release_id  uuid        not null references release (id),
    at          timestamptz not null default clock_timestamp(),
    status      text        not null,
    message     text        not null
);
create index release_history_by_release on release_history (release_id, id);

-- Work to do outside the consumer threads: target calls (deploy, route, stop) and timers
-- (progress deadlines, canary pauses, approval expiry). Tasks of one application and environment
-- run one at a time in id order; a task is claimed with FOR UPDATE SKIP LOCKED inside the
-- transaction that also records its outcome, so a crash repeats it, never loses it.
create table release_task (
    id           bigserial   primary key,
    app_key      text        not null,
    release_id   uuid        not null references release (id),
    kind         text        not null,
    due_at       timestamptz not null default now(),
    seq          int         not null,
    slot         text,
    version      text,
    step         int,
    weight       int,
    final_status text,
    reason       text,
    cause_time   timestamptz,
    attempts     int         not null default 0,
    last_error   text,
    created_at   timestamptz not null default now()
);
create index release_task_due on release_task (due_at, id);
-- "is a due task of the same application ahead of this one?": a range scan of the due ones only
create index release_task_by_key on release_task (app_key, due_at, id);

-- What runs on each slot, as far as deploy-service has made it so.
create table slot_state (
    application text        not null,
    environment text        not null,
    slot        text        not null,
    version     text        not null,
    endpoint    text        not null,
    running     boolean     not null,
    updated_at  timestamptz not null default now(),
    primary key (application, environment, slot)
);

-- Outcomes of pre-deploy backups by release: a backup event may arrive before the release does.
create table release_backup (
    release_id uuid        primary key,
    backup_id  uuid        not null,
    completed  boolean     not null,
    sha256     text,
    reason     text,
    at         timestamptz not null default now()
);

-- The release whose version a release replaces (to restore it, and to know which release is live again).
alter table release add column previous_release uuid;
