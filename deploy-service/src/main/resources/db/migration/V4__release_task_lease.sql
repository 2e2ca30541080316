-- Target calls run leased and outside any transaction (docs/architecture.md, "Release lifecycle"): a runner
-- claims a call by writing its owner and lease expiry, renews the lease while the call runs, and records the
-- outcome only if it still holds the lease. A lease that expires (its runner died) lets another take the call.
alter table release_task
    add column lease_owner text,
    add column lease_until timestamptz;
