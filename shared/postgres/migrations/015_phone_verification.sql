-- Optional phone verification (issue 16): when on, an entry needs a token
-- proving the customer received an SMS code on the phone number entered.
-- Off by default; the owner sets it while the event is a draft.
ALTER TABLE events.events
    ADD COLUMN verify_phone boolean NOT NULL DEFAULT false;
