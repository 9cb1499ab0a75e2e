package handlers

import (
	"strings"
	"testing"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/phoneverify"
)

func ringoChannels(phone, message string) map[string]any {
	return map[string]any{"channels": []string{"RINGOBIZ"},
		"settings": map[string]any{"RINGOBIZ": map[string]any{"phoneNumber": phone, "message": message}}}
}

// RINGOBIZ puts a message on a phone line: only on the store's own line,
// proved once by an SMS code through StorePhoneVerification*, and only a
// short spoken message with no link and no phone number.
func TestRingbackOnlyOnTheStoresVerifiedLine(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "ringo@example.com", "010-2000-0170")
	other := register(t, f, "ringo-other@example.com", "010-2000-0171")
	id := draftWithPlan(t, f, acct)
	put := func(body map[string]any) (int, string) {
		rec, out := call(t, f.srv, "PUT", "/api/v1/events/"+id+"/channels", acct.access, body)
		code, _ := out["code"].(string)
		return rec.Code, code
	}

	// Anyone's number, before the store has proved any: refused.
	if st, code := put(ringoChannels("010-9999-8888", "")); st != 400 || code != event.CodeRingbackNotVerified {
		t.Fatalf("unverified store, a stranger's number: %d %s; want 400 %s", st, code, event.CodeRingbackNotVerified)
	}

	// The owner proves the store's line by SMS code.
	start := func(acct account, phone string) (int, map[string]any) {
		rec, out := call(t, f.srv, "POST", "/api/v1/users/store/phone-verifications", acct.access, map[string]any{"phoneNumber": phone})
		return rec.Code, out
	}
	confirm := func(acct account, phone, code string) (int, map[string]any) {
		rec, out := call(t, f.srv, "POST", "/api/v1/users/store/phone-verifications/confirm", acct.access, map[string]any{"phoneNumber": phone, "code": code})
		return rec.Code, out
	}
	if rec, _ := call(t, f.srv, "POST", "/api/v1/users/store/phone-verifications", "", map[string]any{"phoneNumber": "010-5555-0170"}); rec.Code != 401 {
		t.Errorf("anonymous: %d", rec.Code)
	}
	if st, out := start(acct, "02-555-1234"); st != 400 || out["code"] != apperr.CodeValidation {
		t.Errorf("a landline cannot get an SMS: %d %v", st, out)
	}
	if st, out := start(acct, "010-5555-0170"); st != 202 || out["expiresInSeconds"] != float64(180) {
		t.Fatalf("send: %d %v", st, out)
	}
	msgs := f.sim.Messages("01055550170")
	code := smsCode.FindString(msgs[len(msgs)-1].Text)
	if st, out := start(acct, "010-5555-0170"); st != 429 || out["code"] != phoneverify.CodeResendTooSoon {
		t.Errorf("resend at once: %d %v", st, out)
	}
	// Another owner cannot confirm with this store's code.
	if st, out := confirm(other, "010-5555-0170", code); st != 400 || out["code"] != phoneverify.CodeNoCode {
		t.Errorf("another store's code: %d %v", st, out)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if st, out := confirm(acct, "010-5555-0170", wrong); st != 400 || out["code"] != phoneverify.CodeWrongCode {
		t.Errorf("wrong code: %d %v", st, out)
	}
	if st, out := confirm(acct, "010-5555-0170", code); st != 200 || out["verifiedPhoneNumber"] != "01055550170" || out["storeId"] != acct.storeID {
		t.Fatalf("confirm: %d %v", st, out)
	}
	if _, prof := call(t, f.srv, "GET", "/api/v1/users/profile", acct.access, nil); prof["store"].(map[string]any)["verifiedPhoneNumber"] != "01055550170" {
		t.Errorf("profile: %v", prof["store"])
	}

	// Any other number is still refused; the store's line is taken.
	if st, code := put(ringoChannels("010-9999-8888", "")); st != 400 || code != event.CodeRingbackNotStore {
		t.Errorf("a stranger's number: %d %s; want 400 %s", st, code, event.CodeRingbackNotStore)
	}
	if st, code := put(ringoChannels("010.5555.0170", "오늘 방문하시면 커피 한 잔 무료!")); st != 200 {
		t.Errorf("the store's line: %d %s", st, code)
	}
	// The other owner cannot use this store's line either.
	oid := draftWithPlan(t, f, other)
	if rec, out := call(t, f.srv, "PUT", "/api/v1/events/"+oid+"/channels", other.access, ringoChannels("010-5555-0170", "")); rec.Code != 400 || out["code"] != event.CodeRingbackNotVerified {
		t.Errorf("another store: %d %v", rec.Code, out)
	}

	// The message is spoken while the phone rings.
	for name, msg := range map[string]string{
		"too long":       strings.Repeat("가", event.RingbackMessageMax+1),
		"a link":         "이벤트 참여는 https://evil.example/win 에서",
		"a bare domain":  "참여는 win-prize.kr 에서 하세요",
		"www":            "www.example 로 오세요",
		"a phone number": "문의는 010-1234-5678 로 주세요",
		"spaced digits":  "문의 02 555 1234",
		"two lines":      "첫 줄\n둘째 줄",
	} {
		if st, code := put(ringoChannels("010-5555-0170", msg)); st != 400 || code != apperr.CodeValidation {
			t.Errorf("message with %s: %d %s; want 400 %s", name, st, code, apperr.CodeValidation)
		}
	}
	if st, _ := put(ringoChannels("010-5555-0170", strings.Repeat("가", event.RingbackMessageMax))); st != 200 {
		t.Errorf("a message of %d characters: %d", event.RingbackMessageMax, st)
	}
}
