package content

import (
	"image"
	"image/color"
	"math"
)

// trendyPalette: one saturated main colour (electric indigo by default, the
// brand colour when set) cut by a diagonal block in a loud second colour,
// with high-contrast type on each.
type trendyPalette struct {
	main, onMain, deco color.RGBA // upper block, its text, its shapes
	band, onBand       color.RGBA // lower diagonal block and its text
}

func newTrendyPalette(s PosterSpec) trendyPalette {
	p := trendyPalette{main: rgb(0x4331F5), band: rgb(0xFFDD3C)}
	if c, ok := optColor(s.BrandColor); ok {
		p.main = c
	}
	if c, ok := optColor(s.BackgroundColor); ok {
		p.main = c
	}
	if c, ok := optColor(s.AccentColor); ok {
		p.band = c
	} else if contrast(p.main, p.band) < 1.6 {
		// A yellow-ish brand would melt into the yellow block: switch the
		// block to ink or paper so the diagonal still reads.
		p.band = readable(p.main, rgb(0x141414), 4.5, white)
	}
	text, textSet := optColor(s.TextColor)
	p.onMain = readable(p.main, white, 3, rgb(0x141414))
	if textSet {
		p.onMain = text
	}
	p.onBand = readable(p.band, rgb(0x141414), 4.5, white)
	if textSet && contrast(text, p.band) >= 3 {
		p.onBand = text
	}
	if luminance(p.main) < 0.35 {
		p.deco = mix(p.main, white, 0.13)
	} else {
		p.deco = mix(p.main, black, 0.09)
	}
	return p
}

