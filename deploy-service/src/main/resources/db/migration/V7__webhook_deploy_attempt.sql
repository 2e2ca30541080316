-- A release may ask a webhook system again for a slot it asked for before: a second rollback re-deploys the previous
-- slot after the first one's callback said failed. The earlier request is then finished (its callback taken, or its
-- deadline passed) or belongs to another call of the release (another task), and a new attempt of the request replaces
-- it: attempt counts them, and a callback belongs to one attempt. A call repeated after a crash (the same task) keeps
-- its attempt: it waits for the callback instead of asking again.
alter table webhook_deploy add column attempt int not null default 1;
alter table webhook_deploy add column task_id bigint;

alter table webhook_callback add column attempt int not null default 1;
alter table webhook_callback drop constraint webhook_callback_pkey;
alter table webhook_callback add primary key (release_id, slot, attempt);
