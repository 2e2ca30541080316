-- The W3C trace context (traceparent) of the last signal that fired or resolved an alert: its alert.notified event
-- goes out in that trace (a release's alert is part of the release's trace).
alter table alert add column traceparent text;
