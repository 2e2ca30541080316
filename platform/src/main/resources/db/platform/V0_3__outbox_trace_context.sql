-- The W3C trace context (traceparent) of the transaction that wrote the event: the relay publishes the event as part
-- of that trace, so a release stays one trace across the outbox. Null for rows written without a trace.
alter table outbox_event add column traceparent text;
