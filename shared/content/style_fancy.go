package content

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// fancyPalette: a deep jewel-tone gradient (burgundy by default, a deep
// shade of the brand colour when set) with gold ornament and cream type.
type fancyPalette struct {
	top, bottom, glow   color.RGBA // background gradient
	text, muted         color.RGBA
	gold, onGold, faint color.RGBA
}

func newFancyPalette(s PosterSpec) fancyPalette {
	p := fancyPalette{top: rgb(0x6A1533), bottom: rgb(0x1C0410), text: rgb(0xFFF6E8), gold: rgb(0xDDB867)}
	if c, ok := optColor(s.BrandColor); ok {
		// Any brand colour, light or dark, becomes a deep shade of its hue
		// so the cream text and gold keep their contrast.
		p.top = withLightness(c, 0.27)
		p.bottom = withLightness(c, 0.08)
	}
	if c, ok := optColor(s.BackgroundColor); ok {
		p.top = c
		p.bottom = mix(c, black, 0.6)
	}
	if c, ok := optColor(s.AccentColor); ok {
		p.gold = c
	}
	if c, ok := optColor(s.TextColor); ok {
		p.text = c
	} else {
		p.text = readable(p.top, p.text, 4.5, rgb(0x1A1412))
	}
	p.glow = mix(p.top, white, 0.1)
	p.muted = mix(p.text, p.bottom, 0.28)
	p.onGold = readable(p.gold, p.bottom, 4.5, p.text, black, white)
	p.faint = mix(p.gold, p.top, 0.45)
	return p
}

