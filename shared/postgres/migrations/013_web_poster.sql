-- The entry page's poster: a web-sized copy of the selected poster, made at
-- publish (content domain) so the page loads fast on a phone and reserves
-- its exact box before the image arrives. NULL when it could not be made:
-- the page then falls back to the full-size poster.
ALTER TABLE events.events
    ADD COLUMN web_poster_url    varchar(500),
    ADD COLUMN web_poster_width  integer,
    ADD COLUMN web_poster_height integer,
    ADD CONSTRAINT chk_events_web_poster CHECK (
        (web_poster_url IS NULL AND web_poster_width IS NULL AND web_poster_height IS NULL)
        OR (web_poster_url IS NOT NULL AND web_poster_width > 0 AND web_poster_height > 0));
