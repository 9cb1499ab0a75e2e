package distribution

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// InstagramConfig reaches the Instagram Graph API for one professional
// account. BaseURL includes the API version, e.g.
// https://graph.facebook.com/v21.0 (or the simulator's /instagram/v21.0).
type InstagramConfig struct {
	BaseURL     string // CHANNEL_INSTAGRAM_BASE_URL
	UserID      string // CHANNEL_INSTAGRAM_USER_ID, the IG user id
	AccessToken string // CHANNEL_INSTAGRAM_ACCESS_TOKEN
}

// instagram publishes with the Graph API's two steps (a media container,
// then media_publish) and reads media insights.
type instagram struct {
	cfg    InstagramConfig
	client *http.Client
}

// NewInstagram returns the Instagram adapter. Missing settings are reported
// when publishing (a permanent failure naming them), so the app still starts
// and the other channels still work.
func NewInstagram(cfg InstagramConfig, client *http.Client) Adapter {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &instagram{cfg: cfg, client: client}
}

// igCaptionLimit is Instagram's caption length limit.
const igCaptionLimit = 2200

// igLimitRetry is how long to wait when the account's 24-hour publishing
// quota is used up: the quota is a moving window, so an hour frees some.
const igLimitRetry = time.Hour

// igTransientCodes are Graph API error codes worth retrying: unknown and
// temporary errors, the request rate limits (which come as 400/403) and
// 9007, a container not ready to publish yet (or expired: the retry checks
// its status and makes a new one).
var igTransientCodes = []int{1, 2, 4, 17, 32, 341, 613, 9007, 80002}

// igPublishLimitSubcode is media_publish refusing because the account's
// publishing quota is used up.
const igPublishLimitSubcode = 2207042

func (a *instagram) Channel() string { return Instagram }

// igResume is what an interrupted Publish leaves: the container, and the
// media id once media_publish has answered (so a retry only reads the
// permalink). Written as "container" or "container:media"; Graph ids are
// digits, so ':' cannot clash.
type igResume struct{ container, media string }

func parseIGResume(s string) igResume {
	c, m, _ := strings.Cut(s, ":")
	return igResume{container: c, media: m}
}

func (r igResume) String() string {
	if r.media == "" {
		return r.container
	}
	return r.container + ":" + r.media
}

// Publish checks the publishing quota, creates the media container (or
// reuses the one an earlier attempt left in p.Resume), publishes it and
// reads its permalink. Once a container exists every failure is a
// *ResumeError carrying it, so a retry never makes a second one.
func (a *instagram) Publish(ctx context.Context, p Post) (Result, error) {
	if err := a.configured(); err != nil {
		return Result{}, err
	}
	state := parseIGResume(p.Resume)
	fail := func(err error) (Result, error) {
		if state.container == "" {
			return Result{}, err
		}
		return Result{}, &ResumeError{State: state.String(), Err: err}
	}
	if state.media == "" {
		if err := a.checkQuota(ctx); err != nil {
			return fail(err)
		}
		caption := postCopy(p, postHashtags(p), igCaptionLimit)
		if state.container != "" {
			usable, err := a.containerUsable(ctx, state.container)
			if err != nil {
				return fail(err)
			}
			if !usable {
				state.container = ""
			}
		}
		if state.container == "" {
			id, err := a.createContainer(ctx, p.ImageURL, caption)
			if err != nil {
				return Result{}, err
			}
			state.container = id
			p.checkpoint(state.String())
		}
		var published struct {
			ID string `json:"id"`
		}
		form := url.Values{"creation_id": {state.container}, "access_token": {a.cfg.AccessToken}}
		if err := a.call(ctx, http.MethodPost, a.userPath("media_publish"), form, &published); err != nil {
			return fail(err)
		}
		if published.ID == "" {
			return fail(&CallError{Channel: Instagram, Transient: true, Message: "media_publish answered no media id"})
		}
		state.media = published.ID
		p.checkpoint(state.String()) // the post exists: never publish again
	}
	var media struct {
		Permalink string `json:"permalink"`
	}
	q := url.Values{"fields": {"permalink"}, "access_token": {a.cfg.AccessToken}}
	if err := a.call(ctx, http.MethodGet, a.cfg.BaseURL+"/"+url.PathEscape(state.media)+"?"+q.Encode(), nil, &media); err != nil {
		return fail(err)
	}
	return Result{PostID: state.media, PostURL: media.Permalink}, nil
}

