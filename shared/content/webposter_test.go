package content

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"math"
	"math/rand"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	xdraw "golang.org/x/image/draw"
)

// photoBackdrop stands in for an AI backdrop: smooth colour fields with
// grain, which PNG compresses badly and JPEG well.
func photoBackdrop(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewSource(7))
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			n := r.Intn(24) - 12
			c := func(v float64) uint8 { return uint8(max(0, min(255, int(v)+n))) }
			img.SetRGBA(x, y, color.RGBA{c(120 + 100*math.Sin(6*fx)), c(90 + 80*math.Cos(5*fy)), c(140 + 60*math.Sin(4*(fx+fy))), 255})
		}
	}
	return img
}

// The entry page's poster: stored beside the original, at most 720 px wide
// and 150 KB, its recorded size that of the image a browser decodes, and
// still the same picture.
func TestWebPoster(t *testing.T) {
	t.Parallel()
	s := newTestService(t, nil)
	ctx := context.Background()
	eventID := uuid.New()
	tests := []struct {
		style         string
		w, h          int
		backdrop      bool
		wantW, wantH  int
		wantTypeOneOf string
	}{
		{StyleSimple, 1080, 1080, false, 720, 720, "image/jpeg image/png"},
		{StyleFancy, 1080, 1080, false, 720, 720, "image/jpeg image/png"},
		{StyleTrendy, 1080, 1080, false, 720, 720, "image/jpeg image/png"},
		{StyleSimple, 800, 600, false, 720, 540, "image/jpeg image/png"},
		{StyleTrendy, 800, 800, false, 720, 720, "image/jpeg image/png"},
		{StyleFancy, 1080, 1080, true, 720, 720, "image/jpeg"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s-%dx%d-backdrop=%v", tt.style, tt.w, tt.h, tt.backdrop), func(t *testing.T) {
			t.Parallel()
			var bg image.Image
			if tt.backdrop {
				bg = photoBackdrop(tt.w, tt.h)
			}
			rendered, original := render(t, s.renderer, cafeSpec(tt.style, tt.w, tt.h), bg)
			name := fmt.Sprintf("%s/%s-%s.png", eventID, uuid.NewString(), strings.ToLower(tt.style))
			srcURL, err := s.upload(ctx, name, rendered.PNG)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.WebPoster(ctx, eventID, srcURL)
			if err != nil {
				t.Fatalf("WebPoster: %v", err)
			}
			if got.Width != tt.wantW || got.Height != tt.wantH || !strings.HasPrefix(got.URL, strings.TrimSuffix(srcURL, ".png")+"-web") {
				t.Errorf("got %+v, want %dx%d beside %s", got, tt.wantW, tt.wantH, srcURL)
			}
			resp, err := http.Get(got.URL)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			ct := resp.Header.Get("Content-Type")
			if resp.StatusCode != 200 || !strings.Contains(tt.wantTypeOneOf, ct) || ct == "" || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
				t.Fatalf("GET %s: %d %q %q", got.URL, resp.StatusCode, ct, resp.Header.Get("Cache-Control"))
			}
			if len(body) > WebPosterMaxBytes {
				t.Errorf("%d bytes, over the %d budget", len(body), WebPosterMaxBytes)
			}
			img, format, err := image.Decode(bytes.NewReader(body))
			if err != nil || "image/"+format != ct {
				t.Fatalf("decode: %v (format %s, served as %s)", err, format, ct)
			}
			if b := img.Bounds(); b.Dx() != got.Width || b.Dy() != got.Height {
				t.Errorf("decoded %dx%d, recorded %dx%d", b.Dx(), b.Dy(), got.Width, got.Height)
			}
			// The same picture: close to the original scaled the same way.
			want := image.NewRGBA(image.Rect(0, 0, got.Width, got.Height))
			xdraw.CatmullRom.Scale(want, want.Bounds(), original, original.Bounds(), xdraw.Src, nil)
			gotRGBA := image.NewRGBA(img.Bounds())
			draw.Draw(gotRGBA, gotRGBA.Bounds(), img, img.Bounds().Min, draw.Src)
			if d := meanAbsDiff(want, gotRGBA); d > 6 {
				t.Errorf("mean difference %.1f from the scaled original", d)
			}
			// Making it again (a retried publish) lands on the same blob.
			again, err := s.WebPoster(ctx, eventID, srcURL)
			if err != nil || again != got {
				t.Errorf("second time: %+v %v, want %+v", again, err, got)
			}
		})
	}
}

func TestWebPosterRefusals(t *testing.T) {
	t.Parallel()
	s := newTestService(t, nil)
	ctx := context.Background()
	for _, tt := range []struct{ name, url, want string }{
		{"another host", "http://blob/a.png", "is not a poster of container"},
		{"the bare container", s.urlOf(""), "is not a poster of container"},
		{"missing blob", s.urlOf(uuid.NewString() + "/gone.png"), "download"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := s.WebPoster(ctx, uuid.New(), tt.url); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
	// A stored file that is not an image.
	srcURL, err := s.upload(ctx, uuid.NewString()+"/x.png", []byte("not a png"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WebPoster(ctx, uuid.New(), srcURL); err == nil || !strings.Contains(err.Error(), "decode") {
		t.Errorf("not an image: %v", err)
	}
}

// Small images are never scaled up, and an image no encoding can fit is
// refused rather than served over budget.
func TestEncodeWebPosterLimits(t *testing.T) {
	t.Parallel()
	small := image.NewRGBA(image.Rect(0, 0, 300, 200))
	draw.Draw(small, small.Bounds(), image.NewUniform(color.RGBA{200, 30, 30, 255}), image.Point{}, draw.Src)
	data, ext, w, h, err := EncodeWebPoster(small)
	if err != nil || w != 300 || h != 200 || ext != ".png" || len(data) > 2000 {
		t.Errorf("small flat image: %d bytes %s %dx%d %v (a flat image is smallest as PNG)", len(data), ext, w, h, err)
	}
	noise := image.NewRGBA(image.Rect(0, 0, 720, 2400))
	r := rand.New(rand.NewSource(1))
	for i := range noise.Pix {
		noise.Pix[i] = byte(r.Intn(256))
	}
	if data, _, _, _, err := EncodeWebPoster(noise); err == nil || !strings.Contains(err.Error(), "fits") {
		t.Errorf("720x2400 of noise: %d bytes, %v; want a refusal", len(data), err)
	}
	if _, _, _, _, err := EncodeWebPoster(image.NewRGBA(image.Rectangle{})); err == nil {
		t.Error("an empty image was encoded")
	}
}
