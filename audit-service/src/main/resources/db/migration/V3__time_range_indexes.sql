-- Searches combining filters. Time-range searches combined with a type or an actor: index-only range scans (then a top-N sort by seq)
-- instead of scanning every record of the time window.
create index audit_record_by_type_time on audit_record (event_type, event_time, seq);
create index audit_record_by_actor_time on audit_record (actor, event_time, seq) where actor is not null;
-- An application and a type together (also when the pair has no record: no scan of either alone).
create index audit_record_by_subject_type on audit_record (subject, event_type, seq);
