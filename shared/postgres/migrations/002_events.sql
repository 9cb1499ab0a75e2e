-- Events, their AI plans, posters and async jobs (seed event-service ERD).
-- user_id and store_id reference the users schema logically only: no
-- cross-schema foreign keys, each domain owns its tables.
CREATE SCHEMA IF NOT EXISTS events;

CREATE TABLE events.events (
    event_id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id                    uuid NOT NULL,
    store_id                   uuid NOT NULL,
    event_name                 varchar(200),
    description                text,
    objective                  varchar(100) NOT NULL,
    prize                      varchar(200),
    start_date                 date,
    end_date                   date,
    winner_count               integer NOT NULL DEFAULT 1,
    budget                     bigint,
    status                     varchar(20) NOT NULL DEFAULT 'DRAFT',
    selected_recommendation_id uuid,
    selected_image_id          uuid,
    selected_image_url         varchar(500),
    -- The ERD's TEXT holding a JSON array, as jsonb so it can be checked.
    channels                   jsonb NOT NULL DEFAULT '[]',
    channel_settings           jsonb NOT NULL DEFAULT '{}',
    -- The draw seed is created at publish and never leaves the server before
    -- the draw; its SHA-256 (hex) is the public commitment.
    draw_seed                  bytea,
    draw_commitment            char(64),
    published_at               timestamptz,
    ended_at                   timestamptz,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    updated_at                 timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT chk_events_status CHECK (status IN ('DRAFT', 'PUBLISHED', 'ENDED')),
    CONSTRAINT chk_events_objective CHECK (objective IN ('NEW_CUSTOMERS', 'REVISIT', 'SALES_INCREASE', 'AWARENESS')),
    CONSTRAINT chk_events_dates CHECK (start_date IS NULL OR end_date IS NULL OR start_date <= end_date),
    CONSTRAINT chk_events_winner_count CHECK (winner_count BETWEEN 1 AND 1000),
    CONSTRAINT chk_events_budget CHECK (budget IS NULL OR budget >= 0),
    CONSTRAINT chk_events_channels CHECK (jsonb_typeof(channels) = 'array'),
    CONSTRAINT chk_events_channel_settings CHECK (jsonb_typeof(channel_settings) = 'object'),
    CONSTRAINT chk_events_seed CHECK (draw_seed IS NULL OR octet_length(draw_seed) = 32),
    CONSTRAINT chk_events_published_has_seed CHECK (status = 'DRAFT' OR (draw_seed IS NOT NULL AND draw_commitment IS NOT NULL))
);
CREATE INDEX idx_events_user_id ON events.events (user_id);
CREATE INDEX idx_events_store_id ON events.events (store_id);
CREATE INDEX idx_events_status ON events.events (status);
CREATE INDEX idx_events_user_status ON events.events (user_id, status);
-- The owner's list is newest first.
CREATE INDEX idx_events_user_created ON events.events (user_id, created_at DESC);
-- EventAutoEnd scans published events by end date.
CREATE INDEX idx_events_published_end ON events.events (end_date) WHERE status = 'PUBLISHED';

CREATE TABLE events.ai_recommendations (
    recommendation_id    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id             uuid NOT NULL,
    job_id               uuid,
    budget_level         varchar(10),
    event_name           varchar(200) NOT NULL,
    description          text NOT NULL,
    prize                varchar(200),
    participation_method varchar(200),
    promotion_type       varchar(50) NOT NULL,
    target_audience      varchar(100) NOT NULL,
    estimated_cost       bigint,
    expected_roi         numeric(10, 2),
    is_selected          boolean NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fk_recommendations_event FOREIGN KEY (event_id) REFERENCES events.events (event_id) ON DELETE CASCADE,
    CONSTRAINT chk_recommendations_budget_level CHECK (budget_level IS NULL OR budget_level IN ('LOW', 'MID', 'HIGH')),
    CONSTRAINT chk_recommendations_cost CHECK (estimated_cost IS NULL OR estimated_cost >= 0)
);
CREATE INDEX idx_recommendations_event_id ON events.ai_recommendations (event_id);
CREATE INDEX idx_recommendations_selected ON events.ai_recommendations (event_id, is_selected);
-- "is_selected=true는 이벤트당 1개만": at most one selected plan per event.
CREATE UNIQUE INDEX uk_recommendations_one_selected ON events.ai_recommendations (event_id) WHERE is_selected;

CREATE TABLE events.generated_images (
    image_id    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id    uuid NOT NULL,
    job_id      uuid,
    image_url   varchar(500) NOT NULL,
    style       varchar(50) NOT NULL,
    platform    varchar(50) NOT NULL,
    width       integer,
    height      integer,
    is_selected boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fk_images_event FOREIGN KEY (event_id) REFERENCES events.events (event_id) ON DELETE CASCADE,
    CONSTRAINT chk_images_style CHECK (style IN ('SIMPLE', 'FANCY', 'TRENDY')),
    CONSTRAINT chk_images_platform CHECK (platform IN ('INSTAGRAM', 'NAVER', 'KAKAO')),
    CONSTRAINT chk_images_size CHECK ((width IS NULL OR width > 0) AND (height IS NULL OR height > 0))
);
CREATE INDEX idx_images_event_id ON events.generated_images (event_id);
CREATE INDEX idx_images_selected ON events.generated_images (event_id, is_selected);
CREATE UNIQUE INDEX uk_images_one_selected ON events.generated_images (event_id) WHERE is_selected;

-- No foreign key on purpose (ERD: job history survives event deletion).
CREATE TABLE events.jobs (
    job_id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    event_id      uuid NOT NULL,
    job_type      varchar(50) NOT NULL,
    status        varchar(20) NOT NULL DEFAULT 'PENDING',
    progress      integer NOT NULL DEFAULT 0,
    result_key    varchar(200),
    error_message text,
    completed_at  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT chk_jobs_status CHECK (status IN ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED')),
    CONSTRAINT chk_jobs_type CHECK (job_type IN ('AI_RECOMMENDATION', 'IMAGE_GENERATION')),
    CONSTRAINT chk_jobs_progress CHECK (progress BETWEEN 0 AND 100)
);
CREATE INDEX idx_jobs_event_id ON events.jobs (event_id);
CREATE INDEX idx_jobs_type_status ON events.jobs (job_type, status);
CREATE INDEX idx_jobs_status ON events.jobs (status);
