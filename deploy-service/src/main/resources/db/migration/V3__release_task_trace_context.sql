-- The W3C trace context (traceparent) a task was queued in: the runner continues that trace, so a release is one trace.
alter table release_task add column traceparent text;
