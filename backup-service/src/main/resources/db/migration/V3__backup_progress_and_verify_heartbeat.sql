-- The size a running backup is expected to reach (the previous backup's, else the driver's estimate), for a
-- progress bar beside bytes_done; a completed backup's final size.
alter table backup add column bytes_total bigint;

-- A verification in progress reports here; one whose instance died (no report for stale-after) is taken over.
alter table backup add column verify_heartbeat_at timestamptz;
