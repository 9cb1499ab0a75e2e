package content

import (
	"image"
	"image/color"
	"math"
)

// simplePalette: warm off-white paper, near-black type and one accent colour
// (terracotta by default, the brand colour when set) used sparingly for the
// rule, the kicker and the button.
type simplePalette struct {
	bg, text, muted, line, accent, onAccent color.RGBA
}

func newSimplePalette(s PosterSpec) simplePalette {
	p := simplePalette{bg: rgb(0xF8F4ED), text: rgb(0x1E1D1B), accent: rgb(0xC95B36)}
	if c, ok := optColor(s.BrandColor); ok {
		p.accent = c
	}
	if c, ok := optColor(s.BackgroundColor); ok {
		p.bg = c
	}
	if c, ok := optColor(s.AccentColor); ok {
		p.accent = c
	}
	if c, ok := optColor(s.TextColor); ok {
		p.text = c
	} else {
		// An editor background may be dark; keep the text readable.
		p.text = readable(p.bg, p.text, 4.5, rgb(0xFAFAFA))
	}
	p.muted = mix(p.text, p.bg, 0.38)
	p.line = mix(p.bg, p.text, 0.14)
	p.onAccent = readable(p.accent, white, 3, rgb(0x1E1D1B))
	return p
}

// renderSimple: a centred column on plain paper with generous whitespace.
// From top: a letter-spaced kicker, the title, a short accent rule, the
// prize with its label, the period and guide, a pill button, and the store
// name signed off at the bottom.
func (c *canvas) renderSimple(s PosterSpec, bgImg image.Image) {
	p := newSimplePalette(s)
	u, w, h := c.u, c.w, c.h
	fonts := c.fonts

	mx := math.Max(0.095*u, 0.1*w)
	my := 0.085 * u
	colW := w - 2*mx
	cx := w / 2

	kickerColor := p.accent
	if contrast(p.accent, p.bg) < 2.2 {
		kickerColor = p.text
	}
	kicker := c.fit("SPECIAL EVENT", textSpec{font: fonts.bold, maxSize: 0.025 * u, minSize: 0.016 * u,
		maxW: colW, maxH: 0.05 * u, maxLines: 1, leading: 1.2, tracking: 0.32})
	label := c.fit("이벤트 경품", textSpec{font: fonts.regular, maxSize: 0.024 * u, minSize: 0.016 * u,
		maxW: colW, maxH: 0.05 * u, maxLines: 1, leading: 1.2, tracking: 0.12})
	prize := c.fit(s.Prize, textSpec{font: fonts.bold, maxSize: 0.056 * u, minSize: 0.032 * u,
		maxW: colW, maxH: 0.15 * u, maxLines: 2, leading: 1.25})
	period := c.fit(s.Period, textSpec{font: fonts.regular, maxSize: 0.032 * u, minSize: 0.022 * u,
		maxW: colW, maxH: 0.1 * u, maxLines: 2, leading: 1.3, tracking: 0.02})
	guide := c.fit(s.GuideText, textSpec{font: fonts.regular, maxSize: 0.027 * u, minSize: 0.019 * u,
		maxW: colW, maxH: 0.11 * u, maxLines: 3, leading: 1.4})
	padX, padY := 0.055*u, 0.022*u
	cta := c.fit(callToAction(s), textSpec{font: fonts.bold, maxSize: 0.036 * u, minSize: 0.024 * u,
		maxW: colW - 2*padX, maxH: 0.06 * u, maxLines: 1, leading: 1.2})
	flank := 0.07 * u // room for the short lines either side of the store name
	store := c.fit(s.StoreName, textSpec{font: fonts.bold, maxSize: 0.03 * u, minSize: 0.02 * u,
		maxW: colW - 2*flank, maxH: 0.06 * u, maxLines: 1, leading: 1.2, tracking: 0.08})

	ctaH := 0.0
	if cta != nil {
		ctaH = cta.h + 2*padY
	}
	ruleH := math.Max(2, 0.0045*u)

	// The store name is anchored to the bottom margin; everything else is
	// centred in the space above it. The title gets whatever height the
	// other items leave.
	var yKicker, yTitle, yRule, yLabel, yPrize, yPeriod, yGuide, yCTA float64
	storeTop := h - my - store.height()
	top, bottom := my, storeTop-0.06*u
	if store == nil {
		bottom = h - my
	}
	others := []slot{
		{h: kicker.height(), y: &yKicker},
		{h: ruleH, gap: 0.045 * u, y: &yRule},
		{h: label.height(), gap: 0.045 * u, y: &yLabel},
		{h: prize.height(), gap: 0.012 * u, y: &yPrize},
		{h: period.height(), gap: 0.022 * u, y: &yPeriod},
		{h: guide.height(), gap: 0.014 * u, y: &yGuide},
		{h: ctaH, gap: 0.05 * u, y: &yCTA},
	}
	titleGap := 0.035 * u
	title := c.fit(s.Title, textSpec{font: fonts.bold, maxSize: 0.1 * u, minSize: 0.046 * u,
		maxW: colW, maxH: bottom - top - stackHeight(others) - titleGap, maxLines: 4, leading: 1.22,
		tracking: -0.01, balance: true})
	slots := append(others[:1:1], slot{h: title.height(), gap: titleGap, y: &yTitle})
	slots = append(slots, others[1:]...)
	stack(top, bottom, 0.5, slots...)

	// Background: plain paper, or the backdrop under a soft veil with a
	// paper card behind the text so it stays readable on any photo.
	fillAll(c.img, p.bg)
	inset := 0.035 * u
	if bgImg != nil {
		drawCover(c.img, bgImg)
		fillRect(c.img, c.img.Bounds(), alpha(p.bg, 0.2))
		// The card hugs the content, so the backdrop shows around it.
		pad := 0.06 * u
		contentW := max(kicker.width(), title.width(), prize.width(), period.width(), guide.width(),
			store.width()+2*(flank+0.02*u))
		if cta != nil {
			contentW = max(contentW, cta.w+2*padX)
		}
		cardW := math.Min(w-2*inset, math.Max(contentW+2*pad, 0.6*w))
		cardBottom := h - my + pad*0.7
		if store == nil {
			cardBottom = yCTA + ctaH + pad
		}
		shape(c.img, alpha(p.bg, 0.94), func(pa *path) {
			pa.roundRect((w-cardW)/2, math.Max(inset, yKicker-pad), (w+cardW)/2, math.Min(h-inset, cardBottom), 0.03*u, false)
		})
	} else {
		// A hairline inset border frames the whitespace without adding noise.
		t := math.Max(1, 0.0018*u)
		frame(c.img, inset, inset, w-inset, h-inset, t, p.line)
	}

	c.drawBlock("", kicker, cx, yKicker, alignCenter, kickerColor)
	c.drawBlock("title", title, cx, yTitle, alignCenter, p.text)
	if title != nil || prize != nil {
		rw := 0.09 * u
		shape(c.img, p.accent, func(pa *path) { pa.rect(cx-rw/2, yRule, cx+rw/2, yRule+ruleH, false) })
	}
	if prize != nil {
		c.drawBlock("", label, cx, yLabel, alignCenter, p.muted)
	}
	c.drawBlock("prize", prize, cx, yPrize, alignCenter, p.text)
	c.drawBlock("period", period, cx, yPeriod, alignCenter, p.muted)
	c.drawBlock("guide", guide, cx, yGuide, alignCenter, p.muted)
	if cta != nil {
		bw := cta.w + 2*padX
		shape(c.img, p.accent, func(pa *path) { pa.roundRect(cx-bw/2, yCTA, cx+bw/2, yCTA+ctaH, ctaH/2, false) })
		c.drawBlock("cta", cta, cx, yCTA+padY+0.02*cta.face.size, alignCenter, p.onAccent)
	}
	if store != nil {
		r := c.drawBlock("store", store, cx, storeTop, alignCenter, p.text)
		// Short rules either side: "—— 민수네 카페 ——".
		ly := storeTop + store.h*0.5
		t := math.Max(1, 0.0022*u)
		gap, ln := 0.022*u, 0.04*u
		shape(c.img, p.muted, func(pa *path) {
			pa.rect(float64(r.Min.X)-gap-ln, ly-t/2, float64(r.Min.X)-gap, ly+t/2, false)
			pa.rect(float64(r.Max.X)+gap, ly-t/2, float64(r.Max.X)+gap+ln, ly+t/2, false)
		})
	}
}
