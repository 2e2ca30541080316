-- Backups asked for and their outcome. Drivers, storage, integrity checks, retention and restore
-- come with the backup issue.
create table backup (
    id           uuid        primary key,
    application  text        not null,
    release_id   uuid,
    trigger      text        not null,
    requested_by text        not null,
    status       text        not null, -- FAILED until drivers exist
    reason       text,
    requested_at timestamptz not null default now()
);