// renderTrendy: a bold, left-aligned layout. The store name sits in a badge
// at the top left, an oversized title stands on a diagonal edge, and below
// it a second colour block carries the prize, the period and a pill button
// with an arrow. A large tinted circle, a dot grid and a ring fill the top
// right; on wide canvases an "EVENT" sticker fills the band's free side.
func (c *canvas) renderTrendy(s PosterSpec, bgImg image.Image) {
	p := newTrendyPalette(s)
	u, w, h := c.u, c.w, c.h
	fonts := c.fonts

	mx := 0.075 * u
	my := 0.07 * u
	colW := w - 2*mx
	slope := 0.07 * w // how much higher the diagonal edge is on the right

	// Top row: the store badge on the left, a dot grid on the right. The
	// row keeps its height without a store name so the grid never meets the
	// title.
	bPadX, bPadY := 0.026*u, 0.013*u
	store := c.fit(s.StoreName, textSpec{font: fonts.bold, maxSize: 0.03 * u, minSize: 0.02 * u,
		maxW: colW*0.75 - 2*bPadX, maxH: 0.06 * u, maxLines: 1, leading: 1.2, tracking: 0.03})
	badgeBottom := my + 0.06*u
	if store != nil {
		badgeBottom = my + store.h + 2*bPadY
	}

	// Bottom: the block inside the diagonal band, measured first because
	// the band's position depends on it.
	prize := c.fit(s.Prize, textSpec{font: fonts.bold, maxSize: 0.07 * u, minSize: 0.036 * u,
		maxW: colW, maxH: 0.17 * u, maxLines: 2, leading: 1.15, tracking: -0.015})
	period := c.fit(s.Period, textSpec{font: fonts.bold, maxSize: 0.031 * u, minSize: 0.021 * u,
		maxW: colW, maxH: 0.09 * u, maxLines: 2, leading: 1.3})
	guide := c.fit(s.GuideText, textSpec{font: fonts.regular, maxSize: 0.026 * u, minSize: 0.019 * u,
		maxW: colW, maxH: 0.1 * u, maxLines: 3, leading: 1.4})
	padX, padY := 0.042*u, 0.022*u
	arrowW, arrowGap := 0.032*u, 0.022*u
	cta := c.fit(callToAction(s), textSpec{font: fonts.bold, maxSize: 0.035 * u, minSize: 0.024 * u,
		maxW: colW*0.9 - 2*padX - arrowW - arrowGap, maxH: 0.06 * u, maxLines: 1, leading: 1.2})
	ctaH := 0.0
	if cta != nil {
		ctaH = cta.h + 2*padY
	}
	var yPrize, yPeriod, yGuide, yCTA float64
	lower := []slot{
		{h: prize.height(), y: &yPrize},
		{h: period.height(), gap: 0.016 * u, y: &yPeriod},
		{h: guide.height(), gap: 0.012 * u, y: &yGuide},
		{h: ctaH, gap: 0.04 * u, y: &yCTA},
	}
	bandPad := 0.06 * u
	lowerH := stackHeight(lower)
	edgeLeft := h - my - lowerH - bandPad // the edge's lowest point
	edgeRight := edgeLeft - slope
	stack(edgeLeft+bandPad, h-my, 0, lower...)

	// Middle: the title, as large as the space between badge and edge allows,
	// standing on the diagonal.
	stripe := 0.011 * u
	titleTop := badgeBottom + 0.05*u
	titleBottom := edgeRight - 0.035*u - stripe - 0.03*u
	title := c.fit(s.Title, textSpec{font: fonts.bold, maxSize: 0.135 * u, minSize: 0.048 * u,
		maxW: colW, maxH: titleBottom - titleTop, maxLines: 4, leading: 1.12, tracking: -0.03, balance: true})
	yTitle := titleBottom - title.height()

	// Paint: main colour (or tinted backdrop), decorative circles, the
	// diagonal band with a parallel stripe above it.
	fillAll(c.img, p.main)
	if bgImg != nil {
		// The backdrop keeps its texture under a strong tint of the main
		// colour; the white title stays legible on any photo.
		drawCover(c.img, bgImg)
		fillRect(c.img, c.img.Bounds(), alpha(p.main, 0.62))
	} else {
		shape(c.img, p.deco, func(pa *path) { pa.circle(w*0.93, h*0.12, 0.34*u, false) })
	}
	// A small dot grid in the top row, a common accent in Korean promo
	// design. It is narrower than the space the badge leaves free.
	dot, pitch := 0.0045*u, 0.03*u
	rowMid := (my + badgeBottom) / 2
	for i := range 5 {
		for j := range 3 {
			x := w - mx - dot - float64(i)*pitch
			y := rowMid + float64(j-1)*pitch*0.8
			shape(c.img, alpha(p.onMain, 0.45), func(pa *path) { pa.circle(x, y, dot, false) })
		}
	}
	// A ring in the band colour beside or above the title, wherever the
	// title leaves room; it is left out rather than drawn over text.
	ringR, ringT := 0.07*u, math.Max(2, 0.012*u)
	ringGap := 0.04 * u
	ringTop, ringBottom := badgeBottom+ringGap, titleBottom // the stripe starts 0.03u below titleBottom
	var ringX, ringY float64
	switch {
	case w-mx-2*ringR-ringGap >= mx+title.width() && ringBottom-ringTop >= 2*ringR:
		ringX = w - mx - ringR - 0.03*u
		ringY = math.Max(ringTop+ringR, math.Min(ringBottom-ringR, yTitle+title.height()/2-0.08*u))
	case yTitle-ringGap-ringTop >= 2*ringR:
		ringX = w * 0.7
		ringY = (ringTop + yTitle - ringGap) / 2
	}
	if ringX > 0 {
		shape(c.img, alpha(p.band, 0.95), func(pa *path) {
			pa.circle(ringX, ringY, ringR, false)
			pa.circle(ringX, ringY, ringR-ringT, true)
		})
	}
	off := 0.035 * u
	shape(c.img, p.onBand, func(pa *path) {
		pa.polygon(0, edgeLeft-off-stripe, w, edgeRight-off-stripe, w, edgeRight-off, 0, edgeLeft-off)
	})
	shape(c.img, p.band, func(pa *path) { pa.polygon(0, edgeLeft, w, edgeRight, w, h+1, 0, h+1) })

	if store != nil {
		bw := store.w + 2*bPadX
		shape(c.img, p.band, func(pa *path) { pa.roundRect(mx, my, mx+bw, badgeBottom, (badgeBottom-my)/2, false) })
		c.drawBlock("store", store, mx+bPadX, my+bPadY+0.02*store.face.size, alignLeft, p.onBand)
	}
	c.drawBlock("title", title, mx, yTitle, alignLeft, p.onMain)
	c.drawBlock("prize", prize, mx, yPrize, alignLeft, p.onBand)
	c.drawBlock("period", period, mx, yPeriod, alignLeft, mix(p.onBand, p.band, 0.15))
	c.drawBlock("guide", guide, mx, yGuide, alignLeft, mix(p.onBand, p.band, 0.25))
	ctaW := 0.0
	if cta != nil {
		ctaW = padX + cta.w + arrowGap + arrowW + padX
		// Inverted pill: the band's ink colour as fill, the band colour as
		// text, and an arrow pointing onward.
		bw := padX + cta.w + arrowGap + arrowW + padX
		shape(c.img, p.onBand, func(pa *path) { pa.roundRect(mx, yCTA, mx+bw, yCTA+ctaH, ctaH/2, false) })
		c.drawBlock("cta", cta, mx+padX, yCTA+padY+0.02*cta.face.size, alignLeft, p.band)
		ax := mx + padX + cta.w + arrowGap
		ay := yCTA + ctaH/2
		t := math.Max(2, 0.0055*u)
		head, d := arrowW*0.42, t*1.4 // d: horizontal width of the 45° head strokes
		tip := ax + arrowW
		shape(c.img, p.band, func(pa *path) {
			pa.rect(ax, ay-t/2, tip-d/2, ay+t/2, false)
			pa.polygon(tip-head, ay-head, tip-head+d, ay-head, tip, ay,
				tip-head+d, ay+head, tip-head, ay+head, tip-d, ay)
		})
	}

	c.drawSticker(p, mx, my, edgeLeft, slope, max(prize.width(), period.width(), guide.width(), ctaW))
}

