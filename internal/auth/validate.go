package auth

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

var handleRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,38}$`)

// NormalizeHandle lowercases and trims a handle and checks its form.
func NormalizeHandle(h string) (string, error) {
	h = strings.ToLower(strings.TrimSpace(h))
	if !handleRE.MatchString(h) {
		return "", apperr.Invalid("handle", "must be 2–39 characters of a–z, 0–9, '.', '_' or '-', starting with a letter or digit")
	}
	return h, nil
}

// NormalizeEmail trims and lowercases a bare address such as ann@example.com.
func NormalizeEmail(e string) (string, error) {
	e = strings.ToLower(strings.TrimSpace(e))
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" || len(e) > 254 {
		return "", apperr.Invalid("email", "must be an address like ann@example.com")
	}
	return e, nil
}

// ValidateTimeZone checks an IANA time zone name; empty means UTC.
func ValidateTimeZone(tz string) (string, error) {
	tz = strings.TrimSpace(tz)
	if tz == "" {
		return "UTC", nil
	}
	// LoadLocation also accepts "Local", which means nothing to other people.
	if tz == "Local" {
		return "", apperr.Invalid("time_zone", "must be an IANA time zone such as Europe/Vienna")
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return "", apperr.Invalid("time_zone", "%q is not a known time zone (use an IANA name such as Europe/Vienna)", tz)
	}
	return tz, nil
}

// ParseLevel parses "viewer", "responder" or "admin".
func ParseLevel(s string) (access.Level, error) {
	l, ok := access.ParseLevel(strings.ToLower(strings.TrimSpace(s)))
	if !ok {
		return 0, apperr.Invalid("level", "must be viewer, responder or admin")
	}
	return l, nil
}

func validateName(field, name string, max int) (string, error) {
	name = strings.TrimSpace(name)
	n := utf8.RuneCountInString(name)
	if n == 0 {
		return "", apperr.Invalid(field, "must not be empty")
	}
	if n > max {
		return "", apperr.Invalid(field, "must be at most %d characters", max)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "", apperr.Invalid(field, "must not contain control characters")
		}
	}
	return name, nil
}

// UserInput is a new user.
type UserInput struct {
	Handle   string `json:"handle"`
	Name     string `json:"name"` // defaults to the handle
	Email    string `json:"email"`
	TimeZone string `json:"time_zone"` // defaults to UTC
	Level    string `json:"level"`     // viewer, responder or admin
	Password string `json:"password"`  // optional: without one the user cannot sign in until it is set
}

// validate returns the User it describes.
func (in UserInput) validate() (User, error) {
	var (
		u   User
		err error
	)
	if u.Handle, err = NormalizeHandle(in.Handle); err != nil {
		return u, err
	}
	name := in.Name
	if strings.TrimSpace(name) == "" {
		name = u.Handle
	}
	if u.Name, err = validateName("name", name, 100); err != nil {
		return u, err
	}
	if u.Email, err = NormalizeEmail(in.Email); err != nil {
		return u, err
	}
	if u.TimeZone, err = ValidateTimeZone(in.TimeZone); err != nil {
		return u, err
	}
	if u.Level, err = ParseLevel(in.Level); err != nil {
		return u, err
	}
	if in.Password != "" {
		if err := ValidatePassword("password", in.Password); err != nil {
			return u, err
		}
	}
	return u, nil
}

// UserPatch changes some fields of a user; nil fields stay as they are.
// Level and Disabled are for admins only.
type UserPatch struct {
	Name     *string `json:"name,omitempty"`
	Email    *string `json:"email,omitempty"`
	TimeZone *string `json:"time_zone,omitempty"`
	Level    *string `json:"level,omitempty"`
	Disabled *bool   `json:"disabled,omitempty"`
}

// apply validates p and applies it to u.
func (p UserPatch) apply(u *User) error {
	var err error
	if p.Name != nil {
		if u.Name, err = validateName("name", *p.Name, 100); err != nil {
			return err
		}
	}
	if p.Email != nil {
		if u.Email, err = NormalizeEmail(*p.Email); err != nil {
			return err
		}
	}
	if p.TimeZone != nil {
		if u.TimeZone, err = ValidateTimeZone(*p.TimeZone); err != nil {
			return err
		}
	}
	if p.Level != nil {
		if u.Level, err = ParseLevel(*p.Level); err != nil {
			return err
		}
	}
	if p.Disabled != nil {
		u.Disabled = *p.Disabled
	}
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
