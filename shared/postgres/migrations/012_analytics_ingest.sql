-- Exactly-once ingestion and incremental rollup. raw_events is the
-- append-only log of every analytics message (the message id is its key, so
-- a redelivery inserts nothing); rollup_queue lists the raw rows not folded
-- yet, so a rollup's cost follows the new rows, never the history, and two
-- overlapping rollups claim disjoint rows (FOR UPDATE SKIP LOCKED).
CREATE TABLE analytics.raw_events (
    id          bigserial PRIMARY KEY,
    message_id  varchar(128) NOT NULL,
    event_id    uuid NOT NULL,
    type        varchar(40) NOT NULL,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    payload     jsonb NOT NULL,
    CONSTRAINT uk_raw_events_message UNIQUE (message_id)
);
CREATE INDEX idx_raw_events_event ON analytics.raw_events (event_id, id);

CREATE TABLE analytics.rollup_queue (
    raw_id bigint PRIMARY KEY
);

-- What ROI and the dashboards need besides counts.
ALTER TABLE analytics.event_stats
    ADD COLUMN industry          varchar(50) NOT NULL DEFAULT '',
    ADD COLUMN objective         varchar(50) NOT NULL DEFAULT '',
    ADD COLUMN budget            bigint NOT NULL DEFAULT 0,
    ADD COLUMN channels          text[] NOT NULL DEFAULT '{}',
    ADD COLUMN start_date        date,
    ADD COLUMN end_date          date,
    ADD COLUMN store_visits      integer NOT NULL DEFAULT 0,
    ADD COLUMN marketing_opt_ins integer NOT NULL DEFAULT 0,
    ADD COLUMN last_rolled_up_at timestamptz,
    -- A loss is a real outcome: the seed's ROI >= 0 check would hide it.
    DROP CONSTRAINT chk_event_stats_roi;

-- Channel figures: the fan-out's estimate and state beside measured counts;
-- OWNED holds entries and views that came from the store's own QR code or
-- a direct link, so attribution adds up.
ALTER TABLE analytics.channel_stats
    ADD COLUMN estimated_views     integer NOT NULL DEFAULT 0,
    ADD COLUMN distribution_status varchar(20),
    ADD COLUMN metrics_at          timestamptz,
    DROP CONSTRAINT chk_channel_stats_type,
    ADD CONSTRAINT chk_channel_stats_type CHECK (channel_type IN ('TV', 'SNS', 'VOICE', 'OWNED'));
