package messaging

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/eventmkt/backend/shared/phone"
)

// Config reaches NHN Cloud Notification. Each service (SMS, KakaoTalk
// Bizmessage) has its own domain, app key and secret key in NHN's console.
type Config struct {
	SMSBaseURL   string // MESSAGING_SMS_BASE_URL: https://api-sms.cloud.toast.com
	SMSAppKey    string // MESSAGING_SMS_APP_KEY
	SMSSecretKey string // MESSAGING_SMS_SECRET_KEY (Key Vault on Azure)
	SendNo       string // MESSAGING_SMS_SEND_NO: the registered sender number, also AlimTalk's resend number

	AlimTalkBaseURL   string // MESSAGING_ALIMTALK_BASE_URL: https://api-alimtalk.cloud.toast.com
	AlimTalkAppKey    string // MESSAGING_ALIMTALK_APP_KEY
	AlimTalkSecretKey string // MESSAGING_ALIMTALK_SECRET_KEY (Key Vault on Azure)
	SenderKey         string // MESSAGING_ALIMTALK_SENDER_KEY: the KakaoTalk channel's 40-character sender key

	Timeout time.Duration // MESSAGING_TIMEOUT_SECONDS: per call; 0 = the caller's context only
}

// API versions the adapter speaks (docs/messaging.md).
const (
	smsAPIVersion      = "v3.0"
	alimTalkAPIVersion = "v2.3"
	// smsMaxRunes is NHN's limit on an SMS body; standardMaxRunes is what
	// fits one standard SMS in Hangul (90 bytes EUC-KR), past which an
	// AlimTalk's resend goes as LMS.
	smsMaxRunes      = 255
	standardMaxRunes = 45
)

// NHN is the Sender backed by NHN Cloud Notification.
type NHN struct {
	cfg    Config
	client *http.Client
}

var _ Sender = (*NHN)(nil)

// NewNHN returns the NHN sender; client nil means http.DefaultClient.
func NewNHN(cfg Config, client *http.Client) *NHN {
	cfg.SMSBaseURL = strings.TrimRight(cfg.SMSBaseURL, "/")
	cfg.AlimTalkBaseURL = strings.TrimRight(cfg.AlimTalkBaseURL, "/")
	if client == nil {
		client = http.DefaultClient
	}
	return &NHN{cfg: cfg, client: client}
}

// nhnHeader starts every NHN answer.
type nhnHeader struct {
	IsSuccessful  bool   `json:"isSuccessful"`
	ResultCode    int    `json:"resultCode"`
	ResultMessage string `json:"resultMessage"`
}

type sendResult struct {
	RecipientSeq  int    `json:"recipientSeq"`
	RecipientNo   string `json:"recipientNo"`
	ResultCode    int    `json:"resultCode"`
	ResultMessage string `json:"resultMessage"`
}

type smsRecipient struct {
	RecipientNo string `json:"recipientNo"`
}

type smsRequest struct {
	Body          string         `json:"body"`
	SendNo        string         `json:"sendNo"`
	RecipientList []smsRecipient `json:"recipientList"`
}

type smsResponse struct {
	Header nhnHeader `json:"header"`
	Body   *struct {
		Data struct {
			RequestID      string       `json:"requestId"`
			StatusCode     string       `json:"statusCode"`
			SendResultList []sendResult `json:"sendResultList"`
		} `json:"data"`
	} `json:"body"`
}

type resendParameter struct {
	IsResend      bool   `json:"isResend"`
	ResendType    string `json:"resendType"`
	ResendContent string `json:"resendContent"`
	ResendSendNo  string `json:"resendSendNo"`
}

type alimTalkRecipient struct {
	RecipientNo       string            `json:"recipientNo"`
	TemplateParameter map[string]string `json:"templateParameter,omitempty"`
	ResendParameter   *resendParameter  `json:"resendParameter,omitempty"`
}

type alimTalkRequest struct {
	SenderKey     string              `json:"senderKey"`
	TemplateCode  string              `json:"templateCode"`
	RecipientList []alimTalkRecipient `json:"recipientList"`
}

