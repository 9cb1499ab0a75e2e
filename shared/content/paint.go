package content

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strconv"
	"strings"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/vector"
)

// ---- colours ----

// parseHex parses "#RRGGBB" (or the short "#RGB"). Posters are opaque, so
// there is no alpha form.
func parseHex(s string) (color.RGBA, error) {
	h := strings.TrimSpace(s)
	if !strings.HasPrefix(h, "#") {
		return color.RGBA{}, fmt.Errorf("%q is not a #RRGGBB colour", s)
	}
	h = h[1:]
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	if len(h) != 6 {
		return color.RGBA{}, fmt.Errorf("%q is not a #RRGGBB colour", s)
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return color.RGBA{}, fmt.Errorf("%q is not a #RRGGBB colour", s)
	}
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 255}, nil
}

// optColor returns the parsed colour and whether s was set. Validate has
// already rejected malformed strings, so errors cannot happen here.
func optColor(s string) (color.RGBA, bool) {
	if strings.TrimSpace(s) == "" {
		return color.RGBA{}, false
	}
	c, err := parseHex(s)
	return c, err == nil
}

func rgb(v uint32) color.RGBA {
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 255}
}

// mix blends a towards b: t=0 is a, t=1 is b.
func mix(a, b color.RGBA, t float64) color.RGBA {
	l := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*t)) }
	return color.RGBA{R: l(a.R, b.R), G: l(a.G, b.G), B: l(a.B, b.B), A: 255}
}

// alpha returns c at the given opacity (0..1) for drawing over something.
func alpha(c color.RGBA, a float64) color.NRGBA {
	return color.NRGBA{R: c.R, G: c.G, B: c.B, A: uint8(math.Round(255 * math.Max(0, math.Min(1, a))))}
}

var (
	white = rgb(0xFFFFFF)
	black = rgb(0x000000)
)

// luminance is the WCAG relative luminance.
func luminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// contrast is the WCAG contrast ratio, 1 (none) to 21 (black on white).
func contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// readable returns preferred when it reads well on bg, otherwise whichever of
// the fallbacks contrasts most. Styles use it so that a brand or editor
// colour never leaves text invisible on its background.
func readable(bg, preferred color.RGBA, minRatio float64, fallbacks ...color.RGBA) color.RGBA {
	if contrast(bg, preferred) >= minRatio {
		return preferred
	}
	best := preferred
	for _, f := range fallbacks {
		if contrast(bg, f) > contrast(bg, best) {
			best = f
		}
	}
	return best
}

// withLightness keeps c's hue and saturation but sets its HSL lightness. It
// turns any brand colour into a deep shade that light text reads on.
func withLightness(c color.RGBA, l float64) color.RGBA {
	r, g, b := float64(c.R)/255, float64(c.G)/255, float64(c.B)/255
	mx, mn := max(r, g, b), min(r, g, b)
	h, s := 0.0, 0.0
	if d := mx - mn; d > 0 {
		ol := (mx + mn) / 2
		if ol > 0.5 {
			s = d / (2 - mx - mn)
		} else {
			s = d / (mx + mn)
		}
		switch mx {
		case r:
			h = math.Mod((g-b)/d+6, 6)
		case g:
			h = (b-r)/d + 2
		default:
			h = (r-g)/d + 4
		}
		h /= 6
	}
	q := l * (1 + s)
	if l >= 0.5 {
		q = l + s - l*s
	}
	p := 2*l - q
	hue := func(t float64) float64 {
		t = math.Mod(t+1, 1)
		switch {
		case t < 1.0/6:
			return p + (q-p)*6*t
		case t < 0.5:
			return q
		case t < 2.0/3:
			return p + (q-p)*(2.0/3-t)*6
		}
		return p
	}
	to8 := func(v float64) uint8 { return uint8(math.Round(255 * math.Max(0, math.Min(1, v)))) }
	return color.RGBA{R: to8(hue(h + 1.0/3)), G: to8(hue(h)), B: to8(hue(h - 1.0/3)), A: 255}
}

