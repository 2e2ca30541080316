-- Alerting with Alertmanager semantics: alerts by fingerprint, aggregation groups, silences, and the
-- notification outbox (each notification is persisted, per integration, before it is sent).
drop table notification;
drop table alert;

create table alert (
    fingerprint     text        primary key,  -- of the labels
    id              uuid        not null,     -- the current firing episode
    labels          jsonb       not null,
    annotations     jsonb       not null,
    application     text        not null,
    release_id      uuid,
    severity        text        not null,
    status          text        not null,     -- firing, resolved
    starts_at       timestamptz not null,
    ends_at         timestamptz,              -- resolves by itself then (pushed alerts), null: until resolved
    resolved_at     timestamptz,
    generator_url   text,
    cause           text        not null,     -- the CloudEvents id or API that last changed it
    acknowledged_by text,
    acknowledged_at timestamptz,
    ack_comment     text,
    escalated_at    timestamptz,
    updated_at      timestamptz not null default now()
);
create index alert_by_status on alert (status, application, starts_at desc);
create index alert_by_labels on alert using gin (labels jsonb_path_ops);

create table alert_group (
    group_key         text        primary key, -- <route id>:{label="value", ...}
    route_id          text        not null,
    receiver          text        not null,
    group_labels      jsonb       not null,
    flush_at          timestamptz,             -- when the group is looked at next
    notified_firing   text[],                  -- alert episode ids in the last notification (null: never notified)
    notified_resolved text[],
    notified_at       timestamptz,
    created_at        timestamptz not null default now()
);
create index alert_group_due on alert_group (flush_at) where flush_at is not null;

create table alert_group_member (
    group_key   text not null references alert_group (group_key) on delete cascade,
    fingerprint text not null references alert (fingerprint),
    primary key (group_key, fingerprint)
);

create table notification (
    seq             bigserial   primary key,
    id              uuid        not null unique,
    group_key       text        not null,
    receiver        text        not null,
    integration     text        not null,      -- <receiver>/<channel>[<index>]
    channel         text        not null,      -- slack, pagerduty, email, webhook, log
    status          text        not null,      -- pending, delivered, rejected
    payload         jsonb       not null,
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    created_at      timestamptz not null default now(),
    delivered_at    timestamptz
);
create index notification_pending on notification (integration, seq) where status = 'pending';
create index notification_by_group on notification (group_key, integration);

create table silence (
    id         uuid        primary key,
    matchers   jsonb       not null,
    starts_at  timestamptz not null,
    ends_at    timestamptz not null,
    created_by text        not null,
    comment    text        not null,
    updated_at timestamptz not null default now()
);
