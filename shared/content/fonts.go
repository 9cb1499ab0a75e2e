package content

import (
	_ "embed"
	"fmt"
	"sync"

	"golang.org/x/image/font/opentype"
)

// The fonts are NAVER's NanumSquare family (SIL Open Font License 1.1, see
// fonts/OFL.txt). They are embedded so that a poster renders the same on a
// developer laptop, in CI and in a slim container image that has no system
// fonts at all. All three cover the 11,172 precomposed Hangul syllables, so
// Korean text needs no shaping and never falls back to tofu boxes.
var (
	//go:embed fonts/NanumSquareB.ttf
	nanumSquareBold []byte

	//go:embed fonts/NanumSquareR.ttf
	nanumSquareRegular []byte

	//go:embed fonts/NanumSquareRoundB.ttf
	nanumSquareRoundBold []byte
)

// fontSet holds the parsed fonts. A parsed *opentype.Font is read-only and
// safe for concurrent use (each call passes its own buffer); the font.Face
// values built from it are not, so faces are made per render (see faceCache).
type fontSet struct {
	bold    *opentype.Font // headlines and emphasis (SIMPLE, TRENDY)
	regular *opentype.Font // secondary lines: period, guide
	round   *opentype.Font // FANCY's softer, decorative headline face
}

// loadFonts parses the embedded fonts once per process: parsing only indexes
// the tables, but there is no reason to repeat it for every Renderer.
var loadFonts = sync.OnceValues(func() (*fontSet, error) {
	parse := func(name string, data []byte) (*opentype.Font, error) {
		f, err := opentype.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("content: parse embedded font %s: %w", name, err)
		}
		return f, nil
	}
	var fs fontSet
	var err error
	if fs.bold, err = parse("NanumSquareB.ttf", nanumSquareBold); err != nil {
		return nil, err
	}
	if fs.regular, err = parse("NanumSquareR.ttf", nanumSquareRegular); err != nil {
		return nil, err
	}
	if fs.round, err = parse("NanumSquareRoundB.ttf", nanumSquareRoundBold); err != nil {
		return nil, err
	}
	return &fs, nil
})
