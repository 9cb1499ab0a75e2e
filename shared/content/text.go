package content

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"strings"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// hardMinSize is the floor below which text is never shrunk, even when a
// region is too small for a style's own minimum: below ~7 px Hangul is
// unreadable, so the block is dropped rather than drawn as noise.
const hardMinSize = 7.0

// ellipsis ends a truncated line. All embedded fonts have U+2026.
const ellipsis = "…"

// glyphInfo is one rune's horizontal metrics at one size, in pixels.
type glyphInfo struct {
	adv        float64 // pen advance
	minX, maxX float64 // ink extent relative to the pen position
}

// sizedFace is a font face at one size plus the metrics that wrapping asks
// for over and over. It belongs to a single render, like its font.Face.
type sizedFace struct {
	face    font.Face
	size    float64 // points at 72 DPI, i.e. pixels
	ascent  float64
	descent float64
	glyphs  map[rune]glyphInfo
	kerns   map[[2]rune]float64
}

func fx(v fixed.Int26_6) float64 { return float64(v) / 64 }

func (f *sizedFace) glyph(r rune) glyphInfo {
	if g, ok := f.glyphs[r]; ok {
		return g
	}
	b, adv, _ := f.face.GlyphBounds(r)
	g := glyphInfo{adv: fx(adv), minX: fx(b.Min.X), maxX: fx(b.Max.X)}
	f.glyphs[r] = g
	return g
}

func (f *sizedFace) kern(a, b rune) float64 {
	k := [2]rune{a, b}
	if v, ok := f.kerns[k]; ok {
		return v
	}
	v := fx(f.face.Kern(a, b))
	f.kerns[k] = v
	return v
}

// extent measures s as drawLine would draw it. left is how far ink reaches
// before the pen start (<= 0) and right how far ink or advance reaches after
// it, so right-left is the width the line really occupies.
func (f *sizedFace) extent(s string, track float64) (left, right float64) {
	x := 0.0
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			x += f.kern(prev, r) + track
		}
		g := f.glyph(r)
		left = min(left, x+g.minX)
		right = max(right, x+g.maxX)
		x += g.adv
		prev = r
	}
	return left, max(right, x)
}

func (f *sizedFace) width(s string, track float64) float64 {
	l, r := f.extent(s, track)
	return r - l
}

// faceCache makes and remembers faces for one render. opentype faces carry
// scratch buffers and must not be shared between goroutines, so every
// Render call gets its own cache while the parsed fonts are shared.
type faceCache struct {
	faces map[faceKey]*sizedFace
	buf   sfnt.Buffer
}

type faceKey struct {
	f    *opentype.Font
	size float64
}

func newFaceCache() *faceCache {
	return &faceCache{faces: make(map[faceKey]*sizedFace)}
}

func (fc *faceCache) get(f *opentype.Font, size float64) *sizedFace {
	// Quarter-pixel steps are finer than anyone can see and keep the number
	// of faces built while shrinking text small.
	size = math.Round(size*4) / 4
	key := faceKey{f, size}
	if sf, ok := fc.faces[key]; ok {
		return sf
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		// NewFace only fails on invalid options, which we never pass.
		panic("content: opentype.NewFace: " + err.Error())
	}
	m := face.Metrics()
	sf := &sizedFace{
		face:    face,
		size:    size,
		ascent:  fx(m.Ascent),
		descent: fx(m.Descent),
		glyphs:  make(map[rune]glyphInfo),
		kerns:   make(map[[2]rune]float64),
	}
	fc.faces[key] = sf
	return sf
}

