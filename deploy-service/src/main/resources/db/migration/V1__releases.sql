create table release (
    id               uuid        primary key,
    application      text        not null,
    environment      text        not null,
    version          text        not null,
    previous_version text,
    strategy         text        not null,
    status           text        not null,
    slot             text,
    endpoint         text,
    requested_by     text        not null,
    reason           text,
    requested_at     timestamptz not null,
    updated_at       timestamptz not null default now(),
    completed_at     timestamptz
);

-- One release at a time per application and environment.
create unique index release_one_in_progress on release (application, environment)
    where status in ('REQUESTED', 'AWAITING_APPROVAL', 'AWAITING_BACKUP', 'DEPLOYING', 'VERIFYING', 'PROMOTING', 'ROLLING_BACK');

create index release_by_application on release (application, environment, requested_at desc);

-- What serves each application's users now.
create table live_version (
    application text        not null,
    environment text        not null,
    version     text        not null,
    slot        text        not null,
    endpoint    text        not null,
    release_id  uuid        not null,
    since       timestamptz not null default now(),
    primary key (application, environment)
);
