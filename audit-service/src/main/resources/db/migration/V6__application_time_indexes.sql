-- An application (and a type) within a time window: the window's entries of that application by time, then the
-- first page by seq. Without them a busy application's window was found by walking its records in seq order
-- (seconds over 10 M records).
create index if not exists audit_index_by_subject_time on audit_index (subject, event_time, seq);
create index if not exists audit_index_by_subject_type_time on audit_index (subject, event_type, event_time, seq);
