package channelsim

// The NHN Cloud Notification side: SMS API v3.0 and KakaoTalk Bizmessage
// AlimTalk API v2.3, at the paths NHN serves them (docs/messaging.md), so
// MESSAGING_SMS_BASE_URL and MESSAGING_ALIMTALK_BASE_URL both point at the
// simulator's root. Messaging calls have no latency and no random failure:
// a customer waits for a verification code, and tests ask for every failure
// they want (FailRecipient, or POST /_sim/messages/fail). Every message
// accepted is recorded and can be read back with Messages or
// GET /_sim/messages?to=01012345678.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Message channels, as messaging.Channel spells them.
const (
	MsgSMS      = "SMS"
	MsgAlimTalk = "ALIMTALK"
)

// Failure kinds FailRecipient injects.
const (
	// FailTransient answers HTTP 500 in NHN's header shape: a retry may work.
	FailTransient = "transient"
	// FailPermanent refuses the recipient in the answer's per-recipient
	// result (a number NHN will not send to, or a template refused).
	FailPermanent = "permanent"
	// FailNoKakao accepts an AlimTalk whose delivery then fails (the
	// number has no KakaoTalk): with resendParameter.isResend the
	// fallback SMS is recorded, as NHN's resend would send it.
	FailNoKakao = "nokakao"
)

// Message is one message the simulator accepted (or refused, Status says).
type Message struct {
	Channel      string            `json:"channel"` // SMS or ALIMTALK
	RequestID    string            `json:"requestId"`
	To           string            `json:"to"`
	From         string            `json:"from,omitempty"` // SMS sendNo
	Text         string            `json:"text"`           // SMS body; an AlimTalk's template code and parameters
	TemplateCode string            `json:"templateCode,omitempty"`
	Params       map[string]string `json:"params,omitempty"`
	Resend       bool              `json:"resend,omitempty"` // an SMS NHN sent as an AlimTalk's fallback
	Status       string            `json:"status"`           // SENT, REFUSED or UNDELIVERED
	At           time.Time         `json:"at"`
}

// recipientFail is an injected failure for one number.
type recipientFail struct {
	to, channel, kind string // channel "" = both
	n                 int
}

// FailRecipient makes the next n messages to the number to (digits only)
// on channel (MsgSMS, MsgAlimTalk or "" for both) fail as kind
// (FailTransient, FailPermanent or FailNoKakao); n <= 0 means every one.
func (s *Sim) FailRecipient(to, channel, kind string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 {
		n = -1
	}
	s.msgFails = append(s.msgFails, recipientFail{to: onlyDigits(to), channel: channel, kind: kind, n: n})
}

// Messages returns the messages recorded for the number to (every message
// when to is ""), oldest first.
func (s *Sim) Messages(to string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	to = onlyDigits(to)
	var out []Message
	for _, m := range s.msgs {
		if to == "" || m.To == to {
			out = append(out, m)
		}
	}
	return out
}

// nhnRoute reports whether path is one of NHN's or the inspection API's.
func nhnRoute(path string) bool {
	return strings.HasPrefix(path, "/sms/") || strings.HasPrefix(path, "/alimtalk/") || strings.HasPrefix(path, "/_sim/")
}

var (
	smsPath      = regexp.MustCompile(`^/sms/v3\.0/appKeys/([^/]+)/sender/sms$`)
	alimTalkPath = regexp.MustCompile(`^/alimtalk/v2\.3/appkeys/([^/]+)/messages$`)
)

// nhnHeader is the header every NHN answer starts with.
type nhnHeader struct {
	IsSuccessful  bool   `json:"isSuccessful"`
	ResultCode    int    `json:"resultCode"`
	ResultMessage string `json:"resultMessage"`
}

type nhnSendResult struct {
	RecipientSeq         int    `json:"recipientSeq"`
	RecipientNo          string `json:"recipientNo"`
	ResultCode           int    `json:"resultCode"`
	ResultMessage        string `json:"resultMessage"`
	RecipientGroupingKey string `json:"recipientGroupingKey,omitempty"`
}

// Result codes the simulator answers. 0 is NHN's success; the negative
// codes are the simulator's own (NHN's tables are long and change).
const (
	nhnOK             = 0
	nhnBadParameter   = -1000
	nhnBadSecretKey   = -1002
	nhnBadRecipient   = -2001
	nhnServerError    = -9999
	smsBodyMaxRunes   = 255 // SMS v3.0: body up to 255 characters (90 bytes is the standard SMS)
	recipientsMax     = 1000
	alimTalkKeyMaxLen = 40
	templateCodeMax   = 20
)