// checkQuota refuses (transiently, for an hour) when the account has used
// its 24-hour publishing quota: media_publish would fail anyway, and
// creating containers that cannot be published wastes them.
func (a *instagram) checkQuota(ctx context.Context) error {
	var limit struct {
		Data []struct {
			QuotaUsage int `json:"quota_usage"`
			Config     struct {
				QuotaTotal    int `json:"quota_total"`
				QuotaDuration int `json:"quota_duration"`
			} `json:"config"`
		} `json:"data"`
	}
	q := url.Values{"fields": {"quota_usage,config"}, "access_token": {a.cfg.AccessToken}}
	if err := a.call(ctx, http.MethodGet, a.userPath("content_publishing_limit")+"?"+q.Encode(), nil, &limit); err != nil {
		return err
	}
	if len(limit.Data) == 0 {
		return nil // no figures: media_publish enforces the limit itself
	}
	d := limit.Data[0]
	if d.Config.QuotaTotal > 0 && d.QuotaUsage >= d.Config.QuotaTotal {
		return &CallError{Channel: Instagram, Transient: true, RetryAfter: igLimitRetry,
			Message: "publishing limit reached: " + strconv.Itoa(d.QuotaUsage) + " of " + strconv.Itoa(d.Config.QuotaTotal) + " posts in 24 hours"}
	}
	return nil
}

// containerUsable reports whether an earlier attempt's container can still
// be published. Expired (24 h), failed and vanished containers are not:
// a new one replaces them, which cannot make a second post since they
// never became one.
func (a *instagram) containerUsable(ctx context.Context, id string) (bool, error) {
	var c struct {
		StatusCode string `json:"status_code"`
	}
	q := url.Values{"fields": {"status_code"}, "access_token": {a.cfg.AccessToken}}
	err := a.call(ctx, http.MethodGet, a.cfg.BaseURL+"/"+url.PathEscape(id)+"?"+q.Encode(), nil, &c)
	var ce *CallError
	switch {
	case errors.As(err, &ce) && !ce.Transient && (ce.Status == http.StatusBadRequest || ce.Status == http.StatusNotFound):
		return false, nil // the object does not exist (any more)
	case err != nil:
		return false, err
	}
	return c.StatusCode != "EXPIRED" && c.StatusCode != "ERROR", nil
}

// createContainer makes the image container that media_publish publishes.
func (a *instagram) createContainer(ctx context.Context, imageURL, caption string) (string, error) {
	if imageURL == "" {
		return "", Permanent(Instagram, "the event has no poster image to post")
	}
	var created struct {
		ID string `json:"id"`
	}
	form := url.Values{"image_url": {imageURL}, "caption": {caption}, "access_token": {a.cfg.AccessToken}}
	if err := a.call(ctx, http.MethodPost, a.userPath("media"), form, &created); err != nil {
		return "", err
	}
	if created.ID == "" {
		return "", &CallError{Channel: Instagram, Transient: true, Message: "media answered no container id"}
	}
	return created.ID, nil
}

