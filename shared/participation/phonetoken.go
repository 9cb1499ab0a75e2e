package participation

import (
	"context"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
)

// PhoneTokens is the phone verification API (shared/phoneverify) an entry
// to an event with verifyPhone goes through.
type PhoneTokens interface {
	// Check refuses (PHONE_009, PHONE_010) a token that does not prove
	// the normalised phone for the event; it writes nothing.
	Check(ctx context.Context, eventID uuid.UUID, phone, token string) error
	// Consume voids the token once its entry is stored.
	Consume(ctx context.Context, token string)
}

// checkPhoneToken refuses an entry to a phone-verified event without a
// good token, before anything is stored. A refused entry (a duplicate
// phone, say) leaves the token usable until it expires.
func (s *Service) checkPhoneToken(ctx context.Context, snap event.Public, sub Submission) error {
	if !snap.VerifyPhone {
		return nil
	}
	if s.cfg.PhoneTokens == nil {
		return apperr.New(apperr.Unavailable, "", "phone verification is not configured")
	}
	return s.cfg.PhoneTokens.Check(ctx, snap.EventID, sub.PhoneNumber, sub.VerificationToken)
}

// consumePhoneToken makes the token single-use once its entry is stored.
func (s *Service) consumePhoneToken(ctx context.Context, snap event.Public, sub Submission) {
	if snap.VerifyPhone && s.cfg.PhoneTokens != nil && sub.VerificationToken != "" {
		s.cfg.PhoneTokens.Consume(ctx, sub.VerificationToken)
	}
}