// serveNHN answers NHN's SMS and AlimTalk sends and the inspection API.
func (s *Sim) serveNHN(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case path == "/_sim/messages" && r.Method == http.MethodGet:
		writeReply(w, reply{status: http.StatusOK, body: map[string]any{"messages": nonNil(s.Messages(r.URL.Query().Get("to")))}})
	case path == "/_sim/messages/fail" && r.Method == http.MethodPost:
		var req struct {
			To, Channel, Kind string
			Times             int
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || onlyDigits(req.To) == "" ||
			!slices.Contains([]string{FailTransient, FailPermanent, FailNoKakao}, req.Kind) ||
			!slices.Contains([]string{"", MsgSMS, MsgAlimTalk}, req.Channel) {
			writeReply(w, reply{status: http.StatusBadRequest, body: partnerErr("INVALID_REQUEST",
				`want {"to":"010...","channel":"SMS|ALIMTALK|","kind":"transient|permanent|nokakao","times":n}`)})
			return
		}
		s.FailRecipient(req.To, req.Channel, req.Kind, req.Times)
		w.WriteHeader(http.StatusNoContent)
	case smsPath.MatchString(path):
		s.nhnSend(w, r, MsgSMS)
	case alimTalkPath.MatchString(path):
		s.nhnSend(w, r, MsgAlimTalk)
	default:
		writeReply(w, reply{status: http.StatusNotFound, body: map[string]any{"header": nhnHeader{ResultCode: nhnBadParameter, ResultMessage: "no such API: " + r.Method + " " + path}}})
	}
}

func nonNil(m []Message) []Message {
	if m == nil {
		return []Message{}
	}
	return m
}

type smsRequest struct {
	Body          string `json:"body"`
	SendNo        string `json:"sendNo"`
	RecipientList []struct {
		RecipientNo string `json:"recipientNo"`
	} `json:"recipientList"`
}

type alimTalkRequest struct {
	SenderKey     string `json:"senderKey"`
	TemplateCode  string `json:"templateCode"`
	RecipientList []struct {
		RecipientNo       string            `json:"recipientNo"`
		TemplateParameter map[string]string `json:"templateParameter"`
		ResendParameter   *struct {
			IsResend      bool   `json:"isResend"`
			ResendType    string `json:"resendType"`
			ResendContent string `json:"resendContent"`
			ResendSendNo  string `json:"resendSendNo"`
		} `json:"resendParameter"`
	} `json:"recipientList"`
}

