-- A prune is recorded first (status PRUNED, with its event) and its artifact deleted after: a crash or a database
-- outage between the two leaves a PRUNED backup whose artifact still exists, never a COMPLETED one whose artifact is
-- gone. artifact_deleted_at is set once the artifact is deleted; every prune pass finishes the ones without it.
alter table backup add column artifact_deleted_at timestamptz;
update backup set artifact_deleted_at = pruned_at where status = 'PRUNED';
create index backup_artifact_to_delete on backup (application) where status = 'PRUNED' and artifact_deleted_at is null;