// ---- backgrounds ----

// fillAll paints the whole canvas one colour.
func fillAll(img *image.RGBA, c color.RGBA) {
	draw.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{}, draw.Src)
}

// fillRect blends c (which may be translucent) over r.
func fillRect(img *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(img, r.Intersect(img.Bounds()), image.NewUniform(c), image.Point{}, draw.Over)
}

// radialGradient paints inner at (cx, cy) fading to outer at radius and
// beyond, eased so the falloff looks like light rather than a cone.
func radialGradient(img *image.RGBA, cx, cy, radius float64, inner, outer color.RGBA) {
	b := img.Bounds()
	// A 256-step lookup table avoids a colour mix per pixel.
	var lut [256]color.RGBA
	for i := range lut {
		t := float64(i) / 255
		lut[i] = mix(inner, outer, t*t*(3-2*t))
	}
	inv := 1 / radius
	for y := b.Min.Y; y < b.Max.Y; y++ {
		dy := (float64(y) + 0.5 - cy) * inv
		off := img.PixOffset(b.Min.X, y)
		for x := b.Min.X; x < b.Max.X; x++ {
			dx := (float64(x) + 0.5 - cx) * inv
			d := math.Sqrt(dx*dx + dy*dy)
			c := lut[int(math.Min(d, 1)*255)]
			img.Pix[off], img.Pix[off+1], img.Pix[off+2], img.Pix[off+3] = c.R, c.G, c.B, 255
			off += 4
		}
	}
}

// drawCover scales src to cover the whole canvas, cropping the overflow
// evenly on both sides, the way CSS background-size: cover does. It is drawn
// over what is already there so a transparent backdrop shows the style's own
// background through.
func drawCover(dst *image.RGBA, src image.Image) {
	db := dst.Bounds()
	sb := src.Bounds()
	// Unbounded sources such as image.Uniform have nothing to scale.
	if sb.Dx() > 1<<16 || sb.Dy() > 1<<16 {
		draw.Draw(dst, db, src, sb.Min.Add(sb.Size().Div(2)), draw.Over)
		return
	}
	crop := sb
	if sb.Dx()*db.Dy() > sb.Dy()*db.Dx() { // source is wider: crop the sides
		w := sb.Dy() * db.Dx() / db.Dy()
		crop.Min.X = sb.Min.X + (sb.Dx()-w)/2
		crop.Max.X = crop.Min.X + w
	} else { // source is taller: crop top and bottom
		h := sb.Dx() * db.Dy() / db.Dx()
		crop.Min.Y = sb.Min.Y + (sb.Dy()-h)/2
		crop.Max.Y = crop.Min.Y + h
	}
	// Catmull-Rom keeps a downscaled photo sharp and costs barely more
	// than bilinear here (~90 ms for a 1080² canvas).
	xdraw.CatmullRom.Scale(dst, db, src, crop, draw.Over, nil)
}

// ---- vector shapes ----

// path is a list of closed outlines in canvas coordinates, filled with the
// non-zero rule by fill: an inner outline drawn in the opposite direction
// cuts a hole (frames, rings).
type path struct {
	ops []pathOp
}

type pathOp struct {
	kind byte // 'M', 'L', 'Q', 'C', 'Z'
	pts  [3][2]float64
}

// points is how many of pts the op uses.
func (op pathOp) points() int {
	switch op.kind {
	case 'M', 'L':
		return 1
	case 'Q':
		return 2
	case 'C':
		return 3
	}
	return 0
}

func (p *path) moveTo(x, y float64) {
	p.ops = append(p.ops, pathOp{kind: 'M', pts: [3][2]float64{{x, y}}})
}
func (p *path) lineTo(x, y float64) {
	p.ops = append(p.ops, pathOp{kind: 'L', pts: [3][2]float64{{x, y}}})
}
func (p *path) quadTo(x1, y1, x, y float64) {
	p.ops = append(p.ops, pathOp{kind: 'Q', pts: [3][2]float64{{x1, y1}, {x, y}}})
}
func (p *path) cubeTo(x1, y1, x2, y2, x, y float64) {
	p.ops = append(p.ops, pathOp{kind: 'C', pts: [3][2]float64{{x1, y1}, {x2, y2}, {x, y}}})
}
func (p *path) close() { p.ops = append(p.ops, pathOp{kind: 'Z'}) }

