package content

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg" // image APIs may answer JPEG
	_ "image/png"
	"strings"

	"github.com/eventmkt/backend/shared/openai"
)

// Art makes a poster's background picture; the text layer is always ours,
// so Korean copy is exact whatever the model draws.
type Art interface {
	Name() string
	Background(ctx context.Context, spec PosterSpec, industry string) (image.Image, error)
}

// ImageAPI is what OpenAIArt needs from an image model: one encoded image
// for a prompt at a size. *openai.Client is the real one.
type ImageAPI interface {
	Image(ctx context.Context, prompt, size string) ([]byte, error)
}

// OpenAIArt asks an OpenAI-compatible image API for a text-free backdrop.
type OpenAIArt struct {
	client ImageAPI
	model  string
}

// NewOpenAIArt wraps a client whose image model is model.
func NewOpenAIArt(c ImageAPI, model string) *OpenAIArt {
	return &OpenAIArt{client: c, model: model}
}

// Name identifies the generator in job records.
func (a *OpenAIArt) Name() string { return "openai:" + a.model }

var styleWords = map[string]string{
	"SIMPLE": "minimalist, clean composition, soft natural light, lots of empty space, muted palette",
	"FANCY":  "elegant, luxurious, rich deep colours, festive bokeh lights, ornate details",
	"TRENDY": "bold modern graphic look, vivid saturated colours, playful geometric shapes, high contrast",
}

// prompt follows the seed design's rules: an appetising, professional photo
// of the trade, styled per poster style, and never any text.
func prompt(spec PosterSpec, industry string) string {
	subject := "a welcoming small local shop in Korea"
	switch {
	case strings.Contains(industry, "카페") || strings.Contains(strings.ToLower(industry), "cafe") || strings.Contains(industry, "커피"):
		subject = "professional food photography of specialty coffee and desserts in a cozy Korean cafe"
	case strings.Contains(industry, "빵") || strings.Contains(industry, "베이커리"):
		subject = "professional food photography of freshly baked bread and pastries"
	case strings.Contains(industry, "음식") || strings.Contains(industry, "식당") || strings.Contains(industry, "한식"):
		subject = "professional, appetizing food photography of Korean dishes on a table"
	case strings.Contains(industry, "미용") || strings.Contains(industry, "헤어") || strings.Contains(industry, "네일"):
		subject = "a bright, stylish beauty salon interior"
	case strings.Contains(industry, "헬스") || strings.Contains(industry, "필라테스") || strings.Contains(industry, "요가"):
		subject = "a bright fitness studio with equipment, energetic mood"
	}
	return fmt.Sprintf("%s, %s. Background image for a promotional poster. No text, no letters, no words, no typography, no numbers, no labels, no watermark, no logo, no signage. Text-free, clean image.",
		subject, styleWords[spec.Style])
}

// imageSize picks the API size closest to the poster's aspect ratio.
func (a *OpenAIArt) imageSize(spec PosterSpec) string {
	wide := spec.Width*10 > spec.Height*12
	switch {
	case strings.HasPrefix(a.model, "dall-e") && wide:
		return "1792x1024"
	case wide:
		return "1536x1024"
	default:
		return "1024x1024"
	}
}

// Background generates and decodes one backdrop.
func (a *OpenAIArt) Background(ctx context.Context, spec PosterSpec, industry string) (image.Image, error) {
	data, err := a.client.Image(ctx, prompt(spec, industry), a.imageSize(spec))
	if err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: the image does not decode: %v", openai.ErrMalformed, err)
	}
	return img, nil
}
