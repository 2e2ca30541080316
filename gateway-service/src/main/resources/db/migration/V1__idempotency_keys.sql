-- The answers of POSTs sent with an Idempotency-Key, per authenticated principal, kept until they
-- expire (relops.gateway.idempotency.retention). A retry with the same key gets the stored answer.
create table idempotency_key (
    principal      text        not null,
    idem_key       text        not null,
    request_hash   bytea       not null, -- SHA-256 of method, path, content type, ce-* headers and body
    method         text        not null,
    path           text        not null,
    state          text        not null check (state in ('IN_PROGRESS', 'COMPLETED')),
    locked_until   timestamptz not null, -- an IN_PROGRESS claim older than this may be taken over
    status         integer,
    content_type   text,
    location       text,
    body           bytea,
    created_at     timestamptz not null default now(),
    expires_at     timestamptz not null,
    primary key (principal, idem_key)
);

create index idempotency_key_expires_at on idempotency_key (expires_at);

-- ShedLock: the expiry sweep runs once across replicas.
create table shedlock (
    name       varchar(64)  primary key,
    lock_until timestamptz  not null,
    locked_at  timestamptz  not null,
    locked_by  varchar(255) not null
);
