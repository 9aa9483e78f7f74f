package ghfake

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Page sizes of GitHub's list endpoints.
const (
	defaultPerPage = 30
	maxPerPage     = 100
)

// page is a list request's page and per_page as GitHub normalises them: page 1 when missing or
// unusable, per_page 30 by default and at most 100.
type page struct {
	number, size int
}

func parsePage(q url.Values) page {
	p := page{number: 1, size: defaultPerPage}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 0 {
		p.number = n
	}
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && n > 0 {
		p.size = min(n, maxPerPage)
	}
	return p
}

// bounds returns the slice bounds of the page in a list of total items.
func (p page) bounds(total int) (from, to int) {
	from = min((p.number-1)*p.size, total)
	return from, min(from+p.size, total)
}

// last returns the number of the last page of total items (at least 1).
func (p page) last(total int) int {
	return max(1, (total+p.size-1)/p.size)
}

// link returns GitHub's Link header for this page: prev, next, last and first, in that order,
// each only when it leads somewhere; "" when everything fits on one page.
func (p page) link(base string, q url.Values, total int) string {
	last := p.last(total)
	if last == 1 && p.number == 1 {
		return ""
	}
	q.Del("page")
	rest := q.Encode()
	at := func(n int) string {
		if rest == "" {
			return fmt.Sprintf("<%s?page=%d>", base, n)
		}
		return fmt.Sprintf("<%s?%s&page=%d>", base, rest, n)
	}
	var parts []string
	if p.number > 1 {
		parts = append(parts, at(p.number-1)+`; rel="prev"`)
	}
	if p.number < last {
		parts = append(parts, at(p.number+1)+`; rel="next"`, at(last)+`; rel="last"`)
	}
	if p.number > 1 {
		parts = append(parts, at(1)+`; rel="first"`)
	}
	return strings.Join(parts, ", ")
}