type alimTalkResponse struct {
	Header  nhnHeader `json:"header"`
	Message *struct {
		RequestID   string       `json:"requestId"`
		SendResults []sendResult `json:"sendResults"`
	} `json:"message"`
}

// SendSMS sends m through POST /sms/v3.0/appKeys/{appKey}/sender/sms.
func (n *NHN) SendSMS(ctx context.Context, m SMS) (Result, error) {
	if err := n.configured(ChannelSMS); err != nil {
		return Result{}, err
	}
	to, err := phone.Normalize(m.To)
	if err != nil {
		return Result{}, permanent(ChannelSMS, "the recipient is "+err.Error())
	}
	switch c := utf8.RuneCountInString(m.Text); {
	case strings.TrimSpace(m.Text) == "":
		return Result{}, permanent(ChannelSMS, "the text is empty")
	case c > smsMaxRunes:
		return Result{}, permanent(ChannelSMS, fmt.Sprintf("the text has %d characters, over %d", c, smsMaxRunes))
	}
	u := n.cfg.SMSBaseURL + "/sms/" + smsAPIVersion + "/appKeys/" + url.PathEscape(n.cfg.SMSAppKey) + "/sender/sms"
	var resp smsResponse
	if err := n.post(ctx, ChannelSMS, u, n.cfg.SMSSecretKey, smsRequest{Body: m.Text, SendNo: n.cfg.SendNo,
		RecipientList: []smsRecipient{{RecipientNo: to}}}, &resp); err != nil {
		return Result{}, err
	}
	if err := headerError(ChannelSMS, resp.Header); err != nil {
		return Result{}, err
	}
	if resp.Body == nil || resp.Body.Data.RequestID == "" {
		return Result{}, &Error{Channel: ChannelSMS, Retryable: true, HTTPStatus: http.StatusOK, Message: "the answer has no requestId"}
	}
	if err := recipientError(ChannelSMS, resp.Body.Data.SendResultList); err != nil {
		return Result{}, err
	}
	return Result{RequestID: resp.Body.Data.RequestID, Channel: ChannelSMS}, nil
}

// SendAlimTalk sends m through POST /alimtalk/v2.3/appkeys/{appkey}/messages,
// with NHN's resend as SMS (or LMS) when m.FallbackText is set.
func (n *NHN) SendAlimTalk(ctx context.Context, m AlimTalk) (Result, error) {
	if err := n.configured(ChannelAlimTalk); err != nil {
		return Result{}, err
	}
	to, err := phone.Normalize(m.To)
	if err != nil {
		return Result{}, permanent(ChannelAlimTalk, "the recipient is "+err.Error())
	}
	if m.TemplateCode == "" {
		return Result{}, permanent(ChannelAlimTalk, "no template code")
	}
	rc := alimTalkRecipient{RecipientNo: to, TemplateParameter: m.Params}
	if m.FallbackText != "" {
		if n.cfg.SendNo == "" {
			return Result{}, permanent(ChannelAlimTalk, "a fallback needs MESSAGING_SMS_SEND_NO")
		}
		kind := "SMS"
		if utf8.RuneCountInString(m.FallbackText) > standardMaxRunes {
			kind = "LMS"
		}
		rc.ResendParameter = &resendParameter{IsResend: true, ResendType: kind, ResendContent: m.FallbackText, ResendSendNo: n.cfg.SendNo}
	}
	u := n.cfg.AlimTalkBaseURL + "/alimtalk/" + alimTalkAPIVersion + "/appkeys/" + url.PathEscape(n.cfg.AlimTalkAppKey) + "/messages"
	var resp alimTalkResponse
	if err := n.post(ctx, ChannelAlimTalk, u, n.cfg.AlimTalkSecretKey, alimTalkRequest{SenderKey: n.cfg.SenderKey,
		TemplateCode: m.TemplateCode, RecipientList: []alimTalkRecipient{rc}}, &resp); err != nil {
		return Result{}, err
	}
	if err := headerError(ChannelAlimTalk, resp.Header); err != nil {
		return Result{}, err
	}
	if resp.Message == nil || resp.Message.RequestID == "" {
		return Result{}, &Error{Channel: ChannelAlimTalk, Retryable: true, HTTPStatus: http.StatusOK, Message: "the answer has no requestId"}
	}
	if err := recipientError(ChannelAlimTalk, resp.Message.SendResults); err != nil {
		return Result{}, err
	}
	return Result{RequestID: resp.Message.RequestID, Channel: ChannelAlimTalk}, nil
}

