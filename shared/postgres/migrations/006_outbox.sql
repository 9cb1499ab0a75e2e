-- The transactional outbox and the consumers' processed-message ledger.
CREATE SCHEMA IF NOT EXISTS outbox;

-- A message is written in the same transaction as the change that causes it,
-- then sent after commit (or by the OutboxRelay timer if that send fails).
CREATE TABLE outbox.messages (
    id             bigserial PRIMARY KEY,
    -- Stable id the broker and consumers see; resending keeps it.
    message_id     varchar(200) NOT NULL,
    queue          varchar(100) NOT NULL,
    subject        varchar(100) NOT NULL DEFAULT '',
    correlation_id varchar(200) NOT NULL DEFAULT '',
    body           jsonb NOT NULL,
    available_at   timestamptz NOT NULL DEFAULT now(),
    created_at     timestamptz NOT NULL DEFAULT now(),
    sent_at        timestamptz,
    attempts       integer NOT NULL DEFAULT 0,
    last_error     text,
    CONSTRAINT uk_outbox_message_id UNIQUE (message_id)
);
-- The relay scans only what is still unsent.
CREATE INDEX idx_outbox_unsent ON outbox.messages (available_at, id) WHERE sent_at IS NULL;
CREATE INDEX idx_outbox_sent_at ON outbox.messages (sent_at) WHERE sent_at IS NOT NULL;

-- A consumer records a message id in the same transaction as its effect, so a
-- redelivered message changes nothing the second time.
CREATE TABLE outbox.processed_messages (
    consumer     varchar(100) NOT NULL,
    message_id   varchar(200) NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id)
);
CREATE INDEX idx_processed_messages_at ON outbox.processed_messages (processed_at);

-- Messages a consumer can never process (malformed, unknown type): recorded
-- here and acknowledged, so they neither block the queue nor vanish.
CREATE TABLE outbox.poison_messages (
    id          bigserial PRIMARY KEY,
    consumer    varchar(100) NOT NULL,
    message_id  varchar(200) NOT NULL,
    reason      text NOT NULL,
    body        text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_poison_messages_consumer ON outbox.poison_messages (consumer, received_at);