// Metrics reads a media object's lifetime insights. Reach (unique
// accounts) stands for both impressions and views: media impressions are
// deprecated in recent Graph versions, and reach is there in all of them.
func (a *instagram) Metrics(ctx context.Context, postID string) (Metrics, error) {
	if strings.HasPrefix(postID, kitPrefix) {
		return Metrics{}, nil
	}
	if err := a.configured(); err != nil {
		return Metrics{}, err
	}
	if postID == "" {
		return Metrics{}, Permanent(Instagram, "metrics: no media id")
	}
	var insights struct {
		Data []struct {
			Name   string `json:"name"`
			Values []struct {
				Value int64 `json:"value"`
			} `json:"values"`
			TotalValue *struct {
				Value int64 `json:"value"`
			} `json:"total_value"`
		} `json:"data"`
	}
	q := url.Values{"metric": {"reach,likes,comments,shares"}, "access_token": {a.cfg.AccessToken}}
	if err := a.call(ctx, http.MethodGet, a.cfg.BaseURL+"/"+url.PathEscape(postID)+"/insights?"+q.Encode(), nil, &insights); err != nil {
		return Metrics{}, err
	}
	var m Metrics
	for _, d := range insights.Data {
		var v int64
		switch {
		case len(d.Values) > 0:
			v = d.Values[0].Value
		case d.TotalValue != nil:
			v = d.TotalValue.Value
		}
		switch d.Name {
		case "reach":
			m.Impressions, m.Views = v, v
		case "likes":
			m.Likes = v
		case "comments":
			m.Comments = v
		case "shares":
			m.Shares = v
		}
	}
	return m, nil
}

func (a *instagram) configured() error {
	var missing []string
	if a.cfg.BaseURL == "" {
		missing = append(missing, "CHANNEL_INSTAGRAM_BASE_URL")
	}
	if a.cfg.UserID == "" {
		missing = append(missing, "CHANNEL_INSTAGRAM_USER_ID")
	}
	if a.cfg.AccessToken == "" {
		missing = append(missing, "CHANNEL_INSTAGRAM_ACCESS_TOKEN")
	}
	if len(missing) > 0 {
		return Permanent(Instagram, "Instagram is not configured: set %s", strings.Join(missing, ", "))
	}
	return nil
}

func (a *instagram) userPath(edge string) string {
	return a.cfg.BaseURL + "/" + url.PathEscape(a.cfg.UserID) + "/" + edge
}

// call is one Graph API request: a GET (form nil) or a form POST. Failures
// carry the Graph error's message, are transient for the Graph codes that
// say so, and never contain the access token.
func (a *instagram) call(ctx context.Context, method, u string, form url.Values, out any) error {
	var err error
	if method == http.MethodPost {
		err = doForm(ctx, a.client, Instagram, u, nil, form, out)
	} else {
		err = doJSON(ctx, a.client, Instagram, method, u, nil, nil, out)
	}
	var ce *CallError
	if !errors.As(err, &ce) {
		return err
	}
	var body struct {
		Error *struct {
			Message     string `json:"message"`
			Type        string `json:"type"`
			Code        int    `json:"code"`
			Subcode     int    `json:"error_subcode"`
			IsTransient bool   `json:"is_transient"`
			UserMessage string `json:"error_user_msg"`
		} `json:"error"`
	}
	if ce.Status != 0 && json.Unmarshal([]byte(ce.Message), &body) == nil && body.Error != nil {
		e := body.Error
		ce.Message = e.Message
		if e.UserMessage != "" && e.UserMessage != e.Message {
			ce.Message += " (" + e.UserMessage + ")"
		}
		if e.Type != "" || e.Code != 0 {
			ce.Message += " [" + strings.TrimSpace(e.Type+" code "+strconv.Itoa(e.Code)) + "]"
		}
		if e.IsTransient || slices.Contains(igTransientCodes, e.Code) {
			ce.Transient = true
		}
		if e.Subcode == igPublishLimitSubcode {
			ce.Transient = true
			ce.RetryAfter = max(ce.RetryAfter, igLimitRetry)
		}
	}
	if tok := a.cfg.AccessToken; tok != "" {
		ce.Message = strings.ReplaceAll(ce.Message, url.QueryEscape(tok), "[token]")
		ce.Message = strings.ReplaceAll(ce.Message, tok, "[token]")
	}
	return ce
}