// clean prepares user text for one font: every run of white space (including
// new lines) becomes a single space, and runes the font has no glyph for
// (emoji, rare symbols) are dropped, because a missing glyph would render as
// an empty box on a poster a shop owner is about to publish.
func (fc *faceCache) clean(f *opentype.Font, s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if unicode.IsControl(r) {
			continue
		}
		if idx, err := f.GlyphIndex(&fc.buf, r); err != nil || idx == 0 {
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// textSpec says how a piece of text may be set: the box it must fit in and
// the size range it may use.
type textSpec struct {
	font     *opentype.Font
	maxSize  float64 // preferred size; text only shrinks from here
	minSize  float64 // smallest size before truncation kicks in
	maxW     float64 // widest a line may be
	maxH     float64 // tallest the block may be
	maxLines int
	leading  float64 // line pitch as a multiple of the font size
	tracking float64 // extra space between characters, in em
	balance  bool    // even out line lengths (titles)
}

// textBlock is text that has been fitted: its size, lines and extent.
type textBlock struct {
	face          *sizedFace
	lines         []string
	lefts, rights []float64 // per-line extents from extent()
	pitch         float64   // baseline-to-baseline distance
	track         float64   // tracking in pixels
	w, h          float64   // the block's width and height
}

// height is the height of a possibly absent block, so layouts can treat a
// missing optional line as taking no room.
func (b *textBlock) height() float64 {
	if b == nil {
		return 0
	}
	return b.h
}

func (b *textBlock) width() float64 {
	if b == nil {
		return 0
	}
	return b.w
}

// fit sets text inside ts's box. It starts at the preferred size and steps
// down until the wrapped text fits; if even the minimum size does not fit it
// keeps as many lines as fit and ends the last with an ellipsis. The result
// never exceeds maxW x maxH. It returns nil for empty text or when not even
// one line fits at hardMinSize.
func (fc *faceCache) fit(text string, ts textSpec) *textBlock {
	text = fc.clean(ts.font, text)
	if text == "" || ts.maxW <= 0 || ts.maxH <= 0 {
		return nil
	}
	ts.maxLines = max(ts.maxLines, 1)
	ts.minSize = max(min(ts.minSize, ts.maxSize), hardMinSize)
	ts.maxSize = max(ts.maxSize, ts.minSize)
	if ts.leading <= 0 {
		ts.leading = 1.2
	}

	for size := ts.maxSize; ; {
		b := fc.layout(text, ts, size, nil)
		if len(b.lines) <= ts.maxLines && b.h <= ts.maxH && b.w <= ts.maxW {
			if ts.balance && len(b.lines) > 1 {
				b = fc.layout(text, ts, size, balanceLines(b.face, text, ts.maxW, b.track, len(b.lines)))
			}
			return b
		}
		if size <= ts.minSize {
			break
		}
		// 6% steps: small enough that the chosen size is close to the
		// largest that fits, large enough to need only a dozen tries.
		size = max(ts.minSize, size*0.94)
	}

	// Not even the minimum size fits everything: truncate. If the box cannot
	// hold a single line at the minimum, go smaller rather than overflow.
	for size := ts.minSize; size >= hardMinSize; size *= 0.9 {
		f := fc.get(ts.font, size)
		lineH := f.ascent + f.descent
		if lineH > ts.maxH {
			continue
		}
		n := min(ts.maxLines, int((ts.maxH-lineH)/(f.size*ts.leading))+1)
		b := fc.layout(text, ts, size, nil)
		if len(b.lines) > n {
			lines := truncateLines(f, b.lines[:n], ts.maxW, b.track)
			if lines == nil {
				continue
			}
			b = fc.layout(text, ts, size, lines)
		}
		if b.h <= ts.maxH && b.w <= ts.maxW {
			return b
		}
	}
	return nil
}

// layout wraps text at one size (or uses the given lines) and measures it.
func (fc *faceCache) layout(text string, ts textSpec, size float64, lines []string) *textBlock {
	f := fc.get(ts.font, size)
	track := ts.tracking * f.size
	if lines == nil {
		lines = wrapText(f, text, ts.maxW, track)
	}
	b := &textBlock{face: f, lines: lines, pitch: f.size * ts.leading, track: track}
	for _, line := range lines {
		l, r := f.extent(line, track)
		b.lefts = append(b.lefts, l)
		b.rights = append(b.rights, r)
		b.w = max(b.w, r-l)
	}
	b.h = f.ascent + f.descent + float64(len(lines)-1)*b.pitch
	return b
}

// wrapText breaks text into lines no wider than maxW. It breaks between
// words where it can; a word that is wider than a whole line (usual for
// Korean written without spaces) is broken between characters, which is
// acceptable in Korean typesetting.
func wrapText(f *sizedFace, text string, maxW, track float64) []string {
	var lines []string
	line := ""
	flush := func() {
		if s := strings.TrimRight(line, " "); s != "" {
			lines = append(lines, s)
		}
		line = ""
	}
	for _, word := range strings.Fields(text) {
		cand := word
		if line != "" {
			cand = line + " " + word
		}
		if f.width(cand, track) <= maxW {
			line = cand
			continue
		}
		if f.width(word, track) <= maxW {
			flush()
			line = word
			continue
		}
		// Too wide for any line: fill the current line character by
		// character, then continue on new lines.
		if line != "" {
			line += " "
		}
		for _, r := range word {
			cand := line + string(r)
			if strings.TrimSpace(line) != "" && f.width(cand, track) > maxW {
				flush()
				cand = string(r)
			}
			line = cand
		}
	}
	flush()
	return lines
}

// balanceLines re-wraps text into n lines of similar length by finding the
// narrowest width that still needs only n lines. A two-line title of
// "가을맞이 단골 / 감사 이벤트" looks far better than one long line over a
// short orphan. The width never drops below the widest word, so balancing
// does not split words that would otherwise stay whole.
func balanceLines(f *sizedFace, text string, maxW, track float64, n int) []string {
	lo := 0.0
	widest := 0.0
	for _, w := range strings.Fields(text) {
		widest = max(widest, f.width(w, track))
	}
	if widest <= maxW {
		lo = widest
	}
	hi := maxW
	best := wrapText(f, text, hi, track)
	for range 12 {
		mid := (lo + hi) / 2
		if l := wrapText(f, text, mid, track); len(l) <= n {
			hi, best = mid, l
		} else {
			lo = mid
		}
	}
	return best
}

// truncateLines ends the kept lines with an ellipsis, removing characters
// from the last line until it fits. It returns nil if not even the ellipsis
// fits.
func truncateLines(f *sizedFace, kept []string, maxW, track float64) []string {
	lines := append([]string(nil), kept...)
	last := []rune(lines[len(lines)-1])
	for {
		cand := strings.TrimRight(string(last), " ") + ellipsis
		if f.width(cand, track) <= maxW {
			lines[len(lines)-1] = cand
			return lines
		}
		if len(last) == 0 {
			return nil
		}
		last = last[:len(last)-1]
	}
}

type alignment int

const (
	alignLeft alignment = iota
	alignCenter
)

// drawBlock draws a fitted block with its top edge at top. x is the left
// edge or the centre depending on align. When name is not empty the block
// is recorded as a TextBox. It returns the drawn bounds: the union of each
// line's box (pen extent x ascent+descent) and every glyph's pixels.
func (c *canvas) drawBlock(name string, b *textBlock, x, top float64, align alignment, col color.Color) image.Rectangle {
	if b == nil {
		return image.Rectangle{}
	}
	src := image.NewUniform(col)
	var bounds image.Rectangle
	for i, line := range b.lines {
		base := top + b.face.ascent + float64(i)*b.pitch
		var ox float64
		switch align {
		case alignLeft:
			ox = x - b.lefts[i]
		case alignCenter:
			ox = x - (b.lefts[i]+b.rights[i])/2
		}
		drawn := c.drawLine(b.face, line, ox, base, b.track, src)
		box := image.Rect(
			int(math.Floor(ox+b.lefts[i])), int(math.Floor(base-b.face.ascent)),
			int(math.Ceil(ox+b.rights[i])), int(math.Ceil(base+b.face.descent)),
		)
		bounds = bounds.Union(box.Union(drawn))
	}
	if name != "" {
		c.boxes = append(c.boxes, TextBox{
			Name:     name,
			Rect:     bounds,
			FontSize: b.face.size,
			Lines:    append([]string(nil), b.lines...),
		})
	}
	return bounds
}

// drawLine draws one line with its pen starting at (x, baseline) and returns
// the pixels the glyphs touched.
func (c *canvas) drawLine(f *sizedFace, s string, x, baseline, track float64, src image.Image) image.Rectangle {
	var drawn image.Rectangle
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			x += f.kern(prev, r) + track
		}
		dot := fixed.Point26_6{X: fixed.Int26_6(math.Round(x * 64)), Y: fixed.Int26_6(math.Round(baseline * 64))}
		dr, mask, mp, _, ok := f.face.Glyph(dot, r)
		if ok && !dr.Empty() {
			draw.DrawMask(c.img, dr, src, image.Point{}, mask, mp, draw.Over)
			drawn = drawn.Union(dr)
		}
		x += f.glyph(r).adv
		prev = r
	}
	return drawn
}
