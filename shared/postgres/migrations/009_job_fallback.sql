-- When an AI endpoint failed and the built-in generator stood in, why.
ALTER TABLE events.jobs ADD COLUMN fallback_reason text;
