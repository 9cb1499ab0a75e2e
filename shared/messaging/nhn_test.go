package messaging

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/eventmkt/backend/tools/channelsim"
)

const testSenderKey = "0123456789abcdef0123456789abcdef01234567"

// simSender is the NHN sender against a simulator on a real HTTP server.
func simSender(t *testing.T) (*NHN, *channelsim.Sim, string) {
	t.Helper()
	sim := channelsim.New(channelsim.Options{Seed: 1})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return NewNHN(testConfig(srv.URL), srv.Client()), sim, srv.URL
}

func testConfig(root string) Config {
	return Config{SMSBaseURL: root, SMSAppKey: "sms-app-key", SMSSecretKey: "sms-secret", SendNo: "0212345678",
		AlimTalkBaseURL: root, AlimTalkAppKey: "at-app-key", AlimTalkSecretKey: "at-secret", SenderKey: testSenderKey,
		Timeout: 2 * time.Second}
}

func TestSendSMS(t *testing.T) {
	t.Parallel()
	s, sim, _ := simSender(t)
	res, err := s.SendSMS(context.Background(), SMS{To: "010-1234-5678", Text: "[이벤트] 인증번호 123456"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Channel != ChannelSMS || res.RequestID == "" {
		t.Errorf("result %+v", res)
	}
	got := sim.Messages("01012345678")
	if len(got) != 1 || got[0].Text != "[이벤트] 인증번호 123456" || got[0].From != "0212345678" || got[0].Channel != "SMS" ||
		got[0].RequestID != res.RequestID || got[0].Status != "SENT" {
		t.Errorf("simulator recorded %+v", got)
	}
}

func TestSendAlimTalk(t *testing.T) {
	t.Parallel()
	s, sim, _ := simSender(t)
	params := map[string]string{"store": "동네빵집", "prize": "케이크"}
	res, err := s.SendAlimTalk(context.Background(), AlimTalk{To: "01099998888", TemplateCode: "WINNER01", Params: params,
		FallbackText: "[동네빵집] 당첨을 축하합니다"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Channel != ChannelAlimTalk || res.RequestID == "" {
		t.Errorf("result %+v", res)
	}
	got := sim.Messages("01099998888")
	if len(got) != 1 || got[0].Channel != "ALIMTALK" || got[0].TemplateCode != "WINNER01" || got[0].Params["prize"] != "케이크" {
		t.Errorf("simulator recorded %+v", got)
	}

	// No KakaoTalk on the number: NHN's resend delivers the fallback as SMS.
	sim.FailRecipient("01077776666", channelsim.MsgAlimTalk, channelsim.FailNoKakao, 1)
	if _, err := s.SendAlimTalk(context.Background(), AlimTalk{To: "01077776666", TemplateCode: "WINNER01", Params: params,
		FallbackText: "[동네빵집] 당첨"}); err != nil {
		t.Fatal(err)
	}
	got = sim.Messages("01077776666")
	if len(got) != 2 || got[0].Status != "UNDELIVERED" || got[1].Channel != "SMS" || !got[1].Resend ||
		got[1].Text != "[동네빵집] 당첨" || got[1].From != "0212345678" {
		t.Errorf("fallback: simulator recorded %+v", got)
	}
}

// The exact wire format: paths, header and body fields as NHN documents.
func TestWireFormat(t *testing.T) {
	t.Parallel()
	var seen []*http.Request
	var bodies []map[string]any
	sim := channelsim.New(channelsim.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		seen, bodies = append(seen, r), append(bodies, m)
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s := NewNHN(testConfig(srv.URL), srv.Client())
	if _, err := s.SendSMS(context.Background(), SMS{To: "01012345678", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SendAlimTalk(context.Background(), AlimTalk{To: "01012345678", TemplateCode: "T1",
		Params: map[string]string{"a": "b"}, FallbackText: strings.Repeat("가", 50)}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 {
		t.Fatalf("%d calls", len(seen))
	}
	if p := seen[0].URL.Path; p != "/sms/v3.0/appKeys/sms-app-key/sender/sms" {
		t.Errorf("SMS path %s", p)
	}
	if k := seen[0].Header.Get("X-Secret-Key"); k != "sms-secret" {
		t.Errorf("SMS secret %q", k)
	}
	if p := seen[1].URL.Path; p != "/alimtalk/v2.3/appkeys/at-app-key/messages" {
		t.Errorf("AlimTalk path %s", p)
	}
	if k := seen[1].Header.Get("X-Secret-Key"); k != "at-secret" {
		t.Errorf("AlimTalk secret %q", k)
	}
	sms, _ := json.Marshal(bodies[0])
	if string(sms) != `{"body":"hi","recipientList":[{"recipientNo":"01012345678"}],"sendNo":"0212345678"}` {
		t.Errorf("SMS body %s", sms)
	}
	at, _ := json.Marshal(bodies[1])
	want := `{"recipientList":[{"recipientNo":"01012345678","resendParameter":{"isResend":true,"resendContent":"` +
		strings.Repeat("가", 50) + `","resendSendNo":"0212345678","resendType":"LMS"},"templateParameter":{"a":"b"}}],` +
		`"senderKey":"` + testSenderKey + `","templateCode":"T1"}`
	if string(at) != want {
		t.Errorf("AlimTalk body\n %s\nwant\n %s", at, want)
	}
}

// Failures are classified so a queue consumer knows whether to retry.
func TestErrorClassification(t *testing.T) {
	t.Parallel()
	s, sim, root := simSender(t)
	ctx := context.Background()

	sim.FailRecipient("01011112222", "", channelsim.FailTransient, 1)
	_, err := s.SendSMS(ctx, SMS{To: "01011112222", Text: "x"})
	assertClass(t, "injected 500", err, true)
	if _, err := s.SendSMS(ctx, SMS{To: "01011112222", Text: "x"}); err != nil {
		t.Errorf("the retry after one transient failure: %v", err)
	}

	sim.FailRecipient("01033334444", channelsim.MsgAlimTalk, channelsim.FailPermanent, 0)
	_, err = s.SendAlimTalk(ctx, AlimTalk{To: "01033334444", TemplateCode: "T1"})
	assertClass(t, "recipient refused", err, false)
	var me *Error
	if !errors.As(err, &me) || me.ResultCode == 0 {
		t.Errorf("recipient refusal carries no resultCode: %v", err)
	}

	_, err = s.SendSMS(ctx, SMS{To: "12345", Text: "x"})
	assertClass(t, "not a mobile number", err, false)
	_, err = s.SendSMS(ctx, SMS{To: "01012345678", Text: strings.Repeat("가", 256)})
	assertClass(t, "text too long", err, false)

	// The simulator refuses a missing secret key and bad fields as NHN does.
	noKey := NewNHN(Config{SMSBaseURL: root, SMSAppKey: "k", SMSSecretKey: " ", SendNo: "0212345678"}, nil)
	_, err = noKey.SendSMS(ctx, SMS{To: "01012345678", Text: "x"})
	assertClass(t, "missing secret key (HTTP 401)", err, false)
	badSender := NewNHN(Config{SMSBaseURL: root, SMSAppKey: "k", SMSSecretKey: "s", SendNo: "02-123"}, nil)
	_, err = badSender.SendSMS(ctx, SMS{To: "01012345678", Text: "x"})
	assertClass(t, "bad sendNo (HTTP 400)", err, false)

	_, err = NewNHN(Config{}, nil).SendAlimTalk(ctx, AlimTalk{To: "01012345678", TemplateCode: "T"})
	assertClass(t, "not configured", err, false)
	if err == nil || !strings.Contains(err.Error(), "MESSAGING_ALIMTALK_SENDER_KEY") {
		t.Errorf("not configured: %v does not name the settings", err)
	}

	for _, status := range []int{http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(status)
		}))
		_, err := NewNHN(testConfig(srv.URL), srv.Client()).SendSMS(ctx, SMS{To: "01012345678", Text: "x"})
		assertClass(t, http.StatusText(status), err, true)
		srv.Close()
	}

	// A provider that never answers: the per-call timeout, retryable.
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // the server notices the caller leave only once the body is read
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(hang.Close)
	cfg := testConfig(hang.URL)
	cfg.Timeout = 50 * time.Millisecond
	_, err = NewNHN(cfg, hang.Client()).SendSMS(ctx, SMS{To: "01012345678", Text: "x"})
	assertClass(t, "timeout", err, true)
	if err != nil && strings.Contains(err.Error(), "sms-app-key") {
		t.Errorf("the error leaks the app key: %v", err)
	}

	// Header refusal (HTTP 200, isSuccessful false): permanent.
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"header":{"isSuccessful":false,"resultCode":-1006,"resultMessage":"template refused"}}`)
	}))
	t.Cleanup(refuse.Close)
	_, err = NewNHN(testConfig(refuse.URL), refuse.Client()).SendAlimTalk(ctx, AlimTalk{To: "01012345678", TemplateCode: "T"})
	assertClass(t, "template refused", err, false)
}

func assertClass(t *testing.T, what string, err error, retryable bool) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error", what)
		return
	}
	if IsRetryable(err) != retryable || errors.Is(err, ErrRetryable) != retryable || errors.Is(err, ErrPermanent) == retryable {
		t.Errorf("%s: %v classified retryable=%v, want %v", what, err, IsRetryable(err), retryable)
	}
}

// The inspection endpoint and the failure injection over HTTP, as the
// browser tests use them.
func TestSimulatorInspection(t *testing.T) {
	t.Parallel()
	s, _, root := simSender(t)
	resp, err := http.Post(root+"/_sim/messages/fail", "application/json",
		strings.NewReader(`{"to":"010-5555-6666","channel":"SMS","kind":"permanent","times":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("fail: status %d", resp.StatusCode)
	}
	_, err = s.SendSMS(context.Background(), SMS{To: "01055556666", Text: "first"})
	assertClass(t, "injected permanent", err, false)
	if _, err := s.SendSMS(context.Background(), SMS{To: "01055556666", Text: "인증번호 654321"}); err != nil {
		t.Fatal(err)
	}
	resp, err = http.Get(root + "/_sim/messages?to=01055556666")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct{ Messages []channelsim.Message }
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if len(got.Messages) != 2 || got.Messages[0].Status != "REFUSED" || got.Messages[1].Text != "인증번호 654321" {
		t.Errorf("inspection answered %+v", got.Messages)
	}
}
