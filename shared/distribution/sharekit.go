package distribution

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"

	blobstore "github.com/eventmkt/backend/shared/blob"
)

// kitPrefix starts every share kit's blob path; a post id with it is a kit,
// never a remote post, whatever the channel's configuration says now.
const kitPrefix = "sharekits/"

// ShareKits writes share kits: for channels with no posting API we can use
// (Naver closed its blog-write API in 2020; Kakao without a partner
// contract), the owner gets a small mobile page with the poster, the copy
// ready to paste, the participate link and how to post it, plus the same
// data as JSON for the app. Kits live in a public-read Blob container and
// are rewritten in place, so building one twice is harmless.
type ShareKits struct {
	blobs     *azblob.Client
	container string
	baseURL   string // public URL prefix of the container ("" = the blob URL)

	mu      sync.Mutex
	ensured bool // the container exists (checked once per process)
}

// NewShareKits stores kits in container (created public-read when missing).
// baseURL is the container's public URL prefix (a CDN, say); when empty the
// kits' blob URLs are used, as posters do.
func NewShareKits(blobs *azblob.Client, container, baseURL string) *ShareKits {
	return &ShareKits{blobs: blobs, container: container, baseURL: strings.TrimRight(baseURL, "/")}
}

// shareKit is a kit's content: the JSON blob as written, and what the page shows.
type shareKit struct {
	Channel      string   `json:"channel"`
	EventID      string   `json:"eventId"`
	Title        string   `json:"title"`
	Text         string   `json:"text"` // ready to paste, hashtags included
	Hashtags     []string `json:"hashtags"`
	Link         string   `json:"link"`
	ImageURL     string   `json:"imageUrl"`
	Instructions []string `json:"instructions"`
}

// Build writes the kit of p.Channel for p's event, as
// sharekits/{eventId}/{channel}.html and .json, and returns the page as the
// post. Blob failures are transient: the next attempt rewrites both files.
func (k *ShareKits) Build(ctx context.Context, p Post) (Result, error) {
	if k == nil || k.blobs == nil || k.container == "" {
		return Result{}, Permanent(p.Channel, "share kits are not configured (no Blob container)")
	}
	if p.EventID == "" || strings.ContainsAny(p.EventID, "/\\") || strings.Contains(p.EventID, "..") {
		return Result{}, Permanent(p.Channel, "share kit: unusable event id %q", p.EventID)
	}
	if p.Channel == "" {
		return Result{}, Permanent(p.Channel, "share kit: the post names no channel")
	}
	kit := newShareKit(p)
	base := kitPrefix + p.EventID + "/" + strings.ToLower(p.Channel)
	jsonBody, err := json.MarshalIndent(kit, "", "  ")
	if err != nil {
		return Result{}, Permanent(p.Channel, "share kit: encode JSON: %v", err)
	}
	var page bytes.Buffer
	if err := kitPage.Execute(&page, kitPageData{shareKit: kit, Period: eventPeriod(p.StartDate, p.EndDate),
		JSONPath: strings.ToLower(p.Channel) + ".json", ChannelLabel: channelLabel(p.Channel)}); err != nil {
		return Result{}, Permanent(p.Channel, "share kit: render page: %v", err)
	}
	if err := k.ensureContainer(ctx); err != nil {
		return Result{}, k.blobError(ctx, p.Channel, err)
	}
	// The JSON first: the page (the post) exists only once both do.
	if err := k.upload(ctx, base+".json", "application/json; charset=utf-8", jsonBody); err != nil {
		return Result{}, k.blobError(ctx, p.Channel, err)
	}
	if err := k.upload(ctx, base+".html", "text/html; charset=utf-8", page.Bytes()); err != nil {
		return Result{}, k.blobError(ctx, p.Channel, err)
	}
	return Result{PostID: base + ".html", PostURL: k.url(base + ".html")}, nil
}

// url is where the blob at path is served.
func (k *ShareKits) url(path string) string {
	if k.baseURL != "" {
		return k.baseURL + "/" + path
	}
	return k.blobs.URL() + k.container + "/" + path
}

