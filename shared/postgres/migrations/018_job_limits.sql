-- AI plan and poster jobs are limited (issue 17): one in flight per event and
-- type, a daily quota per owner, and only the latest job of a type may write
-- its results into the event.

-- The daily quota counts an owner's jobs of a type since midnight.
CREATE INDEX idx_jobs_owner_type_created ON events.jobs (user_id, job_type, created_at);

-- The running job of an event and type, if any.
CREATE INDEX idx_jobs_event_open ON events.jobs (event_id, job_type, created_at) WHERE status IN ('PENDING', 'PROCESSING');

-- The latest job of each type, set when it is queued; a job that is not the
-- latest of its type when it finishes stores nothing (a late or redelivered
-- job never replaces the plans or posters of a newer one). NULL: no job since
-- this migration, any job may write.
ALTER TABLE events.events
    ADD COLUMN latest_recommendation_job_id uuid,
    ADD COLUMN latest_image_job_id          uuid;
