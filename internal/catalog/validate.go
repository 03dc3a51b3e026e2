package catalog

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// MaxNameLen is the longest team or service name, in characters.
const MaxNameLen = 100

// maxDescriptionLen bounds descriptions, in characters.
const maxDescriptionLen = 2000

// maxLinks bounds the links of one service.
const maxLinks = 50

// ValidateName trims a team or service name and checks it.
func ValidateName(name string) (string, error) {
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	if n == 0 {
		return "", apperr.Invalid("name", "must not be empty")
	}
	if n > MaxNameLen {
		return "", apperr.Invalid("name", "must be at most %d characters", MaxNameLen)
	}
	if strings.ContainsFunc(name, isControl) {
		return "", apperr.Invalid("name", "must not contain control characters")
	}
	return name, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func validateDescription(d string) (string, error) {
	d = strings.TrimSpace(d)
	if utf8.RuneCountInString(d) > maxDescriptionLen {
		return "", apperr.Invalid("description", "must be at most %d characters", maxDescriptionLen)
	}
	return d, nil
}

// ValidateLinks trims the links and checks that each has a title and an
// absolute http(s) URL.
func ValidateLinks(links []Link) ([]Link, error) {
	if len(links) > maxLinks {
		return nil, apperr.Invalid("links", "at most %d links", maxLinks)
	}
	out := make([]Link, 0, len(links))
	for i, l := range links {
		l.Title, l.URL = strings.TrimSpace(l.Title), strings.TrimSpace(l.URL)
		u, err := url.Parse(l.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, apperr.Invalid("links", "link %d: %q is not an absolute http(s) URL", i+1, l.URL)
		}
		if l.Title == "" {
			l.Title = l.URL
		}
		if utf8.RuneCountInString(l.Title) > 200 || len(l.URL) > 2000 {
			return nil, apperr.Invalid("links", "link %d is too long", i+1)
		}
		out = append(out, l)
	}
	return out, nil
}

// normalizeMembers sorts user ids and removes duplicates.
func normalizeMembers(ids []int64) ([]int64, error) {
	out := slices.Clone(ids)
	for _, id := range out {
		if id <= 0 {
			return nil, apperr.Invalid("members", "%d is not a user id", id)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []int64{}
	}
	return out, nil
}
