-- A backup is of an application in an environment (its effective catalog settings say what to back up, how, and for
-- how long to keep it); null for backups from before environments and for the application's own settings.
alter table backup add column environment text;
create index backup_application_environment on backup (application, environment, status);
