package content

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/google/uuid"

	blobstore "github.com/eventmkt/backend/shared/blob"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/openai"
)

// Service renders posters (on AI art when configured, on the style's own
// background otherwise or when the AI fails) and stores them in Blob.
type Service struct {
	renderer  *Renderer
	art       Art // nil: built-in backgrounds only
	blobs     *azblob.Client
	container string
	baseURL   string // public URL prefix of the container ("" = the blob URL)
	log       *slog.Logger
	// FallbackBudget is the time kept back from the caller's deadline for
	// the built-in backgrounds: AI art is cut short that much before the
	// deadline, and once it has failed the remaining posters render and
	// upload on a context of their own with this budget. 0 means
	// DefaultFallbackBudget.
	FallbackBudget time.Duration

	ensure sync.Once
	ensErr error
}

// DefaultFallbackBudget is FallbackBudget's default (AI_FALLBACK_BUDGET_SECONDS).
const DefaultFallbackBudget = 20 * time.Second

// NewService wires the poster service. art may be nil.
func NewService(renderer *Renderer, art Art, blobs *azblob.Client, container, baseURL string, log *slog.Logger) *Service {
	return &Service{renderer: renderer, art: art, blobs: blobs, container: container, baseURL: strings.TrimRight(baseURL, "/"), log: log}
}

// Poster is one stored poster.
type Poster struct {
	Style, Platform string
	URL             string
	Width, Height   int
	Spec            PosterSpec
}

// period formats the event dates for a poster: 2026.11.25 ~ 2026.12.10.
func period(start, end string) string {
	if start == "" || end == "" {
		return ""
	}
	return strings.ReplaceAll(start, "-", ".") + " ~ " + strings.ReplaceAll(end, "-", ".")
}

// SpecsFor lays out the posters an image job asks for.
func SpecsFor(job event.ImageJob) []PosterSpec {
	var specs []PosterSpec
	for _, style := range job.Styles {
		for _, platform := range job.Platforms {
			size := event.PlatformSizes[platform]
			specs = append(specs, PosterSpec{Style: style, Platform: platform, Width: size[0], Height: size[1], Title: job.EventName,
				Prize: job.Prize, Period: period(job.StartDate, job.EndDate), StoreName: job.StoreName, CallToAction: DefaultCallToAction, BrandColor: job.BrandColor})
		}
	}
	return specs
}

// ApplyEdit lays the poster editor's changes over a spec.
func ApplyEdit(spec PosterSpec, e event.ImageEdit) PosterSpec {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&spec.Title, e.Title)
	set(&spec.Prize, e.PrizeText)
	set(&spec.GuideText, e.GuideText)
	set(&spec.BackgroundColor, e.BackgroundColor)
	set(&spec.TextColor, e.TextColor)
	set(&spec.AccentColor, e.AccentColor)
	return spec
}

// Render makes and stores the posters of specs. progress is told after
// each. The AI backdrop is asked once per style and reused across sizes;
// when it fails, the remaining posters use the built-in backgrounds and the
// returned origin says why.
func (s *Service) Render(ctx context.Context, eventID, jobID uuid.UUID, industry string, specs []PosterSpec, progress func(done int)) ([]Poster, event.Origin, error) {
	origin := event.Origin{Generator: "builtin"}
	if s.art != nil {
		origin.Generator = s.art.Name() + "+builtin-text"
	}
	backgrounds := map[string]image.Image{}
	useArt := s.art != nil
	budget := cmp.Or(s.FallbackBudget, DefaultFallbackBudget)
	artCtx := ctx
	if dl, ok := ctx.Deadline(); useArt && ok {
		var cancel context.CancelFunc
		artCtx, cancel = context.WithDeadline(ctx, dl.Add(-budget))
		defer cancel()
	}
	var out []Poster
	for i, spec := range specs {
		if err := spec.Validate(); err != nil {
			return nil, origin, err
		}
		var bg image.Image
		if useArt {
			if bg = backgrounds[spec.Style]; bg == nil {
				img, err := s.art.Background(artCtx, spec, industry)
				if err != nil {
					useArt, origin = false, event.Origin{Generator: "builtin", FallbackReason: artReason(err)}
					s.log.WarnContext(ctx, "AI poster art failed; built-in backgrounds stand in", "reason", origin.FallbackReason, "error", err)
					// The fallback runs on a budget of its own: the art may
					// have used up the caller's time.
					fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), budget)
					defer cancel()
					ctx = fctx
				} else {
					backgrounds[spec.Style], bg = img, img
				}
			}
		}
		r, err := s.renderer.Render(spec, bg)
		if err != nil {
			return nil, origin, fmt.Errorf("content: render %s/%s: %w", spec.Style, spec.Platform, err)
		}
		name := fmt.Sprintf("%s/%s-%s-%s.png", eventID, jobID, strings.ToLower(spec.Style), strings.ToLower(spec.Platform))
		url, err := s.upload(ctx, name, r.PNG)
		if err != nil {
			return nil, origin, err
		}
		out = append(out, Poster{Style: spec.Style, Platform: spec.Platform, URL: url, Width: r.Width, Height: r.Height, Spec: spec})
		if progress != nil {
			progress(i + 1)
		}
	}
	return out, origin, nil
}

