package participation

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// The notice fits one SMS/LMS (255 characters) however long the event's
// texts are, and never loses the link or the entry number.
func TestWinnerNoticeText(t *testing.T) {
	const url = "https://app.example/e/0b0e1d6a-3c53-4c1e-9d43-0f6c1b7c6e55/result"
	for _, tt := range []struct{ store, event, prize string }{
		{"카페 봄", "가을 맞이 응모 이벤트", "아메리카노 1잔"},
		{"카페 봄", strings.Repeat("아주 긴 이벤트 이름 ", 20), strings.Repeat("경품 설명이 길어요 ", 30)},
		{"카페\n봄", "줄\t바꿈", ""},
	} {
		n := winnerNotice(tt.store, tt.event, tt.prize, "20261126-000042", url)
		if c := utf8.RuneCountInString(n.sms); c > smsMaxRunes {
			t.Errorf("%d characters: %s", c, n.sms)
		}
		if !strings.Contains(n.sms, url) || !strings.Contains(n.sms, "20261126-000042") || !strings.Contains(n.sms, claimText) {
			t.Errorf("lost the essentials: %s", n.sms)
		}
		if strings.ContainsAny(n.sms, "\n\t") || n.params["prize"] == "" || n.params["resultsUrl"] != url {
			t.Errorf("params %v / sms %q", n.params, n.sms)
		}
		for k := range n.params {
			if !strings.Contains(WinnerTemplate, "#{"+k+"}") {
				t.Errorf("parameter %s is not in the template", k)
			}
		}
	}
}

// Stored errors carry no phone number; dates and entry numbers stay.
func TestRedact(t *testing.T) {
	got := redact("recipient 01012345678 refused; 010-1234-5678 too, +82 10-1234-5678; entry 20261126-000042 on 2026-11-26")
	if strings.Contains(got, "1234") || !strings.Contains(got, "20261126-000042") || !strings.Contains(got, "2026-11-26") {
		t.Errorf("redact: %s", got)
	}
}