func (k *ShareKits) ensureContainer(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.ensured {
		return nil
	}
	if err := blobstore.EnsureContainer(ctx, k.blobs, k.container, true); err != nil {
		return err
	}
	k.ensured = true
	return nil
}

// upload overwrites path; kits change only when the event does, so caches
// are told to revalidate.
func (k *ShareKits) upload(ctx context.Context, path, contentType string, body []byte) error {
	_, err := k.blobs.UploadBuffer(ctx, k.container, path, body, &azblob.UploadBufferOptions{
		HTTPHeaders: &blob.HTTPHeaders{BlobContentType: to.Ptr(contentType), BlobCacheControl: to.Ptr("no-cache")},
	})
	if err != nil {
		return fmt.Errorf("upload %s: %w", path, err)
	}
	return nil
}

// blobError classifies a storage failure: our own cancellation stays as
// it is, anything else is worth another attempt.
func (k *ShareKits) blobError(ctx context.Context, channel string, err error) error {
	if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ctx.Err()
	}
	return &CallError{Channel: channel, Transient: true, Message: "share kit storage: " + err.Error()}
}

// shareKitAdapter is a channel served by share kits alone.
type shareKitAdapter struct {
	channel string
	kits    *ShareKits
}

// NewNaver returns the Naver adapter. Naver closed its blog-write API in
// 2020, so publishing builds a share kit the owner posts from; there are no
// figures to read back.
func NewNaver(kits *ShareKits) Adapter {
	return shareKitAdapter{channel: Naver, kits: kits}
}

func (a shareKitAdapter) Channel() string { return a.channel }

func (a shareKitAdapter) Publish(ctx context.Context, p Post) (Result, error) {
	p.Channel = a.channel
	return a.kits.Build(ctx, p)
}

// Metrics is always zero: nobody reports on a post the owner made by hand.
func (a shareKitAdapter) Metrics(context.Context, string) (Metrics, error) { return Metrics{}, nil }

// newShareKit lays out the kit of p.Channel: the copy, hashtags and the
// channel's steps.
func newShareKit(p Post) shareKit {
	tags := postHashtags(p)
	kit := shareKit{Channel: p.Channel, EventID: p.EventID, Hashtags: tags, Link: p.ParticipateURL, ImageURL: p.ImageURL}
	kit.Title = p.EventName
	if p.StoreName != "" {
		kit.Title = "[" + p.StoreName + "] " + p.EventName
	}
	kit.Text = postCopy(p, tags, 0)
	kit.Instructions = kitSteps(p.Channel)
	return kit
}

// postCopy is the paste-ready text of an event: name, description, prize,
// period, participate link and hashtags. When limit > 0 the description is
// shortened so the whole text fits in limit characters.
func postCopy(p Post, tags []string, limit int) string {
	head := p.EventName
	if p.StoreName != "" && !strings.Contains(p.EventName, p.StoreName) {
		head = "[" + p.StoreName + "] " + p.EventName
	}
	var tail strings.Builder
	if p.Prize != "" {
		tail.WriteString("\n🎁 경품: " + p.Prize)
	}
	if period := eventPeriod(p.StartDate, p.EndDate); period != "" {
		tail.WriteString("\n📅 기간: " + period)
	}
	if p.ParticipateURL != "" {
		tail.WriteString("\n👉 참여하기: " + p.ParticipateURL)
	}
	if len(tags) > 0 {
		tail.WriteString("\n\n" + strings.Join(tags, " "))
	}
	desc := strings.TrimSpace(p.Description)
	if limit > 0 {
		room := limit - utf8.RuneCountInString(head) - utf8.RuneCountInString(tail.String()) - 4
		desc = clipRunes(desc, max(room, 0))
	}
	text := head
	if desc != "" {
		text += "\n\n" + desc
	}
	text += "\n" + tail.String()
	if limit > 0 {
		text = clipRunes(text, limit)
	}
	return text
}