func artReason(err error) string {
	var se *openai.StatusError
	switch {
	case errors.Is(err, openai.ErrCircuitOpen):
		return "AI image endpoint unavailable (circuit open)"
	case errors.As(err, &se):
		return fmt.Sprintf("AI image endpoint answered HTTP %d", se.Status)
	case errors.Is(err, context.DeadlineExceeded):
		return "AI image endpoint timed out"
	}
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return "AI image failed: " + msg
}

// upload stores a poster where browsers can fetch it: a public-read
// container, image/png, cached for a year (names are unique, never reused).
func (s *Service) upload(ctx context.Context, name string, png []byte) (string, error) {
	return s.uploadAs(ctx, name, png, "image/png")
}

// uploadAs is upload for any image type.
func (s *Service) uploadAs(ctx context.Context, name string, data []byte, contentType string) (string, error) {
	s.ensure.Do(func() { s.ensErr = blobstore.EnsureContainer(ctx, s.blobs, s.container, true) })
	if s.ensErr != nil {
		err := s.ensErr
		s.ensure = sync.Once{} // try again next time
		return "", err
	}
	_, err := s.blobs.UploadBuffer(ctx, s.container, name, data, &azblob.UploadBufferOptions{
		HTTPHeaders: &blob.HTTPHeaders{BlobContentType: to.Ptr(contentType), BlobCacheControl: to.Ptr("public, max-age=31536000, immutable")},
	})
	if err != nil {
		return "", fmt.Errorf("content: upload %s: %w", name, err)
	}
	return s.urlOf(name), nil
}

// urlOf is where browsers fetch a stored poster.
func (s *Service) urlOf(name string) string {
	if s.baseURL != "" {
		return s.baseURL + "/" + name
	}
	return s.blobs.URL() + s.container + "/" + name
}

// nameOf is the blob name behind a poster URL of this service, or false
// when the URL is not one of ours.
func (s *Service) nameOf(url string) (string, bool) {
	for _, prefix := range []string{s.baseURL + "/", s.blobs.URL() + s.container + "/"} {
		if prefix != "/" && strings.HasPrefix(url, prefix) && len(url) > len(prefix) {
			return strings.TrimPrefix(url, prefix), true
		}
	}
	return "", false
}

// specJSON is how a poster's spec is kept with it for later edits.
func specJSON(spec PosterSpec) json.RawMessage {
	b, _ := json.Marshal(spec)
	return b
}

// EncodeBlank encodes one blank canvas per spec with the renderer's PNG
// settings: the floor any renderer pays, the baseline of the poster bench.
func EncodeBlank(specs []PosterSpec) error {
	for _, s := range specs {
		img := image.NewRGBA(image.Rect(0, 0, s.Width, s.Height))
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		if err := enc.Encode(io.Discard, img); err != nil {
			return err
		}
	}
	return nil
}
