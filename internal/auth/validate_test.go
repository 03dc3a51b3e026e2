package auth

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

func TestUserInputRules(t *testing.T) {
	ok := UserInput{Handle: "ann", Name: "Ann", Email: "ann@example.com", TimeZone: "Europe/Vienna", Level: "responder"}
	with := func(f func(*UserInput)) UserInput { in := ok; f(&in); return in }
	tests := []struct {
		name  string
		in    UserInput
		field string // "" when valid
	}{
		{"valid", ok, ""},
		{"handle uppercased is lowered", with(func(in *UserInput) { in.Handle = "Ann.B" }), ""},
		{"handle with dot, dash, underscore", with(func(in *UserInput) { in.Handle = "a.b-c_d" }), ""},
		{"handle too short", with(func(in *UserInput) { in.Handle = "a" }), "handle"},
		{"handle 39 chars", with(func(in *UserInput) { in.Handle = strings.Repeat("a", 39) }), ""},
		{"handle 40 chars", with(func(in *UserInput) { in.Handle = strings.Repeat("a", 40) }), "handle"},
		{"handle starting with dash", with(func(in *UserInput) { in.Handle = "-ann" }), "handle"},
		{"handle with space", with(func(in *UserInput) { in.Handle = "ann b" }), "handle"},
		{"handle with @", with(func(in *UserInput) { in.Handle = "ann@x" }), "handle"},
		{"empty name defaults to handle", with(func(in *UserInput) { in.Name = "" }), ""},
		{"name too long", with(func(in *UserInput) { in.Name = strings.Repeat("n", 101) }), "name"},
		{"email missing", with(func(in *UserInput) { in.Email = "" }), "email"},
		{"email without domain", with(func(in *UserInput) { in.Email = "ann" }), "email"},
		{"email with display name", with(func(in *UserInput) { in.Email = "Ann <ann@example.com>" }), "email"},
		{"email localhost", with(func(in *UserInput) { in.Email = "admin@localhost" }), ""},
		{"time zone empty is UTC", with(func(in *UserInput) { in.TimeZone = "" }), ""},
		{"time zone unknown", with(func(in *UserInput) { in.TimeZone = "Europe/Atlantis" }), "time_zone"},
		{"time zone Local", with(func(in *UserInput) { in.TimeZone = "Local" }), "time_zone"},
		{"level admin", with(func(in *UserInput) { in.Level = "admin" }), ""},
		{"level unknown", with(func(in *UserInput) { in.Level = "owner" }), "level"},
		{"level empty", with(func(in *UserInput) { in.Level = "" }), "level"},
		{"password short", with(func(in *UserInput) { in.Password = "short" }), "password"},
		{"password fine", with(func(in *UserInput) { in.Password = "a long enough one" }), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := tt.in.validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("validate = %v, want ok", err)
				}
				if u.Handle != strings.ToLower(tt.in.Handle) || u.TimeZone == "" || u.Name == "" {
					t.Fatalf("validated user = %+v", u)
				}
				return
			}
			if !apperr.Is(err, apperr.CodeInvalid) || apperr.As(err).Field != tt.field {
				t.Fatalf("validate = %v, want invalid %s", err, tt.field)
			}
		})
	}
}

func TestUserPatchApply(t *testing.T) {
	u := User{Handle: "ann", Name: "Ann", Email: "ann@example.com", TimeZone: "UTC", Level: access.Viewer}
	name, tz, level := " Ann B ", "Asia/Tokyo", "admin"
	if err := (UserPatch{Name: &name, TimeZone: &tz, Level: &level}).apply(&u); err != nil {
		t.Fatal(err)
	}
	if u.Name != "Ann B" || u.TimeZone != "Asia/Tokyo" || u.Level != access.Admin || u.Email != "ann@example.com" {
		t.Fatalf("patched = %+v", u)
	}
	bad := "nope"
	if err := (UserPatch{Email: &bad}).apply(&u); apperr.As(err).Field != "email" {
		t.Fatalf("bad email: %v", err)
	}
}

func TestUserJSON(t *testing.T) {
	u := User{ID: 7, Handle: "ann", Name: "Ann", Email: "ann@example.com", TimeZone: "UTC", Level: access.Responder}
	b, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"id":7`, `"level":"responder"`, `"time_zone":"UTC"`, `"disabled":false`, `"created_at"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
	var back User
	if err := json.Unmarshal(b, &back); err != nil || back != u {
		t.Fatalf("round trip = %+v, %v", back, err)
	}
}