// maxHashtags is Instagram's cap per post, and plenty elsewhere.
const maxHashtags = 30

// postHashtags are the owner's hashtags from the channel settings, or a few
// Korean defaults built from the store and its district; each starts with
// '#', has no spaces and appears once.
func postHashtags(p Post) []string {
	var s struct {
		Hashtags []string `json:"hashtags"`
	}
	_ = json.Unmarshal(p.Settings, &s) // malformed settings: the defaults
	raw := s.Hashtags
	if len(raw) == 0 {
		raw = []string{"이벤트", "경품이벤트", p.StoreName}
		if words := strings.Fields(p.StoreAddress); len(words) >= 2 {
			raw = append(raw, words[1]) // the district: 강남구, 해운대구...
		}
		raw = append(raw, "동네가게", "소상공인")
	}
	var tags []string
	seen := map[string]bool{}
	for _, t := range raw {
		t = strings.Join(strings.Fields(strings.TrimLeft(strings.TrimSpace(t), "#")), "")
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		tags = append(tags, "#"+t)
		if len(tags) == maxHashtags {
			break
		}
	}
	return tags
}

// eventPeriod writes the event's dates as 2026.11.25 ~ 2026.12.10.
func eventPeriod(start, end string) string {
	dot := func(d string) string { return strings.ReplaceAll(d, "-", ".") }
	switch {
	case start != "" && end != "":
		return dot(start) + " ~ " + dot(end)
	case start != "":
		return dot(start) + " ~"
	case end != "":
		return "~ " + dot(end)
	}
	return ""
}

// clipRunes shortens s to at most n characters, ending with "…" when cut.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// channelLabel is how owners call a channel.
func channelLabel(channel string) string {
	switch channel {
	case Naver:
		return "네이버 블로그"
	case Kakao:
		return "카카오톡 채널"
	case Instagram:
		return "인스타그램"
	}
	return channel
}

// kitSteps tells the owner, step by step, how to post the kit on channel.
func kitSteps(channel string) []string {
	switch channel {
	case Naver:
		return []string{
			"'문구 복사' 버튼을 눌러 글을 복사하세요.",
			"포스터 이미지를 길게 눌러 휴대폰에 저장하세요.",
			"네이버 블로그 앱을 열고 아래쪽의 '글쓰기'(연필 모양)를 누르세요.",
			"제목 칸에 이벤트 제목을 적고, 본문을 길게 눌러 복사한 문구를 붙여 넣으세요.",
			"사진 버튼을 눌러 저장한 포스터를 본문 맨 위에 넣으세요.",
			"오른쪽 위 '등록'을 누르면 끝입니다. 글 주소를 복사해 두면 손님들에게 보내기 좋아요.",
		}
	case Kakao:
		return []string{
			"'문구 복사' 버튼을 눌러 글을 복사하세요.",
			"포스터 이미지를 길게 눌러 휴대폰에 저장하세요.",
			"'카카오톡 채널 관리자' 앱(또는 PC에서 center-pf.kakao.com)을 열고 내 채널을 고르세요.",
			"'소식' 메뉴에서 '새 소식 작성'을 누르세요.",
			"저장한 포스터를 올리고, 내용 칸에 복사한 문구를 붙여 넣으세요.",
			"'버튼 추가'에서 '링크'를 고르고 이름은 '이벤트 참여하기', 주소는 아래 참여 링크를 넣으세요.",
			"'발행'을 누르면 채널 친구들에게 소식이 전해집니다.",
		}
	case Instagram:
		return []string{
			"'문구 복사' 버튼을 눌러 글을 복사하세요.",
			"포스터 이미지를 길게 눌러 휴대폰에 저장하세요.",
			"인스타그램 앱에서 아래쪽 '+'를 누르고 '게시물'을 고른 뒤 저장한 포스터를 선택하세요.",
			"문구 입력 칸에 복사한 문구를 붙여 넣으세요.",
			"캡션의 링크는 눌리지 않으니, 프로필 편집에서 웹사이트에 참여 링크를 넣어 두세요.",
			"'공유'를 누르면 끝입니다.",
		}
	}
	return []string{
		"'문구 복사' 버튼을 눌러 글을 복사하세요.",
		"포스터 이미지를 길게 눌러 휴대폰에 저장하세요.",
		"올릴 곳에서 새 글을 쓰고, 포스터와 복사한 문구를 넣으세요.",
		"참여 링크가 글에 들어갔는지 확인하고 올리세요.",
	}
}

