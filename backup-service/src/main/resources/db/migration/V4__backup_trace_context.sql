-- The W3C trace context (traceparent) a backup was requested in: the worker takes it in that trace, so a pre-deploy
-- backup is part of its release's trace.
alter table backup add column traceparent text;
