package emulator

import (
	"net/http"
	"strconv"
)

// Page sizes of list endpoints.
const (
	defaultPerPage = 25
	maxPerPage     = 100
)

// listEnvelope is the API's paginated list response.
type listEnvelope[T any] struct {
	Type        string  `json:"type"`
	CurrentPage int     `json:"current_page"`
	PerPage     int     `json:"per_page"`
	NextPage    *int    `json:"next_page"`
	NextPageURL *string `json:"next_page_url"`
	PrevPage    *int    `json:"prev_page"`
	PrevPageURL *string `json:"prev_page_url"`
	TotalCount  int     `json:"total_count"`
	TotalPages  int     `json:"total_pages"`
	Data        []T     `json:"data"`
}

// paginate cuts items to the requested page (page and per_page, 1-based, 25 by default, at
// most 100) and wraps it in the list envelope.
func paginate[T any](r *http.Request, items []T) listEnvelope[T] {
	page := positiveQuery(r, "page", 1)
	perPage := min(positiveQuery(r, "per_page", defaultPerPage), maxPerPage)
	total := len(items)
	pages := (total + perPage - 1) / perPage
	start := min((page-1)*perPage, total)
	end := min(start+perPage, total)
	env := listEnvelope[T]{
		Type:        "list",
		CurrentPage: page,
		PerPage:     perPage,
		TotalCount:  total,
		TotalPages:  pages,
		Data:        append([]T{}, items[start:end]...),
	}
	if page < pages {
		env.NextPage, env.NextPageURL = pageLink(r, page+1)
	}
	if page > 1 {
		env.PrevPage, env.PrevPageURL = pageLink(r, min(page-1, max(pages, 1)))
	}
	return env
}

// positiveQuery reads a positive integer query parameter, or def.
func positiveQuery(r *http.Request, name string, def int) int {
	n, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil || n < 1 {
		return def
	}
	return n
}

// pageLink returns the number and the absolute URL of another page of the
// same list.
func pageLink(r *http.Request, page int) (*int, *string) {
	q := r.URL.Query()
	q.Set("page", strconv.Itoa(page))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := scheme + "://" + r.Host + r.URL.Path + "?" + q.Encode()
	return &page, &u
}