// polygon adds a closed polygon through pts (x0, y0, x1, y1, ...).
func (p *path) polygon(pts ...float64) {
	p.moveTo(pts[0], pts[1])
	for i := 2; i+1 < len(pts); i += 2 {
		p.lineTo(pts[i], pts[i+1])
	}
	p.close()
}

// rect adds an axis-aligned rectangle, clockwise or (reverse) anticlockwise.
func (p *path) rect(x0, y0, x1, y1 float64, reverse bool) {
	if reverse {
		p.polygon(x0, y0, x0, y1, x1, y1, x1, y0)
	} else {
		p.polygon(x0, y0, x1, y0, x1, y1, x0, y1)
	}
}

// kappa places cubic control points so four curves approximate a circle.
const kappa = 0.5522847498

// roundRect adds a rectangle with corner radius r (clamped to a pill);
// reverse draws it anticlockwise to cut a hole.
func (p *path) roundRect(x0, y0, x1, y1, r float64, reverse bool) {
	start := len(p.ops)
	defer func() {
		if reverse {
			p.reverseFrom(start)
		}
	}()
	r = math.Max(0, math.Min(r, math.Min(x1-x0, y1-y0)/2))
	k := r * kappa
	p.moveTo(x0+r, y0)
	p.lineTo(x1-r, y0)
	p.cubeTo(x1-r+k, y0, x1, y0+r-k, x1, y0+r)
	p.lineTo(x1, y1-r)
	p.cubeTo(x1, y1-r+k, x1-r+k, y1, x1-r, y1)
	p.lineTo(x0+r, y1)
	p.cubeTo(x0+r-k, y1, x0, y1-r+k, x0, y1-r)
	p.lineTo(x0, y0+r)
	p.cubeTo(x0, y0+r-k, x0+r-k, y0, x0+r, y0)
	p.close()
}

// reverseFrom reverses the direction of the closed outline that starts at
// ops[i] and runs to the end of the path.
func (p *path) reverseFrom(i int) {
	sub := p.ops[i:]
	if len(sub) < 3 || sub[0].kind != 'M' || sub[len(sub)-1].kind != 'Z' {
		return
	}
	segs := sub[1 : len(sub)-1]
	end := func(j int) [2]float64 {
		if j < 0 {
			return sub[0].pts[0]
		}
		return segs[j].pts[segs[j].points()-1]
	}
	out := []pathOp{{kind: 'M', pts: [3][2]float64{end(len(segs) - 1)}}}
	for j := len(segs) - 1; j >= 0; j-- {
		seg, to := segs[j], end(j-1)
		switch seg.kind {
		case 'L':
			out = append(out, pathOp{kind: 'L', pts: [3][2]float64{to}})
		case 'Q':
			out = append(out, pathOp{kind: 'Q', pts: [3][2]float64{seg.pts[0], to}})
		case 'C':
			out = append(out, pathOp{kind: 'C', pts: [3][2]float64{seg.pts[1], seg.pts[0], to}})
		}
	}
	out = append(out, pathOp{kind: 'Z'})
	p.ops = append(p.ops[:i], out...)
}

