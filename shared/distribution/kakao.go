package distribution

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// KakaoConfig reaches the Kakao channel-posting partner API (the contract in
// docs/channels.md). With BaseURL empty there is no such API for us and
// the adapter builds share kits instead.
type KakaoConfig struct {
	BaseURL   string // CHANNEL_KAKAO_BASE_URL ("" = share kits)
	APIKey    string // CHANNEL_KAKAO_API_KEY
	ChannelID string // CHANNEL_KAKAO_CHANNEL_ID, the 카카오톡 채널 to post on
}

// Kakao partner contract limits: longer copy is shortened here.
const (
	kakaoTitleLimit   = 100
	kakaoContentLimit = 2000
	kakaoButtonTitle  = "이벤트 참여하기"
)

type kakao struct {
	cfg    KakaoConfig
	client *http.Client
	kits   *ShareKits
}

// NewKakao returns the Kakao adapter: posts through the partner API when
// cfg.BaseURL is set, share kits otherwise (Kakao offers no public API to
// post on a 카카오톡 채널).
func NewKakao(cfg KakaoConfig, client *http.Client, kits *ShareKits) Adapter {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &kakao{cfg: cfg, client: client, kits: kits}
}

func (a *kakao) Channel() string { return Kakao }

type kakaoPostRequest struct {
	Title       string `json:"title"`
	Content     string `json:"content"`
	ImageURL    string `json:"imageUrl"`
	LinkURL     string `json:"linkUrl"`
	ButtonTitle string `json:"buttonTitle"`
}

type kakaoPostResponse struct {
	PostID  string `json:"postId"`
	PostURL string `json:"postUrl"`
}

// Publish posts on the channel (idempotent on the distribution id), or
// builds the share kit when no partner API is configured.
func (a *kakao) Publish(ctx context.Context, p Post) (Result, error) {
	if a.cfg.BaseURL == "" {
		if a.kits == nil {
			return Result{}, Permanent(Kakao, "Kakao is not configured: set CHANNEL_KAKAO_BASE_URL or give it share kits")
		}
		p.Channel = Kakao
		return a.kits.Build(ctx, p)
	}
	if err := a.configured(); err != nil {
		return Result{}, err
	}
	if p.DistributionID == "" {
		return Result{}, Permanent(Kakao, "no distribution id to use as the idempotency key")
	}
	title := p.EventName
	if p.StoreName != "" {
		title = "[" + p.StoreName + "] " + p.EventName
	}
	req := kakaoPostRequest{Title: clipRunes(title, kakaoTitleLimit), Content: postCopy(p, postHashtags(p), kakaoContentLimit),
		ImageURL: p.ImageURL, LinkURL: p.ParticipateURL, ButtonTitle: kakaoButtonTitle}
	h := a.header()
	h.Set("Idempotency-Key", p.DistributionID)
	var resp kakaoPostResponse
	if err := partnerError(doJSON(ctx, a.client, Kakao, http.MethodPost, a.channelURL()+"/posts", h, req, &resp)); err != nil {
		return Result{}, err
	}
	if resp.PostID == "" {
		return Result{}, &CallError{Channel: Kakao, Transient: true, Message: "posts answered no postId"}
	}
	return Result{PostID: resp.PostID, PostURL: resp.PostURL}, nil
}

// Metrics reads a post's views and reactions; share kits have none.
func (a *kakao) Metrics(ctx context.Context, postID string) (Metrics, error) {
	if a.cfg.BaseURL == "" || strings.HasPrefix(postID, kitPrefix) {
		return Metrics{}, nil
	}
	if err := a.configured(); err != nil {
		return Metrics{}, err
	}
	if postID == "" {
		return Metrics{}, Permanent(Kakao, "metrics: no post id")
	}
	var st struct {
		Views    int64 `json:"views"`
		Likes    int64 `json:"likes"`
		Comments int64 `json:"comments"`
		Shares   int64 `json:"shares"`
	}
	u := a.channelURL() + "/posts/" + url.PathEscape(postID) + "/stats"
	if err := partnerError(doJSON(ctx, a.client, Kakao, http.MethodGet, u, a.header(), nil, &st)); err != nil {
		return Metrics{}, err
	}
	return Metrics{Views: st.Views, Likes: st.Likes, Comments: st.Comments, Shares: st.Shares}, nil
}

func (a *kakao) configured() error {
	var missing []string
	if a.cfg.APIKey == "" {
		missing = append(missing, "CHANNEL_KAKAO_API_KEY")
	}
	if a.cfg.ChannelID == "" {
		missing = append(missing, "CHANNEL_KAKAO_CHANNEL_ID")
	}
	if len(missing) > 0 {
		return Permanent(Kakao, "Kakao is not configured: CHANNEL_KAKAO_BASE_URL is set, so also set %s", strings.Join(missing, ", "))
	}
	return nil
}

func (a *kakao) header() http.Header {
	return http.Header{"Authorization": {"KakaoAK " + a.cfg.APIKey}}
}

func (a *kakao) channelURL() string {
	return a.cfg.BaseURL + "/v1/channels/" + url.PathEscape(a.cfg.ChannelID)
}
