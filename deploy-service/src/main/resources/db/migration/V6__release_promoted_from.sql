-- A release to an environment that requires another first (catalog: promotion.from) records the release of the same
-- version there that it was promoted from (docs/deploy-service.md, "Promotion").
alter table release add column promoted_from uuid;

-- The promotion check looks up a version's releases in the environment it must come from.
create index release_by_version on release (application, environment, version);
