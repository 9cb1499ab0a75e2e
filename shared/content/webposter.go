package content

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	pathpkg "path"
	"strings"

	"github.com/google/uuid"
	xdraw "golang.org/x/image/draw"

	"github.com/eventmkt/backend/shared/event"
)

// The entry page's poster: small enough for a phone on a slow network to
// show it first (it is the page's largest paint), sharp on a 360-px-wide
// screen at 2x.
const (
	WebPosterWidth    = 720
	WebPosterMaxBytes = 150 * 1024
	maxPosterBytes    = 32 << 20 // a stored poster larger than this is not ours
)

// webJPEGQualities are tried in turn until the poster fits the budget; a
// text poster usually fits at the first.
var webJPEGQualities = []int{85, 78, 70, 60, 50, 40}

// WebPoster makes the entry page's copy of one of this service's posters:
// scaled to at most WebPosterWidth pixels wide (never up), encoded as JPEG
// or PNG, whichever is smaller (flat text posters compress better as PNG,
// photographic AI backdrops as JPEG), within WebPosterMaxBytes, and stored
// beside the original. Its name derives from the original's, so making it
// again overwrites the same blob with the same bytes.
func (s *Service) WebPoster(ctx context.Context, eventID uuid.UUID, imageURL string) (event.WebPoster, error) {
	name, ok := s.nameOf(imageURL)
	if !ok {
		return event.WebPoster{}, fmt.Errorf("content: web poster of %s: %q is not a poster of container %s", eventID, imageURL, s.container)
	}
	resp, err := s.blobs.DownloadStream(ctx, s.container, name, nil)
	if err != nil {
		return event.WebPoster{}, fmt.Errorf("content: web poster: download %s: %w", name, err)
	}
	defer resp.Body.Close()
	src, _, err := image.Decode(io.LimitReader(resp.Body, maxPosterBytes))
	if err != nil {
		return event.WebPoster{}, fmt.Errorf("content: web poster: decode %s: %w", name, err)
	}
	data, ext, w, h, err := EncodeWebPoster(src)
	if err != nil {
		return event.WebPoster{}, fmt.Errorf("content: web poster of %s: %w", name, err)
	}
	webName := strings.TrimSuffix(name, pathpkg.Ext(name)) + fmt.Sprintf("-web%d", w) + ext
	contentType := "image/jpeg"
	if ext == ".png" {
		contentType = "image/png"
	}
	url, err := s.uploadAs(ctx, webName, data, contentType)
	if err != nil {
		return event.WebPoster{}, err
	}
	s.log.InfoContext(ctx, "web poster made", "eventId", eventID, "name", webName, "bytes", len(data), "width", w, "height", h)
	return event.WebPoster{URL: url, Width: w, Height: h}, nil
}

// EncodeWebPoster scales src to the web width and encodes it within the
// budget. It returns the bytes, their extension (.jpg or .png) and the
// pixel size.
func EncodeWebPoster(src image.Image) ([]byte, string, int, int, error) {
	b := src.Bounds()
	if b.Empty() {
		return nil, "", 0, 0, fmt.Errorf("empty image")
	}
	w, h := b.Dx(), b.Dy()
	if w > WebPosterWidth {
		w, h = WebPosterWidth, max(1, (h*WebPosterWidth+b.Dx()/2)/b.Dx())
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), src, b, xdraw.Src, nil)

	var pngBuf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&pngBuf, dst); err != nil {
		return nil, "", 0, 0, fmt.Errorf("encode png: %w", err)
	}
	for _, q := range webJPEGQualities {
		var jpgBuf bytes.Buffer
		if err := jpeg.Encode(&jpgBuf, dst, &jpeg.Options{Quality: q}); err != nil {
			return nil, "", 0, 0, fmt.Errorf("encode jpeg: %w", err)
		}
		if pngBuf.Len() <= jpgBuf.Len() && pngBuf.Len() <= WebPosterMaxBytes {
			return pngBuf.Bytes(), ".png", w, h, nil
		}
		if jpgBuf.Len() <= WebPosterMaxBytes {
			return jpgBuf.Bytes(), ".jpg", w, h, nil
		}
	}
	return nil, "", 0, 0, fmt.Errorf("no encoding of %dx%d fits %d bytes", w, h, WebPosterMaxBytes)
}
