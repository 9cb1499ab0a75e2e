package handlers

import (
	"net/http"
	"strconv"

	"github.com/eventmkt/backend/shared/apperr"
)

// pageResponse is the list shape of API.md.
type pageResponse[T any] struct {
	Content       []T `json:"content"`
	Page          int `json:"page"`
	Size          int `json:"size"`
	TotalElements int `json:"totalElements"`
	TotalPages    int `json:"totalPages"`
}

func newPage[T any](items []T, page, size, total int) pageResponse[T] {
	if items == nil {
		items = []T{}
	}
	return pageResponse[T]{Content: items, Page: page, Size: size, TotalElements: total, TotalPages: (total + size - 1) / size}
}

// pageParams reads page (from 0) and size (1..100, default 20).
func pageParams(r *http.Request) (page, size int, err error) {
	var v apperr.Validation
	page, size = 0, 20
	if s := r.URL.Query().Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		v.Check(err == nil && n >= 0 && n <= 1_000_000, "page", "must be a whole number from 0")
		page = n
	}
	if s := r.URL.Query().Get("size"); s != "" {
		n, err := strconv.Atoi(s)
		v.Check(err == nil && n >= 1 && n <= 100, "size", "must be a whole number from 1 to 100")
		size = n
	}
	return page, size, v.Err()
}
