// Package content renders event posters for shop owners without any external
// service: a poster is laid out and drawn in Go with embedded Hangul fonts
// and returned as PNG bytes.
//
// The renderer is the dependable path. An AI-generated backdrop can be passed
// in and is drawn under the text, but the Korean text itself is always typeset
// here, because image models garble Hangul and the event name, prize and
// dates must be exactly right.
package content

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"image"
	"image/png"
	"strings"
	"sync"
)

// Style names accepted in PosterSpec.Style.
const (
	StyleSimple = "SIMPLE"
	StyleFancy  = "FANCY"
	StyleTrendy = "TRENDY"
)

// MaxPosterSide bounds Width and Height: large enough for any feed format,
// small enough that one render cannot exhaust memory (4096² RGBA is 64 MiB).
const MaxPosterSide = 4096

// DefaultCallToAction is shown when PosterSpec.CallToAction is empty, so a
// poster always tells customers what to do.
const DefaultCallToAction = "지금 바로 참여하세요!"

// PosterSpec is what a poster shows and how it looks.
type PosterSpec struct {
	Style           string // "SIMPLE", "FANCY" or "TRENDY"
	Platform        string // "INSTAGRAM", "NAVER" or "KAKAO" (informational)
	Width, Height   int    // INSTAGRAM 1080x1080, NAVER 800x600, KAKAO 800x800
	Title           string // the event name, may be up to ~60 Korean characters
	Prize           string // e.g. "아메리카노 1잔"
	Period          string // e.g. "2026.11.25 ~ 2026.12.10"
	StoreName       string
	CallToAction    string // e.g. "지금 참여하세요!"; empty means a default Korean CTA
	GuideText       string // optional extra line (participation guide)
	BrandColor      string // optional "#RRGGBB"; when set, the style's main/accent colour uses it
	BackgroundColor string // optional "#RRGGBB" override (from the poster editor)
	TextColor       string // optional "#RRGGBB" override
	AccentColor     string // optional "#RRGGBB" override
}

// PlatformSize returns the canvas size used for a platform's feed, so callers
// need not repeat the table: INSTAGRAM 1080x1080, NAVER 800x600, KAKAO 800x800.
func PlatformSize(platform string) (width, height int, ok bool) {
	switch strings.ToUpper(strings.TrimSpace(platform)) {
	case "INSTAGRAM":
		return 1080, 1080, true
	case "NAVER":
		return 800, 600, true
	case "KAKAO":
		return 800, 800, true
	}
	return 0, 0, false
}

// Validate reports what is wrong with a spec (unknown style, size not
// positive or over 4096, bad colour string) as an error naming the field.
// Render calls it first, so a bad spec fails loudly instead of producing a
// half-styled poster. Style names are matched case-insensitively.
func (s PosterSpec) Validate() error {
	var errs []error
	if styleOf(s.Style) == "" {
		errs = append(errs, fmt.Errorf("poster spec Style: unknown style %q (want SIMPLE, FANCY or TRENDY)", s.Style))
	}
	if s.Width <= 0 || s.Width > MaxPosterSide {
		errs = append(errs, fmt.Errorf("poster spec Width: %d is outside 1..%d", s.Width, MaxPosterSide))
	}
	if s.Height <= 0 || s.Height > MaxPosterSide {
		errs = append(errs, fmt.Errorf("poster spec Height: %d is outside 1..%d", s.Height, MaxPosterSide))
	}
	for _, f := range []struct{ name, value string }{
		{"BrandColor", s.BrandColor},
		{"BackgroundColor", s.BackgroundColor},
		{"TextColor", s.TextColor},
		{"AccentColor", s.AccentColor},
	} {
		if strings.TrimSpace(f.value) == "" {
			continue
		}
		if _, err := parseHex(f.value); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.name, err))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("content: invalid poster spec: %w", errors.Join(errs...))
}

func styleOf(s string) string {
	switch st := strings.ToUpper(strings.TrimSpace(s)); st {
	case StyleSimple, StyleFancy, StyleTrendy:
		return st
	}
	return ""
}

// TextBox is where one piece of text was drawn, so callers and tests can
// check nothing overflows.
type TextBox struct {
	Name     string          // "title", "prize", "period", "store", "cta", "guide"
	Rect     image.Rectangle // the union of the drawn lines' bounds, in canvas pixels
	FontSize float64         // points at 72 DPI (= pixels)
	Lines    []string
}

// Rendered is a finished poster.
type Rendered struct {
	PNG       []byte
	Width     int
	Height    int
	TextBoxes []TextBox
}