// circle adds a circle; reverse draws it anticlockwise (to cut a ring).
func (p *path) circle(cx, cy, r float64, reverse bool) {
	k := r * kappa
	if !reverse {
		p.moveTo(cx, cy-r)
		p.cubeTo(cx+k, cy-r, cx+r, cy-k, cx+r, cy)
		p.cubeTo(cx+r, cy+k, cx+k, cy+r, cx, cy+r)
		p.cubeTo(cx-k, cy+r, cx-r, cy+k, cx-r, cy)
		p.cubeTo(cx-r, cy-k, cx-k, cy-r, cx, cy-r)
	} else {
		p.moveTo(cx, cy-r)
		p.cubeTo(cx-k, cy-r, cx-r, cy-k, cx-r, cy)
		p.cubeTo(cx-r, cy+k, cx-k, cy+r, cx, cy+r)
		p.cubeTo(cx+k, cy+r, cx+r, cy+k, cx+r, cy)
		p.cubeTo(cx+r, cy-k, cx+k, cy-r, cx, cy-r)
	}
	p.close()
}

// diamond adds a rhombus centred on (cx, cy).
func (p *path) diamond(cx, cy, rx, ry float64) {
	p.polygon(cx, cy-ry, cx+rx, cy, cx, cy+ry, cx-rx, cy)
}

// sparkle adds a four-pointed star with concave sides, the classic "✦".
func (p *path) sparkle(cx, cy, r float64) {
	k := r * 0.14
	p.moveTo(cx, cy-r)
	p.quadTo(cx+k, cy-k, cx+r, cy)
	p.quadTo(cx+k, cy+k, cx, cy+r)
	p.quadTo(cx-k, cy+k, cx-r, cy)
	p.quadTo(cx-k, cy-k, cx, cy-r)
	p.close()
}

// fill draws the path anti-aliased in colour c (translucent colours blend).
// The rasterizer is sized to the path's bounds clipped to the canvas, so
// small shapes cost little; coordinates outside that area are clipped by
// the rasterizer itself.
func fill(img *image.RGBA, p *path, c color.Color) {
	if len(p.ops) == 0 {
		return
	}
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, op := range p.ops {
		for _, pt := range op.pts[:op.points()] {
			minX, maxX = math.Min(minX, pt[0]), math.Max(maxX, pt[0])
			minY, maxY = math.Min(minY, pt[1]), math.Max(maxY, pt[1])
		}
	}
	r := image.Rect(int(math.Floor(minX)), int(math.Floor(minY)), int(math.Ceil(maxX)), int(math.Ceil(maxY))).Intersect(img.Bounds())
	if r.Empty() {
		return
	}
	ox, oy := float64(r.Min.X), float64(r.Min.Y)
	z := vector.NewRasterizer(r.Dx(), r.Dy())
	for _, op := range p.ops {
		a := op.pts
		switch op.kind {
		case 'M':
			z.MoveTo(float32(a[0][0]-ox), float32(a[0][1]-oy))
		case 'L':
			z.LineTo(float32(a[0][0]-ox), float32(a[0][1]-oy))
		case 'Q':
			z.QuadTo(float32(a[0][0]-ox), float32(a[0][1]-oy), float32(a[1][0]-ox), float32(a[1][1]-oy))
		case 'C':
			z.CubeTo(float32(a[0][0]-ox), float32(a[0][1]-oy), float32(a[1][0]-ox), float32(a[1][1]-oy), float32(a[2][0]-ox), float32(a[2][1]-oy))
		case 'Z':
			z.ClosePath()
		}
	}
	z.Draw(img, r, image.NewUniform(c), image.Point{})
}

// frame draws a rectangular outline of thickness t just inside x0,y0,x1,y1.
// Four thin fills instead of one ring keep the rasterizer from covering the
// whole canvas for a hairline.
func frame(img *image.RGBA, x0, y0, x1, y1, t float64, c color.Color) {
	shape(img, c, func(p *path) { p.rect(x0, y0, x1, y0+t, false) })
	shape(img, c, func(p *path) { p.rect(x0, y1-t, x1, y1, false) })
	shape(img, c, func(p *path) { p.rect(x0, y0+t, x0+t, y1-t, false) })
	shape(img, c, func(p *path) { p.rect(x1-t, y0+t, x1, y1-t, false) })
}

// shape is a convenience for filling a single freshly built path.
func shape(img *image.RGBA, c color.Color, build func(p *path)) {
	var p path
	build(&p)
	fill(img, &p, c)
}
