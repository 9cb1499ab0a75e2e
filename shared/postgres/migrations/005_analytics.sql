-- Rolled-up statistics (seed analytics-service ERD). Per the ERD legend,
-- relations are logical only: no physical foreign keys.
CREATE SCHEMA IF NOT EXISTS analytics;

CREATE TABLE analytics.event_stats (
    id                 bigserial PRIMARY KEY,
    event_id           uuid NOT NULL,
    event_title        varchar(255) NOT NULL,
    user_id            uuid NOT NULL,
    total_participants integer NOT NULL DEFAULT 0,
    total_views        integer NOT NULL DEFAULT 0,
    estimated_roi      numeric(10, 2) NOT NULL DEFAULT 0,
    target_roi         numeric(10, 2) NOT NULL DEFAULT 0,
    sales_growth_rate  numeric(10, 2) NOT NULL DEFAULT 0,
    total_investment   numeric(15, 2) NOT NULL DEFAULT 0,
    expected_revenue   numeric(15, 2) NOT NULL DEFAULT 0,
    status             varchar(20) NOT NULL DEFAULT 'ACTIVE',
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uk_event_stats_event UNIQUE (event_id),
    CONSTRAINT chk_event_stats_participants CHECK (total_participants >= 0),
    CONSTRAINT chk_event_stats_views CHECK (total_views >= 0),
    CONSTRAINT chk_event_stats_investment CHECK (total_investment >= 0),
    CONSTRAINT chk_event_stats_roi CHECK (estimated_roi >= 0),
    CONSTRAINT chk_event_stats_status CHECK (status IN ('ACTIVE', 'ENDED', 'ARCHIVED'))
);
CREATE INDEX idx_event_stats_user_id ON analytics.event_stats (user_id);
CREATE INDEX idx_event_stats_status ON analytics.event_stats (status);
CREATE INDEX idx_event_stats_created_at ON analytics.event_stats (created_at);

CREATE TABLE analytics.channel_stats (
    id                bigserial PRIMARY KEY,
    event_id          uuid NOT NULL,
    channel_name      varchar(50) NOT NULL,
    channel_type      varchar(20) NOT NULL,
    impressions       integer NOT NULL DEFAULT 0,
    views             integer NOT NULL DEFAULT 0,
    clicks            integer NOT NULL DEFAULT 0,
    participants      integer NOT NULL DEFAULT 0,
    conversions       integer NOT NULL DEFAULT 0,
    distribution_cost numeric(15, 2) NOT NULL DEFAULT 0,
    likes             integer NOT NULL DEFAULT 0,
    comments          integer NOT NULL DEFAULT 0,
    shares            integer NOT NULL DEFAULT 0,
    total_calls       integer NOT NULL DEFAULT 0,
    completed_calls   integer NOT NULL DEFAULT 0,
    average_duration  integer NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uk_channel_stats_event_channel UNIQUE (event_id, channel_name),
    CONSTRAINT chk_channel_stats_type CHECK (channel_type IN ('TV', 'SNS', 'VOICE')),
    CONSTRAINT chk_channel_stats_calls CHECK (completed_calls <= total_calls),
    CONSTRAINT chk_channel_stats_counts CHECK (impressions >= 0 AND views >= 0 AND clicks >= 0 AND participants >= 0 AND conversions >= 0)
);
CREATE INDEX idx_channel_stats_event_id ON analytics.channel_stats (event_id);
CREATE INDEX idx_channel_stats_channel_type ON analytics.channel_stats (channel_type);
CREATE INDEX idx_channel_stats_participants ON analytics.channel_stats (participants);

CREATE TABLE analytics.timeline_data (
    id                      bigserial PRIMARY KEY,
    event_id                uuid NOT NULL,
    "timestamp"             timestamptz NOT NULL,
    participants            integer NOT NULL DEFAULT 0,
    views                   integer NOT NULL DEFAULT 0,
    engagement              integer NOT NULL DEFAULT 0,
    conversions             integer NOT NULL DEFAULT 0,
    cumulative_participants integer NOT NULL DEFAULT 0,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    -- One row per event and hour bucket; also the ERD's (event_id, timestamp) index.
    CONSTRAINT uk_timeline_event_timestamp UNIQUE (event_id, "timestamp")
);
CREATE INDEX idx_timeline_timestamp_brin ON analytics.timeline_data USING brin ("timestamp");