// renderFancy: a centred, ornamented invitation. A glowing gradient, a gold
// double frame with corner diamonds, the store name between gold rules at the
// top, the title in the rounded face, a diamond divider, the prize in gold,
// the period, a gold button, and sparkles scattered where there is no text.
func (c *canvas) renderFancy(s PosterSpec, bgImg image.Image) {
	p := newFancyPalette(s)
	u, w, h := c.u, c.w, c.h
	fonts := c.fonts

	outer, inner := 0.03*u, 0.045*u // frame insets
	mx := math.Max(0.12*u, 0.11*w)
	my := 0.1 * u
	colW := w - 2*mx
	cx := w / 2

	flank := 0.08 * u
	store := c.fit(s.StoreName, textSpec{font: fonts.bold, maxSize: 0.029 * u, minSize: 0.02 * u,
		maxW: colW - 2*flank, maxH: 0.06 * u, maxLines: 1, leading: 1.2, tracking: 0.2})
	prize := c.fit(s.Prize, textSpec{font: fonts.bold, maxSize: 0.058 * u, minSize: 0.032 * u,
		maxW: colW, maxH: 0.15 * u, maxLines: 2, leading: 1.25})
	period := c.fit(s.Period, textSpec{font: fonts.regular, maxSize: 0.031 * u, minSize: 0.022 * u,
		maxW: colW, maxH: 0.1 * u, maxLines: 2, leading: 1.3, tracking: 0.03})
	guide := c.fit(s.GuideText, textSpec{font: fonts.regular, maxSize: 0.026 * u, minSize: 0.019 * u,
		maxW: colW, maxH: 0.11 * u, maxLines: 3, leading: 1.4})
	padX, padY := 0.06*u, 0.021*u
	cta := c.fit(callToAction(s), textSpec{font: fonts.bold, maxSize: 0.034 * u, minSize: 0.024 * u,
		maxW: colW - 2*padX, maxH: 0.06 * u, maxLines: 1, leading: 1.2, tracking: 0.04})
	ctaH := 0.0
	if cta != nil {
		ctaH = cta.h + 2*padY
	}
	divH := 0.022 * u

	var yStore, yTitle, yDiv, yPrize, yPeriod, yGuide, yCTA float64
	top, bottom := my, h-my
	titleGap := 0.04 * u
	others := []slot{
		{h: store.height(), y: &yStore},
		{h: divH, gap: 0.035 * u, y: &yDiv},
		{h: prize.height(), gap: 0.035 * u, y: &yPrize},
		{h: period.height(), gap: 0.018 * u, y: &yPeriod},
		{h: guide.height(), gap: 0.012 * u, y: &yGuide},
		{h: ctaH, gap: 0.05 * u, y: &yCTA},
	}
	title := c.fit(s.Title, textSpec{font: fonts.round, maxSize: 0.094 * u, minSize: 0.044 * u,
		maxW: colW, maxH: bottom - top - stackHeight(others) - titleGap, maxLines: 4, leading: 1.26, balance: true})
	slots := append(others[:1:1], slot{h: title.height(), gap: titleGap, y: &yTitle})
	slots = append(slots, others[1:]...)
	stack(top, bottom, 0.5, slots...)

	// Background: a radial glow above centre over a vertical gradient; a
	// backdrop photo is tinted with the same colours so the gold still pops.
	radialGradient(c.img, cx, h*0.4, math.Hypot(w, h)*0.62, p.glow, p.bottom)
	if bgImg != nil {
		drawCover(c.img, bgImg)
		fillRect(c.img, c.img.Bounds(), alpha(p.bottom, 0.62))
	}
	// Soft bokeh discs add depth without competing with the type.
	rng := rand.New(rand.NewPCG(c.seed, 0x9E3779B97F4A7C15))
	for range 7 {
		r := (0.06 + 0.12*rng.Float64()) * u
		bx, by := rng.Float64()*w, rng.Float64()*h
		shape(c.img, alpha(p.gold, 0.035+0.03*rng.Float64()), func(pa *path) { pa.circle(bx, by, r, false) })
	}

	// Gold double frame with diamonds on the inner corners.
	t1, t2 := math.Max(1.5, 0.0032*u), math.Max(1, 0.0015*u)
	frame(c.img, outer, outer, w-outer, h-outer, t1, p.gold)
	frame(c.img, inner, inner, w-inner, h-inner, t2, p.gold)
	dr := 0.017 * u
	for _, pt := range [][2]float64{{inner, inner}, {w - inner, inner}, {inner, h - inner}, {w - inner, h - inner}} {
		// A dark halo first so the diamond sits on the frame like a jewel.
		shape(c.img, p.bottom, func(pa *path) { pa.diamond(pt[0], pt[1], dr*1.5, dr*1.5) })
		shape(c.img, p.gold, func(pa *path) { pa.diamond(pt[0], pt[1], dr, dr) })
	}
	// Small diamonds at the middle of the outer frame's top and bottom.
	for _, y := range []float64{outer + t1/2, h - outer - t1/2} {
		shape(c.img, p.gold, func(pa *path) { pa.diamond(cx, y, 0.01*u, 0.01*u) })
	}

	keepOut := []image.Rectangle{}
	grow := func(r image.Rectangle) image.Rectangle { return r.Inset(-int(0.025 * u)) }

	if store != nil {
		r := c.drawBlock("store", store, cx, yStore, alignCenter, p.gold)
		ly := yStore + store.h*0.5
		gap, ln := 0.025*u, 0.06*u
		shape(c.img, p.gold, func(pa *path) {
			pa.rect(float64(r.Min.X)-gap-ln, ly-t2/2, float64(r.Min.X)-gap, ly+t2/2, false)
			pa.rect(float64(r.Max.X)+gap, ly-t2/2, float64(r.Max.X)+gap+ln, ly+t2/2, false)
			pa.diamond(float64(r.Min.X)-gap-ln, ly, 0.006*u, 0.006*u)
			pa.diamond(float64(r.Max.X)+gap+ln, ly, 0.006*u, 0.006*u)
		})
		keepOut = append(keepOut, grow(r.Inset(-int(gap+ln))))
	}
	if r := c.drawBlock("title", title, cx, yTitle, alignCenter, p.text); !r.Empty() {
		keepOut = append(keepOut, grow(r))
	}
	if title != nil || prize != nil {
		// Divider: ——◆—— with the lines fading out from the diamond.
		dy := yDiv + divH/2
		half := math.Min(0.2*u, colW/2)
		steps := 24
		for i := range steps {
			x0 := 0.018*u + (half-0.018*u)*float64(i)/float64(steps)
			x1 := 0.018*u + (half-0.018*u)*float64(i+1)/float64(steps)
			a := 1 - float64(i)/float64(steps)
			shape(c.img, alpha(p.gold, a), func(pa *path) {
				pa.rect(cx+x0, dy-t2/2, cx+x1, dy+t2/2, false)
				pa.rect(cx-x1, dy-t2/2, cx-x0, dy+t2/2, false)
			})
		}
		shape(c.img, p.gold, func(pa *path) { pa.diamond(cx, dy, divH*0.45, divH*0.5) })
		keepOut = append(keepOut, grow(image.Rect(int(cx-half), int(yDiv), int(cx+half), int(yDiv+divH))))
	}
	for _, b := range []struct {
		name string
		blk  *textBlock
		y    float64
		col  color.RGBA
	}{
		{"prize", prize, yPrize, p.gold},
		{"period", period, yPeriod, p.text},
		{"guide", guide, yGuide, p.muted},
	} {
		if r := c.drawBlock(b.name, b.blk, cx, b.y, alignCenter, b.col); !r.Empty() {
			keepOut = append(keepOut, grow(r))
		}
	}
	if cta != nil {
		bw := cta.w + 2*padX
		x0, x1 := cx-bw/2, cx+bw/2
		// A gold button inside a thin gold outline, like a foil-stamped label.
		o := 0.008 * u
		shape(c.img, p.gold, func(pa *path) {
			pa.roundRect(x0-o, yCTA-o, x1+o, yCTA+ctaH+o, 0.014*u, false)
			pa.roundRect(x0-o+t2, yCTA-o+t2, x1+o-t2, yCTA+ctaH+o-t2, 0.014*u-t2, true)
			pa.roundRect(x0, yCTA, x1, yCTA+ctaH, 0.01*u, false)
		})
		c.drawBlock("cta", cta, cx, yCTA+padY+0.02*cta.face.size, alignCenter, p.onGold)
		keepOut = append(keepOut, grow(image.Rect(int(x0-o), int(yCTA-o), int(x1+o), int(yCTA+ctaH+o))))
	}

	// Sparkles and specks in the free space inside the frame, placed with a
	// generator seeded from the spec so the same poster always looks the
	// same.
	area := image.Rect(int(inner+0.04*u), int(inner+0.04*u), int(w-inner-0.04*u), int(h-inner-0.04*u))
	free := func(r image.Rectangle) bool {
		if !r.In(area) {
			return false
		}
		for _, k := range keepOut {
			if r.Overlaps(k) {
				return false
			}
		}
		return true
	}
	placed := 0
	for try := 0; try < 200 && placed < 16; try++ {
		x, y := rng.Float64()*w, rng.Float64()*h
		r := (0.01 + 0.018*rng.Float64()) * u
		box := image.Rect(int(x-r), int(y-r), int(x+r), int(y+r))
		if !free(box) {
			continue
		}
		shape(c.img, alpha(p.gold, 0.55+0.45*rng.Float64()), func(pa *path) { pa.sparkle(x, y, r) })
		keepOut = append(keepOut, box.Inset(-int(0.03*u)))
		placed++
	}
	for try := 0; try < 200; try++ {
		x, y := rng.Float64()*w, rng.Float64()*h
		r := (0.002 + 0.003*rng.Float64()) * u
		if !free(image.Rect(int(x-r), int(y-r), int(x+r+1), int(y+r+1))) {
			continue
		}
		shape(c.img, alpha(p.faint, 0.5+0.5*rng.Float64()), func(pa *path) { pa.circle(x, y, r, false) })
	}
}
