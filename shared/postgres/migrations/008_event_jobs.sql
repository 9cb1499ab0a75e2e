-- Jobs remember who asked (the event may be deleted later; the job stays),
-- what was asked and what came out, for the owner's polling and for audits.
ALTER TABLE events.jobs
    ADD COLUMN user_id      uuid,
    ADD COLUMN request      jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN started_at   timestamptz,
    ADD COLUMN attempts     integer NOT NULL DEFAULT 0,
    ADD COLUMN generator    varchar(50);
CREATE INDEX idx_jobs_stale ON events.jobs (created_at) WHERE status IN ('PENDING', 'PROCESSING');

-- Posters carry what they were rendered from, so an edit can re-render.
ALTER TABLE events.generated_images
    ADD COLUMN source_image_id uuid,
    ADD COLUMN spec            jsonb NOT NULL DEFAULT '{}';

-- A published event's time zone fixes what "today" means for its dates.
ALTER TABLE events.events
    ADD COLUMN time_zone varchar(50) NOT NULL DEFAULT 'Asia/Seoul';