// kitPageData is what the page template shows.
type kitPageData struct {
	shareKit
	Period       string
	JSONPath     string
	ChannelLabel string
}

// kitPage is the kit's mobile page: no external assets, works offline once
// loaded, copy buttons with a fallback for browsers without the Clipboard API.
var kitPage = template.Must(template.New("kit").Parse(`<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.ChannelLabel}}에 올리기 · {{.Title}}</title>
<link rel="alternate" type="application/json" href="{{.JSONPath}}">
<style>
body{margin:0;font-family:-apple-system,"Apple SD Gothic Neo","Malgun Gothic",sans-serif;background:#f6f6f8;color:#222;line-height:1.5}
main{max-width:560px;margin:0 auto;padding:16px}
h1{font-size:1.25rem;margin:8px 0 4px}
.sub{color:#666;font-size:.9rem;margin:0 0 12px}
section{background:#fff;border-radius:12px;padding:14px;margin:12px 0;box-shadow:0 1px 2px rgba(0,0,0,.06)}
h2{font-size:1rem;margin:0 0 8px}
img{width:100%;border-radius:8px;display:block}
textarea{width:100%;box-sizing:border-box;min-height:220px;font:inherit;font-size:.95rem;padding:8px;border:1px solid #ddd;border-radius:8px}
button{width:100%;margin-top:8px;padding:12px;font-size:1rem;font-weight:600;border:0;border-radius:8px;background:#03c75a;color:#fff}
a.link{word-break:break-all}
ol{padding-left:1.2rem;margin:0}
li{margin:4px 0}
.tags{color:#2a62c9}
</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p class="sub">{{.ChannelLabel}}에 올릴 준비가 다 되어 있어요.{{if .Period}} 이벤트 기간: {{.Period}}{{end}}</p>
{{if .ImageURL}}<section>
<h2>1. 포스터</h2>
<img src="{{.ImageURL}}" alt="이벤트 포스터">
<p class="sub">이미지를 길게 눌러 저장하세요.</p>
</section>{{end}}
<section>
<h2>2. 올릴 문구</h2>
<textarea id="copy" readonly>{{.Text}}</textarea>
<button type="button" data-copy="copy">문구 복사</button>
{{if .Hashtags}}<p class="tags">{{range .Hashtags}}{{.}} {{end}}</p>{{end}}
</section>
{{if .Link}}<section>
<h2>3. 참여 링크</h2>
<a class="link" href="{{.Link}}">{{.Link}}</a>
<textarea id="link" readonly hidden>{{.Link}}</textarea>
<button type="button" data-copy="link">링크 복사</button>
</section>{{end}}
<section>
<h2>{{.ChannelLabel}}에 올리는 방법</h2>
<ol>{{range .Instructions}}
<li>{{.}}</li>{{end}}
</ol>
</section>
</main>
<script>
document.querySelectorAll("button[data-copy]").forEach(function (b) {
  b.addEventListener("click", function () {
    var el = document.getElementById(b.getAttribute("data-copy"));
    var label = b.textContent;
    var done = function () { b.textContent = "복사했어요!"; setTimeout(function () { b.textContent = label; }, 1500); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(el.value).then(done, function () { fallback(el); done(); });
    } else { fallback(el); done(); }
  });
});
function fallback(el) {
  var hidden = el.hidden; el.hidden = false; el.select(); el.setSelectionRange(0, el.value.length);
  try { document.execCommand("copy"); } catch (e) {}
  el.hidden = hidden;
}
</script>
</body>
</html>
`))
