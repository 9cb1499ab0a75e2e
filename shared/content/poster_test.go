package content

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

var (
	styles    = []string{StyleSimple, StyleFancy, StyleTrendy}
	platforms = []struct {
		name string
		w, h int
	}{
		{"INSTAGRAM", 1080, 1080},
		{"NAVER", 800, 600},
		{"KAKAO", 800, 800},
	}
)

func newTestRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := NewRenderer()
	if err != nil {
		t.Fatalf("NewRenderer: %v", err)
	}
	return r
}

// cafeSpec is a realistic small-shop event.
func cafeSpec(style string, w, h int) PosterSpec {
	return PosterSpec{
		Style:     style,
		Platform:  "INSTAGRAM",
		Width:     w,
		Height:    h,
		Title:     "가을맞이 단골 감사 이벤트",
		Prize:     "시그니처 라떼 1잔 + 디저트",
		Period:    "2026.11.25 ~ 2026.12.10",
		StoreName: "민수네 카페",
		GuideText: "매장 QR을 찍고 전화번호만 남기면 자동 응모!",
	}
}

func render(t testing.TB, r *Renderer, spec PosterSpec, bg image.Image) (Rendered, *image.RGBA) {
	t.Helper()
	out, err := r.Render(spec, bg)
	if err != nil {
		t.Fatalf("Render(%s %dx%d): %v", spec.Style, spec.Width, spec.Height, err)
	}
	img, err := png.Decode(bytes.NewReader(out.PNG))
	if err != nil {
		t.Fatalf("decode png: %v", err)
	}
	rgba, ok := img.(*image.RGBA)
	if !ok {
		rgba = image.NewRGBA(img.Bounds())
		draw.Draw(rgba, rgba.Bounds(), img, img.Bounds().Min, draw.Src)
	}
	return out, rgba
}

// meanAbsDiff is the mean absolute per-channel difference on a 0..255 scale.
func meanAbsDiff(a, b *image.RGBA) float64 {
	var sum uint64
	for i := 0; i < len(a.Pix); i += 4 {
		for k := range 3 {
			d := int(a.Pix[i+k]) - int(b.Pix[i+k])
			sum += uint64(max(d, -d))
		}
	}
	return float64(sum) / float64(len(a.Pix)/4*3)
}

