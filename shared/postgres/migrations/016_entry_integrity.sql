-- Entry integrity (issue 16): the network an entry came from, so the owner
-- sees stuffing before the draw; a disqualification's category (public)
-- beside its free text (private, purged with the personal data); and which
-- events' personal data was purged, so a draw on purged data is refused.

-- The entry's network: IPv4 /24 or IPv6 /64 prefix ("203.0.113.0/24",
-- "2001:db8:1:2::/64"); NULL when unknown, and after the purge.
ALTER TABLE participation.participants
    ADD COLUMN client_network      varchar(50),
    ADD COLUMN disqualify_category varchar(30),
    ADD CONSTRAINT chk_disqualify_category CHECK (disqualify_category IS NULL OR disqualify_category IN
        ('DUPLICATE_ENTRY', 'INELIGIBLE', 'UNREACHABLE', 'DECLINED', 'FRAUD', 'OTHER'));
-- Entries per network (the anomaly flags group by it, index only).
CREATE INDEX idx_participants_event_network ON participation.participants (event_id, client_network)
    WHERE client_network IS NOT NULL;

-- Substitutions recorded before categories existed are OTHER; the free text
-- becomes nullable because the purge erases it.
ALTER TABLE participation.draw_substitutions
    ADD COLUMN category varchar(30) NOT NULL DEFAULT 'OTHER',
    ALTER COLUMN reason DROP NOT NULL,
    ADD CONSTRAINT chk_substitution_category CHECK (category IN
        ('DUPLICATE_ENTRY', 'INELIGIBLE', 'UNREACHABLE', 'DECLINED', 'FRAUD', 'OTHER'));
UPDATE participation.participants SET disqualify_category = 'OTHER' WHERE disqualified_at IS NOT NULL;

-- Events whose personal data PrivacyPurge erased: the purge skips them on
-- later runs, and a draw on one is refused (PART_013).
CREATE TABLE participation.purged_events (
    event_id  uuid PRIMARY KEY,
    purged_at timestamptz NOT NULL,
    drawn     boolean NOT NULL
);
