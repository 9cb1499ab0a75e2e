package content

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/openai"
	"github.com/eventmkt/backend/shared/testenv"
)

func newTestService(t *testing.T, art Art) *Service {
	t.Helper()
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	blobs := testenv.Blob(t)
	container := testenv.Name("images")
	t.Cleanup(func() { _, _ = blobs.DeleteContainer(context.Background(), container, nil) })
	return NewService(r, art, blobs, container, "", testenv.Logger(t))
}

// fakeImageAPI speaks the images/generations shape with a base64 PNG.
func fakeImageAPI(t *testing.T, status int) (*openai.Client, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		if r.URL.Path != "/images/generations" || !strings.Contains(body["prompt"].(string), "No text") {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if status != http.StatusOK {
			w.WriteHeader(status)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"created": 1, "data": []map[string]string{{"b64_json": base64.StdEncoding.EncodeToString(buf.Bytes())}}})
	}))
	t.Cleanup(srv.Close)
	c, err := openai.New(openai.Config{BaseURL: srv.URL, APIKey: "k", ImageModel: "gpt-image-1", Timeout: 5 * time.Second, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	return c, &calls
}

func job() event.ImageJob {
	return event.ImageJob{Styles: []string{"SIMPLE", "TRENDY"}, Platforms: []string{"KAKAO", "NAVER"}, EventName: "겨울 감사 이벤트",
		Prize: "케이크 교환권", StartDate: "2026-12-01", EndDate: "2026-12-24", StoreName: "지영 베이커리"}
}

func TestRenderStoresFetchablePosters(t *testing.T) {
	t.Parallel()
	svc := newTestService(t, nil)
	specs := SpecsFor(job())
	if len(specs) != 4 || specs[0].Period != "2026.12.01 ~ 2026.12.24" || specs[1].Width != 800 || specs[1].Height != 600 {
		t.Fatalf("specs: %+v", specs)
	}
	var progress []int
	posters, origin, err := svc.Render(context.Background(), uuid.New(), uuid.New(), "베이커리", specs, func(n int) { progress = append(progress, n) })
	if err != nil {
		t.Fatal(err)
	}
	if origin.Generator != "builtin" || origin.FallbackReason != "" || len(posters) != 4 || len(progress) != 4 {
		t.Fatalf("origin %+v, %d posters, progress %v", origin, len(posters), progress)
	}
	for _, p := range posters {
		resp, err := http.Get(p.URL)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cfg, err := png.DecodeConfig(bytes.NewReader(data))
		if resp.StatusCode != 200 || err != nil || cfg.Width != p.Width || cfg.Height != p.Height ||
			resp.Header.Get("Content-Type") != "image/png" || !strings.Contains(resp.Header.Get("Cache-Control"), "max-age") {
			t.Errorf("GET %s: %d %v %dx%d %v", p.URL, resp.StatusCode, err, cfg.Width, cfg.Height, resp.Header)
		}
	}
}

func TestAIArtAndFallback(t *testing.T) {
	t.Parallel()
	t.Run("art used once per style", func(t *testing.T) {
		t.Parallel()
		c, calls := fakeImageAPI(t, http.StatusOK)
		svc := newTestService(t, NewOpenAIArt(c, "gpt-image-1"))
		posters, origin, err := svc.Render(context.Background(), uuid.New(), uuid.New(), "카페", SpecsFor(job()), nil)
		if err != nil || len(posters) != 4 {
			t.Fatalf("%v %d", err, len(posters))
		}
		if origin.Generator != "openai:gpt-image-1+builtin-text" || origin.FallbackReason != "" || calls.Load() != 2 {
			t.Errorf("origin %+v, %d image calls (want 2: one per style)", origin, calls.Load())
		}
	})
	t.Run("fallback recorded", func(t *testing.T) {
		t.Parallel()
		c, _ := fakeImageAPI(t, http.StatusInternalServerError)
		svc := newTestService(t, NewOpenAIArt(c, "gpt-image-1"))
		posters, origin, err := svc.Render(context.Background(), uuid.New(), uuid.New(), "카페", SpecsFor(job()), nil)
		if err != nil || len(posters) != 4 {
			t.Fatalf("%v %d", err, len(posters))
		}
		if origin.Generator != "builtin" || !strings.Contains(origin.FallbackReason, "HTTP 500") {
			t.Errorf("origin %+v", origin)
		}
	})
}

func TestApplyEdit(t *testing.T) {
	t.Parallel()
	spec := SpecsFor(job())[0]
	title, bg := "새 제목", "#112233"
	got := ApplyEdit(spec, event.ImageEdit{Title: &title, BackgroundColor: &bg})
	if got.Title != title || got.BackgroundColor != bg || got.Prize != spec.Prize || got.Style != spec.Style {
		t.Errorf("edited spec %+v", got)
	}
}

// hangingArt never answers until its context ends: an image endpoint that
// hangs past the caller's deadline.
type hangingArt struct{ calls atomic.Int64 }

func (a *hangingArt) Name() string { return "openai:hanging" }
func (a *hangingArt) Background(ctx context.Context, _ PosterSpec, _ string) (image.Image, error) {
	a.calls.Add(1)
	<-ctx.Done()
	return nil, ctx.Err()
}

// The AI art hangs past the job's deadline: it is cut short in time for the
// built-in backgrounds, which render and upload on a budget of their own, so
// the posters exist and the deadline is kept. The budget is sized from a
// built-in render timed first on this machine (the race detector or a
// loaded box make it seconds), so the test checks the cut, not the speed.
func TestRenderArtHangsPastDeadline(t *testing.T) {
	t.Parallel()
	t0 := time.Now()
	if _, _, err := newTestService(t, nil).Render(context.Background(), uuid.New(), uuid.New(), "카페", SpecsFor(job()), nil); err != nil {
		t.Fatal(err)
	}
	builtin := time.Since(t0)
	art := &hangingArt{}
	svc := newTestService(t, art)
	svc.FallbackBudget = max(2*time.Second, 3*builtin)
	deadline := svc.FallbackBudget + 2*time.Second
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	posters, origin, err := svc.Render(ctx, uuid.New(), uuid.New(), "카페", SpecsFor(job()), nil)
	took := time.Since(start)
	if err != nil || len(posters) != 4 {
		t.Fatalf("after %v: %v, %d posters", took.Round(time.Millisecond), err, len(posters))
	}
	if origin.Generator != "builtin" || origin.FallbackReason != "AI image endpoint timed out" || art.calls.Load() != 1 {
		t.Errorf("origin %+v, %d art calls", origin, art.calls.Load())
	}
	if took >= deadline {
		t.Errorf("took %v, past the %v deadline", took, deadline)
	}
}