func TestRenderAllStylesAndPlatforms(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	for _, st := range styles {
		for _, pf := range platforms {
			t.Run(st+"_"+pf.name, func(t *testing.T) {
				t.Parallel()
				spec := cafeSpec(st, pf.w, pf.h)
				spec.Platform = pf.name
				out, img := render(t, r, spec, nil)
				if got := img.Bounds().Size(); got != image.Pt(pf.w, pf.h) {
					t.Fatalf("decoded size %v, want %dx%d", got, pf.w, pf.h)
				}
				if out.Width != pf.w || out.Height != pf.h {
					t.Fatalf("Rendered size %dx%d, want %dx%d", out.Width, out.Height, pf.w, pf.h)
				}
				// Render is paint plus encoding: the boxes must match, which
				// lets the overflow test skip the (slow under -race) encoder.
				c, err := r.paint(spec, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(c.boxes, out.TextBoxes) {
					t.Errorf("paint boxes %v != Render boxes %v", c.boxes, out.TextBoxes)
				}
				if !bytes.Equal(c.img.Pix, img.Pix) {
					t.Error("decoded PNG differs from the painted canvas")
				}
				names := map[string]bool{}
				for _, b := range out.TextBoxes {
					names[b.Name] = true
				}
				for _, want := range []string{"title", "prize", "period", "store", "cta", "guide"} {
					if !names[want] {
						t.Errorf("no %q text box; got %v", want, out.TextBoxes)
					}
				}
			})
		}
	}
}

func TestStylesDifferClearly(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	for _, pf := range platforms {
		imgs := map[string]*image.RGBA{}
		for _, st := range styles {
			_, imgs[st] = render(t, r, cafeSpec(st, pf.w, pf.h), nil)
		}
		for i, a := range styles {
			for _, b := range styles[i+1:] {
				d := meanAbsDiff(imgs[a], imgs[b])
				t.Logf("%s %dx%d: %s vs %s mean abs diff = %.1f", pf.name, pf.w, pf.h, a, b, d)
				if d <= 25 {
					t.Errorf("%s vs %s differ by only %.1f (want > 25)", a, b, d)
				}
			}
		}
	}
}

func TestLongTitlesNeverOverflow(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	titles := map[string]string{
		"nospace": strings.Repeat("가나다라마바사아자차", 6),
		"spaces":  strings.TrimSpace(strings.Repeat("가을맞이 단골 감사 이벤트 ", 5)),
		// Long everything, to stress the vertical budget as well.
		"allLong": strings.Repeat("가나다라마바사아자차", 6),
	}
	for name, title := range titles {
		for _, st := range styles {
			for _, pf := range platforms {
				t.Run(fmt.Sprintf("%s_%s_%s", name, st, pf.name), func(t *testing.T) {
					t.Parallel()
					spec := cafeSpec(st, pf.w, pf.h)
					spec.Title = title
					if name == "allLong" {
						spec.Prize = strings.Repeat("시그니처 라떼와 수제 디저트 세트 ", 4)
						spec.Period = strings.Repeat("2026.11.25 ~ 2026.12.10 ", 4)
						spec.StoreName = strings.Repeat("민수네카페", 8)
						spec.CallToAction = strings.Repeat("지금 바로 참여하세요 ", 5)
						spec.GuideText = strings.Repeat("매장 QR을 찍고 전화번호만 남기면 자동 응모! ", 6)
					}
					// paint is Render without the PNG encoding (which
					// dominates the run time under -race); the text boxes
					// are the same.
					c, err := r.paint(spec, nil)
					if err != nil {
						t.Fatal(err)
					}
					boxes := c.boxes
					canvas := image.Rect(0, 0, pf.w, pf.h)
					var title *TextBox
					for i, a := range boxes {
						if a.Name == "title" {
							title = &boxes[i]
						}
						if a.Rect.Empty() || !a.Rect.In(canvas) {
							t.Errorf("%s box %v is outside the canvas %v", a.Name, a.Rect, canvas)
						}
						for _, b := range boxes[i+1:] {
							if a.Rect.Overlaps(b.Rect) {
								t.Errorf("%s box %v overlaps %s box %v", a.Name, a.Rect, b.Name, b.Rect)
							}
						}
					}
					if title == nil {
						t.Fatalf("no title box in %v", boxes)
					}
					if len(title.Lines) < 2 {
						t.Errorf("long title was not wrapped: %q", title.Lines)
					}
				})
			}
		}
	}
}

func TestBrandColorIsUsed(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	spec := cafeSpec(StyleSimple, 1080, 1080)
	spec.BrandColor = "#FF5733"
	_, orange := render(t, r, spec, nil)
	spec.BrandColor = "#3366FF"
	_, blue := render(t, r, spec, nil)

	d := meanAbsDiff(orange, blue)
	t.Logf("SIMPLE #FF5733 vs #3366FF: mean abs diff = %.2f", d)
	if d == 0 {
		t.Fatal("brand colour had no effect")
	}
	for _, tc := range []struct {
		img  *image.RGBA
		want color.RGBA
	}{
		{orange, color.RGBA{0xFF, 0x57, 0x33, 0xFF}},
		{blue, color.RGBA{0x33, 0x66, 0xFF, 0xFF}},
	} {
		if n := countNear(tc.img, tc.want, 6); n < 500 {
			t.Errorf("brand colour %v appears in only %d pixels", tc.want, n)
		} else {
			t.Logf("brand colour %v appears in %d pixels", tc.want, n)
		}
	}
}

func countNear(img *image.RGBA, c color.RGBA, tol int) int {
	n := 0
	near := func(a, b uint8) bool { d := int(a) - int(b); return d <= tol && d >= -tol }
	for i := 0; i < len(img.Pix); i += 4 {
		if near(img.Pix[i], c.R) && near(img.Pix[i+1], c.G) && near(img.Pix[i+2], c.B) {
			n++
		}
	}
	return n
}

func TestEditorBackgroundOverride(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	spec := cafeSpec(StyleSimple, 800, 800)
	spec.BrandColor = "#3366FF" // the editor override must still win
	spec.BackgroundColor = "#000000"
	out, img := render(t, r, spec, nil)
	for _, p := range []image.Point{{0, 0}, {799, 0}, {0, 799}, {799, 799}} {
		c := img.RGBAAt(p.X, p.Y)
		if c.R > 16 || c.G > 16 || c.B > 16 {
			t.Errorf("corner %v is %v, want black-ish", p, c)
		}
	}
	// With no TextColor the renderer must switch to light text on black:
	// the title box should contain bright pixels.
	for _, b := range out.TextBoxes {
		if b.Name != "title" {
			continue
		}
		bright := 0
		for y := b.Rect.Min.Y; y < b.Rect.Max.Y; y++ {
			for x := b.Rect.Min.X; x < b.Rect.Max.X; x++ {
				if c := img.RGBAAt(x, y); c.R > 200 && c.G > 200 && c.B > 200 {
					bright++
				}
			}
		}
		if bright == 0 {
			t.Error("title is not readable on a black background")
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	good := cafeSpec(StyleFancy, 800, 600)
	if err := good.Validate(); err != nil {
		t.Fatalf("valid spec rejected: %v", err)
	}
	for _, tc := range []struct {
		name  string
		edit  func(*PosterSpec)
		field string
	}{
		{"unknown style", func(s *PosterSpec) { s.Style = "RETRO" }, "Style"},
		{"zero width", func(s *PosterSpec) { s.Width = 0 }, "Width"},
		{"zero height", func(s *PosterSpec) { s.Height = 0 }, "Height"},
		{"too wide", func(s *PosterSpec) { s.Width = 5000 }, "Width"},
		{"named colour", func(s *PosterSpec) { s.BrandColor = "red" }, "BrandColor"},
		{"bad hex", func(s *PosterSpec) { s.TextColor = "#12345G" }, "TextColor"},
		{"no hash", func(s *PosterSpec) { s.AccentColor = "FF0000" }, "AccentColor"},
	} {
		s := good
		tc.edit(&s)
		err := s.Validate()
		if err == nil {
			t.Errorf("%s: Validate accepted %+v", tc.name, s)
			continue
		}
		if !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: error %q does not name %s", tc.name, err, tc.field)
		}
		if _, rerr := newTestRenderer(t).Render(s, nil); rerr == nil {
			t.Errorf("%s: Render accepted an invalid spec", tc.name)
		}
	}
}

func TestTitleWraps(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	spec := cafeSpec(StyleSimple, 1080, 1080)
	spec.Title = "가을맞이 단골 고객님께 드리는 특별한 감사 이벤트 한정 수량"
	out, err := r.Render(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range out.TextBoxes {
		if b.Name == "title" {
			t.Logf("title at %.1fpx: %q", b.FontSize, b.Lines)
			if len(b.Lines) < 2 {
				t.Errorf("long title drawn on %d line(s): %q", len(b.Lines), b.Lines)
			}
			if got := strings.Join(b.Lines, " "); got != spec.Title {
				t.Errorf("wrapped title %q lost text from %q", got, spec.Title)
			}
			return
		}
	}
	t.Fatal("no title box")
}

// gradientImage is a stand-in for an AI-generated backdrop.
func gradientImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetRGBA(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 160, 255})
		}
	}
	return img
}