// configured names the settings a channel lacks.
func (n *NHN) configured(ch Channel) error {
	var missing []string
	need := func(v, name string) {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if ch == ChannelSMS {
		need(n.cfg.SMSBaseURL, "MESSAGING_SMS_BASE_URL")
		need(n.cfg.SMSAppKey, "MESSAGING_SMS_APP_KEY")
		need(n.cfg.SMSSecretKey, "MESSAGING_SMS_SECRET_KEY")
		need(n.cfg.SendNo, "MESSAGING_SMS_SEND_NO")
	} else {
		need(n.cfg.AlimTalkBaseURL, "MESSAGING_ALIMTALK_BASE_URL")
		need(n.cfg.AlimTalkAppKey, "MESSAGING_ALIMTALK_APP_KEY")
		need(n.cfg.AlimTalkSecretKey, "MESSAGING_ALIMTALK_SECRET_KEY")
		need(n.cfg.SenderKey, "MESSAGING_ALIMTALK_SENDER_KEY")
	}
	if len(missing) > 0 {
		return permanent(ch, "not configured: set "+strings.Join(missing, ", "))
	}
	return nil
}

// post sends body as JSON with the secret key and decodes NHN's answer
// into out, classifying what went wrong on the way.
func (n *NHN) post(ctx context.Context, ch Channel, u, secret string, body, out any) error {
	if n.cfg.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, n.cfg.Timeout)
		defer cancel()
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return &Error{Channel: ch, Message: "encoding the request", Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(payload))
	if err != nil {
		return &Error{Channel: ch, Message: "building the request", Err: err}
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("X-Secret-Key", secret)
	resp, err := n.client.Do(req)
	if err != nil {
		// Timeouts, refused connections, resets: the message may or may
		// not have been accepted; NHN has no idempotency key for SMS, so
		// a retry risks a duplicate, which beats losing the message.
		return &Error{Channel: ch, Retryable: true, Message: "no answer", Err: scrub(err, u)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return &Error{Channel: ch, Retryable: true, HTTPStatus: resp.StatusCode, Message: "reading the answer", Err: err}
	}
	var hdr struct {
		Header nhnHeader `json:"header"`
	}
	_ = json.Unmarshal(data, &hdr)
	if resp.StatusCode != http.StatusOK {
		return &Error{Channel: ch, Retryable: resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500,
			HTTPStatus: resp.StatusCode, ResultCode: hdr.Header.ResultCode, Message: clip(hdr.Header.ResultMessage)}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &Error{Channel: ch, Retryable: true, HTTPStatus: resp.StatusCode, Message: "the answer is not NHN's JSON", Err: err}
	}
	return nil
}

// headerError is NHN's refusal of the whole request (HTTP 200 with
// isSuccessful false): a bad parameter, sender or template, which a retry
// would not fix.
func headerError(ch Channel, h nhnHeader) error {
	if h.IsSuccessful {
		return nil
	}
	return &Error{Channel: ch, HTTPStatus: http.StatusOK, ResultCode: h.ResultCode, Message: clip(h.ResultMessage)}
}

// recipientError is NHN's refusal of the one recipient (an invalid or
// blocked number).
func recipientError(ch Channel, results []sendResult) error {
	for _, r := range results {
		if r.ResultCode != 0 {
			return &Error{Channel: ch, HTTPStatus: http.StatusOK, ResultCode: r.ResultCode, Message: clip(r.ResultMessage)}
		}
	}
	return nil
}

func permanent(ch Channel, msg string) *Error { return &Error{Channel: ch, Message: msg} }

// scrub drops the URL (it carries the app key) from a transport error.
func scrub(err error, u string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return errors.New(strings.ReplaceAll(err.Error(), u, "(NHN)"))
}

func clip(s string) string {
	if utf8.RuneCountInString(s) > 200 {
		return string([]rune(s)[:200]) + "…"
	}
	return s
}