// nhnSend validates a send as NHN documents it, applies injected failures
// and records the messages.
func (s *Sim) nhnSend(w http.ResponseWriter, r *http.Request, channel string) {
	header := func(status, code int, msg string) {
		writeReply(w, reply{status: status, body: map[string]any{"header": nhnHeader{ResultCode: code, ResultMessage: msg}}})
	}
	if r.Method != http.MethodPost {
		header(http.StatusMethodNotAllowed, nhnBadParameter, "method not allowed")
		return
	}
	if strings.TrimSpace(r.Header.Get("X-Secret-Key")) == "" {
		header(http.StatusUnauthorized, nhnBadSecretKey, "X-Secret-Key header is required")
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		header(http.StatusBadRequest, nhnBadParameter, "Content-Type must be application/json;charset=UTF-8")
		return
	}
	type recipient struct {
		no, text, template, resendText, resendFrom string
		params                                     map[string]string
		resend                                     bool
	}
	var (
		recips []recipient
		from   string
		bad    []string
	)
	dec := json.NewDecoder(r.Body)
	if channel == MsgSMS {
		var req smsRequest
		if err := dec.Decode(&req); err != nil {
			header(http.StatusBadRequest, nhnBadParameter, "the body is not JSON: "+err.Error())
			return
		}
		if strings.TrimSpace(req.Body) == "" {
			bad = append(bad, "body is required")
		} else if utf8.RuneCountInString(req.Body) > smsBodyMaxRunes {
			bad = append(bad, fmt.Sprintf("body is over %d characters", smsBodyMaxRunes))
		}
		if req.SendNo == "" || len(req.SendNo) > 13 || onlyDigits(req.SendNo) != req.SendNo {
			bad = append(bad, "sendNo is required (digits, up to 13)")
		}
		from = req.SendNo
		for _, rc := range req.RecipientList {
			recips = append(recips, recipient{no: rc.RecipientNo, text: req.Body})
		}
	} else {
		var req alimTalkRequest
		if err := dec.Decode(&req); err != nil {
			header(http.StatusBadRequest, nhnBadParameter, "the body is not JSON: "+err.Error())
			return
		}
		if req.SenderKey == "" || len(req.SenderKey) > alimTalkKeyMaxLen {
			bad = append(bad, "senderKey is required (up to 40 characters)")
		}
		if req.TemplateCode == "" || len(req.TemplateCode) > templateCodeMax {
			bad = append(bad, "templateCode is required (up to 20 characters)")
		}
		for i, rc := range req.RecipientList {
			rp := recipient{no: rc.RecipientNo, template: req.TemplateCode, params: rc.TemplateParameter}
			keys := make([]string, 0, len(rc.TemplateParameter))
			for k, v := range rc.TemplateParameter {
				keys = append(keys, k+"="+v)
			}
			slices.Sort(keys)
			rp.text = req.TemplateCode + " " + strings.Join(keys, " ")
			if p := rc.ResendParameter; p != nil && p.IsResend {
				rp.resend, rp.resendText, rp.resendFrom = true, p.ResendContent, p.ResendSendNo
				if p.ResendType != "" && p.ResendType != "SMS" && p.ResendType != "LMS" {
					bad = append(bad, fmt.Sprintf("recipientList[%d].resendParameter.resendType must be SMS or LMS", i))
				}
				if p.ResendSendNo == "" {
					bad = append(bad, fmt.Sprintf("recipientList[%d].resendParameter.resendSendNo is required with isResend", i))
				}
			}
			recips = append(recips, rp)
		}
	}
	if len(recips) == 0 || len(recips) > recipientsMax {
		bad = append(bad, "recipientList needs 1 to 1000 recipients")
	}
	for i, rc := range recips {
		if rc.no == "" || onlyDigits(rc.no) != rc.no || len(rc.no) > 20 {
			bad = append(bad, fmt.Sprintf("recipientList[%d].recipientNo is required (digits only)", i))
		}
	}
	if len(bad) > 0 {
		header(http.StatusBadRequest, nhnBadParameter, "Invalid parameter: "+strings.Join(bad, "; "))
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	// A transient failure for any recipient fails the whole call, as an
	// outage would.
	for _, rc := range recips {
		if s.takeFail(rc.no, channel, FailTransient) {
			writeReply(w, reply{status: http.StatusInternalServerError,
				body: map[string]any{"header": nhnHeader{ResultCode: nhnServerError, ResultMessage: "simulated: internal server error"}}})
			return
		}
	}
	now := s.now()
	reqID := fmt.Sprintf("%s%06d%s", now.UTC().Format("20060102150405"), s.nextID(), strings.ToLower(channel[:3]))
	results := make([]nhnSendResult, 0, len(recips))
	for i, rc := range recips {
		res := nhnSendResult{RecipientSeq: i + 1, RecipientNo: rc.no, ResultCode: nhnOK, ResultMessage: "SUCCESS"}
		m := Message{Channel: channel, RequestID: reqID, To: rc.no, From: from, Text: rc.text, TemplateCode: rc.template,
			Params: rc.params, Status: "SENT", At: now}
		switch {
		case s.takeFail(rc.no, channel, FailPermanent):
			res.ResultCode, res.ResultMessage = nhnBadRecipient, "simulated: the recipient was refused"
			m.Status = "REFUSED"
		case channel == MsgAlimTalk && s.takeFail(rc.no, channel, FailNoKakao):
			m.Status = "UNDELIVERED"
			s.msgs = append(s.msgs, m)
			if rc.resend {
				m = Message{Channel: MsgSMS, RequestID: reqID, To: rc.no, From: rc.resendFrom, Text: rc.resendText, Resend: true, Status: "SENT", At: now}
			}
		}
		s.msgs = append(s.msgs, m)
		results = append(results, res)
	}
	hdr := nhnHeader{IsSuccessful: true, ResultCode: nhnOK, ResultMessage: "SUCCESS"}
	var body map[string]any
	if channel == MsgSMS {
		body = map[string]any{"header": hdr, "body": map[string]any{"data": map[string]any{
			"requestId": reqID, "statusCode": "2", "senderGroupingKey": nil, "sendResultList": results}}}
	} else {
		body = map[string]any{"header": hdr, "message": map[string]any{
			"requestId": reqID, "senderGroupingKey": nil, "sendResults": results}}
	}
	writeReply(w, reply{status: http.StatusOK, body: body})
}

// takeFail consumes one injected failure of kind for the number on
// channel. Called with s.mu held.
func (s *Sim) takeFail(to, channel, kind string) bool {
	for i := range s.msgFails {
		f := &s.msgFails[i]
		if f.to != to || f.kind != kind || (f.channel != "" && f.channel != channel) || f.n == 0 {
			continue
		}
		if f.n > 0 {
			f.n--
			if f.n == 0 {
				s.msgFails = slices.Delete(s.msgFails, i, i+1)
			}
		}
		return true
	}
	return false
}

// onlyDigits keeps the ASCII digits of s.
func onlyDigits(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			b.WriteRune(c)
		}
	}
	return b.String()
}