func TestBackgroundImageIsUsed(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	for _, st := range styles {
		spec := cafeSpec(st, 800, 600)
		_, plain := render(t, r, spec, nil)
		for name, bg := range map[string]image.Image{
			"uniform":  image.NewUniform(color.RGBA{20, 160, 90, 255}),
			"gradient": gradientImage(640, 960), // portrait source: cropped to cover
		} {
			_, withBG := render(t, r, spec, bg)
			d := meanAbsDiff(plain, withBG)
			t.Logf("%s with %s background: mean abs diff = %.1f", st, name, d)
			if d < 3 {
				t.Errorf("%s: %s background barely changed the poster (%.1f)", st, name, d)
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	for _, st := range styles {
		a, err := r.Render(cafeSpec(st, 800, 800), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := r.Render(cafeSpec(st, 800, 800), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.PNG, b.PNG) {
			t.Errorf("%s: two renders of the same spec differ", st)
		}
	}
}

func TestConcurrentRenders(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	want, err := r.Render(cafeSpec(StyleFancy, 800, 600), nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			got, err := r.Render(cafeSpec(StyleFancy, 800, 600), nil)
			if err != nil {
				t.Error(err)
				return
			}
			if !bytes.Equal(got.PNG, want.PNG) {
				t.Error("concurrent render differs")
			}
		})
	}
	wg.Wait()
}

func TestEmptyOptionalFields(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	for _, st := range styles {
		out, err := r.Render(PosterSpec{Style: strings.ToLower(st), Width: 800, Height: 600, Title: "🎉 오픈 이벤트"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, b := range out.TextBoxes {
			names = append(names, b.Name)
			if b.Name == "title" && strings.Join(b.Lines, "") != "오픈 이벤트" {
				t.Errorf("%s: emoji not dropped: %q", st, b.Lines)
			}
			if b.Name == "cta" && strings.Join(b.Lines, "") != DefaultCallToAction {
				t.Errorf("%s: default CTA not used: %q", st, b.Lines)
			}
		}
		if strings.Join(names, ",") != "title,cta" {
			t.Errorf("%s: got boxes %v, want title and cta", st, names)
		}
	}
}

// renderSet renders one poster per style and platform, as the API does when
// a shop owner asks for every variant.
func renderSet(tb testing.TB, r *Renderer) {
	for _, st := range styles {
		for _, pf := range platforms {
			if _, err := r.Render(cafeSpec(st, pf.w, pf.h), nil); err != nil {
				tb.Fatal(err)
			}
		}
	}
}

// BenchmarkRenderSet times a set; TestRenderAllStylesAndPlatforms checks
// the same renders. A wall-clock figure belongs to benchmarks (and to
// `make bench`'s posters suite), not to a test that could only log it.
func BenchmarkRenderSet(b *testing.B) {
	r := newTestRenderer(b)
	for b.Loop() {
		renderSet(b, r)
	}
}

// TestWriteSamples writes the README sample posters. Run it on purpose:
//
//	WRITE_POSTER_SAMPLES=1 go test -run TestWriteSamples ./shared/content/
//
// POSTER_SAMPLE_DIR overrides the output directory (default docs/posters).
func TestWriteSamples(t *testing.T) {
	if os.Getenv("WRITE_POSTER_SAMPLES") == "" {
		t.Skip("set WRITE_POSTER_SAMPLES=1 to write the sample posters")
	}
	dir := os.Getenv("POSTER_SAMPLE_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "docs", "posters")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := newTestRenderer(t)
	write := func(name string, spec PosterSpec, bg image.Image) {
		out, err := r.Render(spec, bg)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), out.PNG, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", filepath.Join(dir, name), len(out.PNG))
	}
	simple := cafeSpec(StyleSimple, 1080, 1080)
	simple.CallToAction = "지금 참여하세요!"
	write("simple.png", simple, nil)
	fancy := cafeSpec(StyleFancy, 1080, 1080)
	write("fancy.png", fancy, nil)
	trendy := cafeSpec(StyleTrendy, 1080, 1080)
	trendy.BrandColor = "#FF5733"
	trendy.CallToAction = "지금 참여하세요"
	write("trendy.png", trendy, nil)

	if os.Getenv("POSTER_SAMPLE_EXTRA") != "" {
		long := strings.Repeat("가나다라마바사아자차", 6)
		for _, st := range styles {
			for _, pf := range platforms {
				spec := cafeSpec(st, pf.w, pf.h)
				write(fmt.Sprintf("%s_%s.png", strings.ToLower(st), strings.ToLower(pf.name)), spec, nil)
				spec.Title = long
				write(fmt.Sprintf("long_%s_%s.png", strings.ToLower(st), strings.ToLower(pf.name)), spec, nil)
				spec.Title = strings.TrimSpace(strings.Repeat("가을맞이 단골 감사 이벤트 ", 5))
				write(fmt.Sprintf("longsp_%s_%s.png", strings.ToLower(st), strings.ToLower(pf.name)), spec, nil)
			}
			spec := cafeSpec(st, 1080, 1080)
			write(fmt.Sprintf("bg_%s.png", strings.ToLower(st)), spec, gradientImage(900, 1200))
			spec.BrandColor = "#2E7D32"
			write(fmt.Sprintf("brand_%s.png", strings.ToLower(st)), spec, nil)

			spec = cafeSpec(st, 800, 600)
			spec.Title = long
			spec.Prize = strings.Repeat("시그니처 라떼와 수제 디저트 세트 ", 4)
			spec.Period = strings.Repeat("2026.11.25 ~ 2026.12.10 ", 4)
			spec.StoreName = strings.Repeat("민수네카페", 8)
			spec.CallToAction = strings.Repeat("지금 바로 참여하세요 ", 5)
			spec.GuideText = strings.Repeat("매장 QR을 찍고 전화번호만 남기면 자동 응모! ", 6)
			write(fmt.Sprintf("alllong_%s.png", strings.ToLower(st)), spec, nil)

			spec = cafeSpec(st, 800, 800)
			spec.GuideText = ""
			spec.BackgroundColor = "#101820"
			spec.AccentColor = "#F2AA4C"
			write(fmt.Sprintf("editor_%s.png", strings.ToLower(st)), spec, nil)
		}
	}
}

// Odd sizes must not panic and must still keep text inside the canvas (text
// that cannot fit at a legible size is left out rather than overflowing).
func TestExtremeSizes(t *testing.T) {
	t.Parallel()
	r := newTestRenderer(t)
	for _, size := range []image.Point{{1, 1}, {40, 40}, {120, 40}, {40, 500}, {1600, 240}, {300, 1200}} {
		for _, st := range styles {
			spec := cafeSpec(st, size.X, size.Y)
			spec.Title = strings.Repeat("가나다라마바사아자차", 6)
			c, err := r.paint(spec, nil)
			if err != nil {
				t.Fatalf("%s %v: %v", st, size, err)
			}
			canvas := image.Rect(0, 0, size.X, size.Y)
			for i, a := range c.boxes {
				if !a.Rect.In(canvas) {
					t.Errorf("%s %v: %s box %v outside the canvas", st, size, a.Name, a.Rect)
				}
				for _, b := range c.boxes[i+1:] {
					if a.Rect.Overlaps(b.Rect) {
						t.Errorf("%s %v: %s box %v overlaps %s box %v", st, size, a.Name, a.Rect, b.Name, b.Rect)
					}
				}
			}
		}
	}
}
