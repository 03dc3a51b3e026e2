package paging

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
)

// LinkAction is what a signed link in a notice does.
type LinkAction string

// The actions a link may carry.
const (
	LinkAcknowledge LinkAction = "ack"
	LinkResolve     LinkAction = "resolve"
)

// Label is the link's text.
func (a LinkAction) Label() string {
	if a == LinkResolve {
		return "Resolve"
	}
	return "Acknowledge"
}

// Link is a verified action link.
type Link struct {
	PageID  int64
	UserID  int64
	Action  LinkAction
	Expires time.Time
	Nonce   string
}

// ActionURL signs a one-time link that lets user act on page without
// signing in (from a phone's mail or SMS app), valid for the link TTL.
func (s *Service) ActionURL(ctx context.Context, pageID, user int64, act LinkAction, now time.Time) (string, error) {
	key, err := s.linkKey(ctx)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, 9)
	_, _ = rand.Read(nonce)
	l := Link{PageID: pageID, UserID: user, Action: act, Expires: now.Add(s.linkTTL), Nonce: hex.EncodeToString(nonce)}
	return s.baseURL + "/p/" + signLink(key, l), nil
}

// linkKey reads the signing key once (it never changes).
func (s *Service) linkKey(ctx context.Context) ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key == nil {
		k, err := s.store.LinkKey(ctx)
		if err != nil {
			return nil, err
		}
		s.key = k
	}
	return s.key, nil
}

func signLink(key []byte, l Link) string {
	payload := fmt.Sprintf("%d.%d.%s.%d.%s", l.PageID, l.UserID, l.Action, l.Expires.Unix(), l.Nonce)
	m := hmac.New(sha256.New, key)
	m.Write([]byte("page-link\x00" + payload))
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// ParseLink checks a link's signature and expiry (not whether it was used).
func (s *Service) ParseLink(ctx context.Context, token string) (Link, error) {
	bad := apperr.Invalid("link", "this link is not valid; open the page in Firebreak instead")
	// Only the URL-safe alphabet: the decoder would skip line breaks, and
	// a link has one spelling.
	if strings.IndexFunc(token, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	}) >= 0 {
		return Link{}, bad
	}
	p64, mac64, ok := strings.Cut(token, ".")
	if !ok {
		return Link{}, bad
	}
	payload, err1 := base64.RawURLEncoding.Strict().DecodeString(p64) // one spelling per link: no variants of a used one
	mac, err2 := base64.RawURLEncoding.Strict().DecodeString(mac64)
	if err1 != nil || err2 != nil {
		return Link{}, bad
	}
	key, err := s.linkKey(ctx)
	if err != nil {
		return Link{}, err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("page-link\x00"))
	m.Write(payload)
	if !hmac.Equal(mac, m.Sum(nil)) {
		return Link{}, bad
	}
	f := strings.Split(string(payload), ".")
	if len(f) != 5 {
		return Link{}, bad
	}
	page, e1 := strconv.ParseInt(f[0], 10, 64)
	user, e2 := strconv.ParseInt(f[1], 10, 64)
	exp, e3 := strconv.ParseInt(f[3], 10, 64)
	act := LinkAction(f[2])
	if e1 != nil || e2 != nil || e3 != nil || (act != LinkAcknowledge && act != LinkResolve) {
		return Link{}, bad
	}
	l := Link{PageID: page, UserID: user, Action: act, Expires: time.Unix(exp, 0), Nonce: f[4]}
	if !s.now().Before(l.Expires) {
		return Link{}, apperr.Invalid("link", "this link has expired; open the page in Firebreak instead")
	}
	return l, nil
}

// UseLink acts on a page through a signed link, once: the person the link
// was sent to acknowledges or resolves the page. A link used before, or
// expired, or forged, is refused.
func (s *Service) UseLink(ctx context.Context, token string, who access.Actor) (Page, Link, error) {
	l, err := s.ParseLink(ctx, token)
	if err != nil {
		return Page{}, Link{}, err
	}
	var fresh bool
	if err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		fresh, err = tx.UseLink(ctx, l.Nonce, s.now())
		return err
	}); err != nil {
		return Page{}, l, err
	}
	if !fresh {
		return Page{}, l, apperr.Conflict("this link was used already")
	}
	who.UserID, who.Level, who.Source = l.UserID, access.Responder, "link"
	ctx = access.With(ctx, who)
	var p Page
	if l.Action == LinkResolve {
		p, err = s.Resolve(ctx, l.PageID)
	} else {
		p, err = s.Acknowledge(ctx, l.PageID)
	}
	return p, l, err
}
