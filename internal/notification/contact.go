package notification

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/big"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// Contact is one way to reach a person. It is used only once verified.
type Contact struct {
	ID         int64
	UserID     int64
	Kind       Kind
	Name       string // e.g. "Work phone"
	Address    string
	VerifiedAt *time.Time
	CreatedAt  time.Time

	// The pending verification code: its hash, expiry and the wrong
	// guesses made against it. Never the code itself.
	CodeHash      string
	CodeExpiresAt *time.Time
	CodeAttempts  int
	// Codes sent in the current day-long window, and when it began: a
	// contact method is not a way to text a number without end.
	CodeSends      int
	CodeSendsSince *time.Time
}

// Verified reports whether the contact method may be used.
func (c Contact) Verified() bool { return c.VerifiedAt != nil }

// Verification limits.
const (
	CodeLifetime    = 15 * time.Minute
	CodeMaxAttempts = 5
	codeDigits      = 6
	// MaxCodesPerDay caps the codes sent to one contact method in 24 hours,
	// so adding a stranger's number and pressing "resend" cannot text them
	// (or a premium-rate number, at Firebreak's cost) without end.
	MaxCodesPerDay = 5
	codeSendWindow = 24 * time.Hour
)

// MayResend reports whether another code may be sent to c at now.
func (c Contact) MayResend(now time.Time) bool {
	return c.CodeSendsSince == nil || !now.Before(c.CodeSendsSince.Add(codeSendWindow)) || c.CodeSends < MaxCodesPerDay
}

// CountSend records one more code sent at now.
func (c Contact) CountSend(now time.Time) Contact {
	if c.CodeSendsSince == nil || !now.Before(c.CodeSendsSince.Add(codeSendWindow)) {
		t := now.UTC()
		c.CodeSendsSince, c.CodeSends = &t, 0
	}
	c.CodeSends++
	return c
}

// NormalizeAddress checks an address for a kind and returns it in the form
// stored: a bare email address, an absolute http(s) URL, an E.164 number.
// Kinds it does not know (added by other capabilities) need a non-empty
// address without line breaks.
func NormalizeAddress(kind Kind, address string) (string, error) {
	address = strings.TrimSpace(address)
	if address == "" {
		return "", apperr.Invalid("address", "the address is empty")
	}
	switch kind {
	case Email:
		a, err := mail.ParseAddress(address)
		if err != nil || a.Name != "" || !strings.Contains(a.Address, "@") {
			return "", apperr.Invalid("address", "%q is not an email address (write it as name@example.com)", address)
		}
		return a.Address, nil
	case Webhook:
		u, err := url.Parse(address)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			return "", apperr.Invalid("address", "%q is not an http(s) URL without credentials (e.g. https://ntfy.sh/your-topic)", address)
		}
		return u.String(), nil
	case SMS:
		return NormalizePhone(address)
	}
	if strings.ContainsAny(address, "\r\n") || len(address) > 512 {
		return "", apperr.Invalid("address", "the address is not valid")
	}
	return address, nil
}

// NormalizePhone turns a phone number as people write it ("+49 170 123-4567",
// "+1 (415) 555 0100") into E.164 ("+491701234567"). The country code is
// required: Firebreak does not guess where a number is.
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", apperr.Invalid("address", "%q is not a phone number (write it with its country code, e.g. +49 170 1234567)", s)
		}
	}
	n := b.String()
	if !strings.HasPrefix(n, "+") {
		return "", apperr.Invalid("address", "%q has no country code: start it with + (e.g. +1 415 555 0100)", s)
	}
	digits := n[1:]
	if len(digits) < 8 || len(digits) > 15 || digits[0] == '0' {
		return "", apperr.Invalid("address", "%q is not a phone number in international form (8 to 15 digits after +)", s)
	}
	return n, nil
}

// NewCode returns a fresh verification code and the hash kept of it.
func NewCode(contactID int64) (code, hash string, err error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", "", err
	}
	code = fmt.Sprintf("%0*d", codeDigits, n.Int64())
	return code, HashCode(contactID, code), nil
}

// HashCode is the stored form of a code: bound to its contact method, so a
// hash copied to another row verifies nothing.
func HashCode(contactID int64, code string) string {
	sum := sha256.Sum256([]byte(strconv.FormatInt(contactID, 10) + ":" + code))
	return hex.EncodeToString(sum[:])
}

// CheckCode applies a guess to c at now. It returns the updated contact
// (verified, or with one more wrong attempt counted) and an error a person
// can act on when the guess does not verify it.
func CheckCode(c Contact, code string, now time.Time) (Contact, error) {
	if c.Verified() {
		return c, nil
	}
	if c.CodeHash == "" || c.CodeExpiresAt == nil {
		return c, apperr.Invalid("code", "no code was sent to this contact method yet; ask for one")
	}
	if c.CodeAttempts >= CodeMaxAttempts {
		return c, apperr.Invalid("code", "too many wrong codes; ask for a new one")
	}
	if !now.Before(*c.CodeExpiresAt) {
		return c, apperr.Invalid("code", "the code has expired; ask for a new one")
	}
	code = strings.TrimSpace(code)
	if subtle.ConstantTimeCompare([]byte(HashCode(c.ID, code)), []byte(c.CodeHash)) != 1 {
		c.CodeAttempts++
		left := CodeMaxAttempts - c.CodeAttempts
		if left <= 0 {
			return c, apperr.Invalid("code", "the code is wrong, and that was the last try; ask for a new one")
		}
		return c, apperr.Invalid("code", "the code is wrong (%d tries left)", left)
	}
	t := now.UTC()
	c.VerifiedAt, c.CodeHash, c.CodeExpiresAt, c.CodeAttempts = &t, "", nil, 0
	return c, nil
}

// MaskAddress shows enough of an address to recognise it in a history
// without spelling it out (webhook URLs carry secrets in their paths).
func MaskAddress(kind Kind, address string) string {
	switch kind {
	case Webhook:
		if u, err := url.Parse(address); err == nil {
			return u.Scheme + "://" + u.Host + "/…"
		}
	case SMS:
		if len(address) > 4 {
			return strings.Repeat("•", len(address)-4) + address[len(address)-4:]
		}
	}
	return address
}
