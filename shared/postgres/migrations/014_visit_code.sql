-- Verified store visits: each event has a secret from which the day's store
-- visit code is derived (HMAC-SHA256 over the event id and the date in the
-- event's time zone; shared/event/visit.go). Only the owner reads the code;
-- the secret never leaves the server and is not part of the public
-- snapshot. The volatile default gives every existing row its own 32 random
-- bytes (the table is rewritten once) and every new event one at creation.
ALTER TABLE events.events
    ADD COLUMN visit_secret bytea NOT NULL DEFAULT (uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())),
    ADD CONSTRAINT chk_events_visit_secret CHECK (octet_length(visit_secret) >= 16);
