package catalog

import (
	"slices"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

func TestValidateName(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"payments", "payments", true},
		{"  Checkout API  ", "Checkout API", true},
		{"", "", false},
		{"   ", "", false},
		{strings.Repeat("x", 100), strings.Repeat("x", 100), true},
		{strings.Repeat("ü", 100), strings.Repeat("ü", 100), true},
		{strings.Repeat("x", 101), "", false},
		{"tab\there", "", false},
	}
	for _, tt := range tests {
		got, err := ValidateName(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ValidateName(%q) = %q, %v", tt.in, got, err)
		}
		if err != nil && apperr.As(err).Field != "name" {
			t.Errorf("error %v does not name the field", err)
		}
	}
}

func TestValidateLinks(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://grafana.example.com/d/abc", true},
		{"http://runbooks.internal/checkout", true},
		{"/relative/path", false},
		{"example.com", false},
		{"ftp://example.com/file", false},
		{"javascript:alert(1)", false},
		{"https://", false},
		{"", false},
	}
	for _, tt := range tests {
		_, err := ValidateLinks([]Link{{Title: "t", URL: tt.url}})
		if (err == nil) != tt.ok {
			t.Errorf("ValidateLinks(%q) = %v, want ok %v", tt.url, err, tt.ok)
		}
		if err != nil && apperr.As(err).Field != "links" {
			t.Errorf("error %v does not name the field", err)
		}
	}
	got, err := ValidateLinks([]Link{{URL: " https://x.example "}})
	if err != nil || got[0].Title != "https://x.example" || got[0].URL != "https://x.example" {
		t.Fatalf("untitled link = %+v, %v", got, err)
	}
}

func TestNormalizeMembers(t *testing.T) {
	got, err := normalizeMembers([]int64{3, 1, 3, 2})
	if err != nil || !slices.Equal(got, []int64{1, 2, 3}) {
		t.Fatalf("normalizeMembers = %v, %v", got, err)
	}
	if got, _ := normalizeMembers(nil); got == nil || len(got) != 0 {
		t.Fatalf("nil members = %#v", got)
	}
	if _, err := normalizeMembers([]int64{0}); apperr.As(err).Field != "members" {
		t.Fatalf("zero id: %v", err)
	}
}
