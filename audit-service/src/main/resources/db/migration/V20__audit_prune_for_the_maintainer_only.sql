-- Whatever signature audit_prune() has by now: nobody but its owner (the migration role) and the roles granted it
-- explicitly (the maintenance role) may execute it. A new function is executable by PUBLIC until revoked; the other
-- services' roles have no USAGE on this schema either (docs/security.md, "Database roles"), and DatabaseRolesIT
-- checks every function of this name.
do $$
declare
    prune regprocedure;
begin
    for prune in
        select p.oid::regprocedure from pg_proc p
        where p.proname = 'audit_prune' and p.pronamespace = '${flyway:defaultSchema}'::regnamespace
    loop
        execute format('revoke all on function %s from public', prune);
        execute format('revoke all on function %s from %I', prune, '${writerRole}');
    end loop;
end
$$;
