package auth

import (
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

func TestHashAndVerifyPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=1,p=2$") || strings.Count(h, "$") != 5 {
		t.Fatalf("hash %q is not in PHC format", h)
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	tests := []struct {
		name, hash, pw string
		ok             bool
		err            bool
	}{
		{"right password", h, "correct horse battery", true, false},
		{"wrong password", h, "correct horse battery!", false, false},
		{"empty password", h, "", false, false},
		{"no hash set", "", "anything at all", false, false},
		{"other algorithm", "$2a$10$abcdefghijklmnopqrstuv", "x", false, true},
		{"garbled params", "$argon2id$v=19$m=x,t=1,p=2$c2FsdA$a2V5", "x", false, true},
		{"wrong version", strings.Replace(h, "v=19", "v=16", 1), "correct horse battery", false, true},
		{"bad base64", "$argon2id$v=19$m=65536,t=1,p=2$!!$!!", "x", false, true},
		// Hashes made with other parameters still verify: they are read from the string.
		{"other parameters", "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$JXeHeic88fQ90vy2YbDLQPAoJKhC4AQ4947JLKOQ1v8", "x", true, false},
		{"other parameters, wrong password", "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$JXeHeic88fQ90vy2YbDLQPAoJKhC4AQ4947JLKOQ1v8", "y", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := VerifyPassword(tt.hash, tt.pw)
			if ok != tt.ok || (err != nil) != tt.err {
				t.Fatalf("VerifyPassword = %v, %v; want %v, error %v", ok, err, tt.ok, tt.err)
			}
		})
	}
}

func TestValidatePassword(t *testing.T) {
	tests := []struct {
		pw string
		ok bool
	}{
		{"", false},
		{strings.Repeat("a", 11), false},
		{strings.Repeat("a", 12), true},
		{strings.Repeat("ä", 12), true}, // characters, not bytes
		{strings.Repeat("a", 256), true},
		{strings.Repeat("a", 257), false},
	}
	for _, tt := range tests {
		err := ValidatePassword("password", tt.pw)
		if (err == nil) != tt.ok {
			t.Errorf("ValidatePassword(%d chars) = %v, want ok %v", len([]rune(tt.pw)), err, tt.ok)
		}
		if err != nil && (apperr.As(err).Field != "password" || !apperr.Is(err, apperr.CodeInvalid)) {
			t.Errorf("error %v does not name the field", err)
		}
	}
}

func TestRandomPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		pw, err := RandomPassword(20)
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) != 20 || strings.ContainsAny(pw, "0O1lI") || seen[pw] {
			t.Fatalf("RandomPassword = %q", pw)
		}
		seen[pw] = true
		if ValidatePassword("password", pw) != nil {
			t.Fatalf("generated password %q fails the rules", pw)
		}
	}
}

func TestHashToken(t *testing.T) {
	raw, err := newAPIToken()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(raw, TokenPrefix) || len(raw) != len(TokenPrefix)+52 {
		t.Fatalf("token %q", raw)
	}
	if h := HashToken(raw); len(h) != 64 || strings.Contains(h, raw) || h != HashToken(raw) {
		t.Fatalf("HashToken = %q", h)
	}
}
