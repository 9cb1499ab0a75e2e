package phoneverify

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/user"
)

// StoreSendsPerHour bounds the codes one store may have texted per hour,
// whatever the numbers: an owner cannot use the console to text strangers.
const StoreSendsPerHour = 10

// Stores is the users domain's API that records a store's verified line.
type Stores interface {
	SetVerifiedStorePhone(ctx context.Context, storeID uuid.UUID, phone string) (user.Store, error)
}

// StoreScope keys a store's codes apart from events' (an event's scope is
// its id).
func storeScope(storeID uuid.UUID) string { return "store:" + storeID.String() }

// SendStoreCode texts a code to the number the owner says is their store's
// line (StorePhoneVerificationStart). Only a number that receives SMS can
// be proved this way: a mobile number. Refusals: VALIDATION_001, PHONE_006
// (per client, per store and per number), PHONE_002, PHONE_007, PHONE_008.
func (s *Service) SendStoreCode(ctx context.Context, c user.Caller, rawPhone, clientIP string) (Sent, error) {
	ph, err := normalize(rawPhone)
	if err != nil {
		return Sent{}, err
	}
	if s.cfg.Stores == nil {
		return Sent{}, apperr.New(apperr.Unavailable, CodeSendFailed, "store phone verification is not available")
	}
	now := s.now()
	if err := s.count(ctx, "sends:store", c.StoreID.String(), StoreSendsPerHour, now); err != nil {
		return Sent{}, err
	}
	return s.sendCode(ctx, storeScope(c.StoreID), ph, clientIP, now, func(code string) string {
		return fmt.Sprintf("[이벤트마케팅] 매장 전화번호 인증번호는 %s 입니다. %d분 안에 입력해 주세요.", code, int(CodeTTL/time.Minute))
	})
}

// ConfirmStoreCode checks the code and records the number as the caller's
// store's verified line (StorePhoneVerificationConfirm). Refusals:
// VALIDATION_001, PHONE_006, PHONE_004, PHONE_003, PHONE_005.
func (s *Service) ConfirmStoreCode(ctx context.Context, c user.Caller, rawPhone, code, clientIP string) (user.Store, error) {
	ph, code, err := checkInput(rawPhone, code)
	if err != nil {
		return user.Store{}, err
	}
	if s.cfg.Stores == nil {
		return user.Store{}, apperr.New(apperr.Unavailable, CodeSendFailed, "store phone verification is not available")
	}
	if err := s.checkCode(ctx, storeScope(c.StoreID), ph, code, clientIP, s.now()); err != nil {
		return user.Store{}, err
	}
	return s.cfg.Stores.SetVerifiedStorePhone(ctx, c.StoreID, ph)
}