// Renderer draws posters with the embedded Hangul fonts. Safe for concurrent
// use: the parsed fonts are shared and read-only, while the font faces (which
// hold scratch buffers) are created per Render call.
type Renderer struct {
	fonts *fontSet
	// pngBuffers recycles the PNG encoder's scratch memory between renders.
	pngBuffers pngBufferPool
}

// NewRenderer parses the embedded fonts. It fails only if the embedded font
// files are corrupt.
func NewRenderer() (*Renderer, error) {
	fs, err := loadFonts()
	if err != nil {
		return nil, err
	}
	return &Renderer{fonts: fs}, nil
}

// Render draws the poster. background, when non-nil, is scaled to cover the
// canvas and drawn under the style's text layer (an AI-generated backdrop);
// when nil the style paints its own background.
func (r *Renderer) Render(spec PosterSpec, background image.Image) (Rendered, error) {
	c, err := r.paint(spec, background)
	if err != nil {
		return Rendered{}, err
	}
	var buf bytes.Buffer
	// BestSpeed: posters are re-rendered on every editor change, and a few
	// more kilobytes (a 1080² poster is ~60-300 KB) matter less than time.
	enc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &r.pngBuffers}
	if err := enc.Encode(&buf, c.img); err != nil {
		return Rendered{}, fmt.Errorf("content: encode poster png: %w", err)
	}
	return Rendered{PNG: buf.Bytes(), Width: spec.Width, Height: spec.Height, TextBoxes: c.boxes}, nil
}

// paint validates the spec and draws the poster into a canvas, without
// encoding it.
func (r *Renderer) paint(spec PosterSpec, background image.Image) (*canvas, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	fonts := r.fonts
	if fonts == nil { // a zero Renderer still works
		var err error
		if fonts, err = loadFonts(); err != nil {
			return nil, err
		}
	}
	if background != nil && background.Bounds().Empty() {
		background = nil
	}
	c := newCanvas(spec, fonts)
	switch styleOf(spec.Style) {
	case StyleSimple:
		c.renderSimple(spec, background)
	case StyleFancy:
		c.renderFancy(spec, background)
	case StyleTrendy:
		c.renderTrendy(spec, background)
	}
	return c, nil
}

// pngBufferPool implements png.EncoderBufferPool on a sync.Pool.
type pngBufferPool struct{ p sync.Pool }

func (p *pngBufferPool) Get() *png.EncoderBuffer {
	if b, ok := p.p.Get().(*png.EncoderBuffer); ok {
		return b
	}
	return nil
}

func (p *pngBufferPool) Put(b *png.EncoderBuffer) { p.p.Put(b) }

// canvas is the state of one render.
type canvas struct {
	img   *image.RGBA
	w, h  float64
	u     float64 // min(w, h): layout sizes are fractions of it so every format scales
	fonts *fontSet
	fc    *faceCache
	boxes []TextBox
	seed  uint64 // from the spec, for deterministic ornament placement
}

func newCanvas(spec PosterSpec, fonts *fontSet) *canvas {
	h := fnv.New64a()
	for _, s := range []string{spec.Style, spec.Title, spec.Prize, spec.Period, spec.StoreName} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	fmt.Fprintf(h, "%dx%d", spec.Width, spec.Height)
	w, ht := float64(spec.Width), float64(spec.Height)
	return &canvas{
		img:   image.NewRGBA(image.Rect(0, 0, spec.Width, spec.Height)),
		w:     w,
		h:     ht,
		u:     min(w, ht),
		fonts: fonts,
		fc:    newFaceCache(),
		seed:  h.Sum64(),
	}
}

func (c *canvas) fit(text string, ts textSpec) *textBlock { return c.fc.fit(text, ts) }

func callToAction(s PosterSpec) string {
	if strings.TrimSpace(s.CallToAction) == "" {
		return DefaultCallToAction
	}
	return s.CallToAction
}

// slot is one item of a vertical stack: a height, the gap above it, and
// where to store the top once the stack is placed. Items with zero height
// (an absent optional line) take no room and no gap.
type slot struct {
	h   float64
	gap float64
	y   *float64
}

// stackHeight is the total height of the present slots and their gaps.
func stackHeight(slots []slot) float64 {
	total, first := 0.0, true
	for _, s := range slots {
		if s.h <= 0 {
			continue
		}
		if !first {
			total += s.gap
		}
		total += s.h
		first = false
	}
	return total
}

// stack places slots top to bottom inside [top, bottom]; align 0 packs them
// at the top, 0.5 centres them and 1 packs them at the bottom.
func stack(top, bottom, align float64, slots ...slot) {
	y := top + (bottom-top-stackHeight(slots))*align
	first := true
	for _, s := range slots {
		if s.h <= 0 {
			continue
		}
		if !first {
			y += s.gap
		}
		*s.y = y
		y += s.h
		first = false
	}
}