// drawSticker puts a starburst "EVENT" sticker on the band, right of the
// left-aligned text, when the text leaves enough room (typically on the
// wide NAVER format, where the band would otherwise be half empty).
func (c *canvas) drawSticker(p trendyPalette, mx, my, edgeLeft, slope, textW float64) {
	u, w, h := c.u, c.w, c.h
	freeLeft, freeRight := mx+textW+0.06*u, w-mx
	r := math.Min(0.13*u, (freeRight-freeLeft)/2)
	cx := freeRight - r
	// The edge rises to the right, so the sticker's left side meets it
	// lowest; keep clear of it and of the bottom margin.
	topBound := edgeLeft - slope*(cx-r)/w + 0.03*u
	r = math.Min(r, (h-my-topBound)/2)
	if r < 0.075*u {
		return
	}
	cx = freeRight - r
	cy := (topBound + h - my) / 2
	const points = 18
	var pts []float64
	for i := range 2 * points {
		rr := r
		if i%2 == 1 {
			rr = r * 0.86
		}
		a := math.Pi * float64(i) / points
		pts = append(pts, cx+rr*math.Sin(a), cy-rr*math.Cos(a))
	}
	shape(c.img, p.main, func(pa *path) { pa.polygon(pts...) })
	label := c.fit("EVENT", textSpec{font: c.fonts.bold, maxSize: 0.3 * r, minSize: 0.15 * r,
		maxW: 1.25 * r, maxH: 0.6 * r, maxLines: 1, leading: 1.1, tracking: 0.04})
	if label != nil {
		c.drawBlock("", label, cx, cy-label.h/2+0.02*label.face.size, alignCenter, p.onMain)
	}
}
