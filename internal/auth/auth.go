// Package auth manages people and their credentials: users, passwords,
// browser sessions, API tokens, and who may do what (the access levels).
// Every write is checked against the actor in the context and recorded in
// the audit log in the same transaction.
package auth

import (
	"context"
	"encoding/json"
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/audit"
	"github.com/firebreak-hq/firebreak/internal/incident"
)

// User is a person who can sign in to Firebreak.
type User struct {
	ID        int64
	Handle    string
	Name      string
	Email     string
	TimeZone  string
	Level     access.Level
	Disabled  bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// userJSON is the wire form of User: the level is its name.
type userJSON struct {
	ID        int64     `json:"id"`
	Handle    string    `json:"handle"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	TimeZone  string    `json:"time_zone"`
	Level     string    `json:"level"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// MarshalJSON writes the level as "viewer", "responder" or "admin".
func (u User) MarshalJSON() ([]byte, error) {
	return json.Marshal(userJSON{u.ID, u.Handle, u.Name, u.Email, u.TimeZone, u.Level.String(), u.Disabled, u.CreatedAt, u.UpdatedAt})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (u *User) UnmarshalJSON(b []byte) error {
	var j userJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	l, ok := access.ParseLevel(j.Level)
	if !ok && j.Level != "" {
		return apperr.Invalid("level", "must be viewer, responder or admin")
	}
	*u = User{j.ID, j.Handle, j.Name, j.Email, j.TimeZone, l, j.Disabled, j.CreatedAt, j.UpdatedAt}
	return nil
}

// Session is a signed-in browser session; only the hash of its token is kept.
type Session struct {
	ID         int64
	TokenHash  string
	UserID     int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	UserAgent  string
	RemoteAddr string
}

// Token is an API token; the raw value is shown once at creation and only
// its hash is stored.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	UserHandle string     `json:"user_handle"` // filled on read
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// Store is what the auth Service needs from storage. Reads that find
// nothing return an apperr NotFound error.
type Store interface {
	// InTx runs fn in one transaction: all its writes commit together or not at all.
	InTx(ctx context.Context, fn func(Tx) error) error
	UserByID(ctx context.Context, id int64) (User, error)
	UserByHandle(ctx context.Context, handle string) (User, error)
	// UserByLogin finds a user by handle or email and returns the password hash too.
	UserByLogin(ctx context.Context, login string) (User, string, error)
	ListUsers(ctx context.Context) ([]User, error)
	// PasswordHash returns the stored hash of a user's password ("" when none is set).
	PasswordHash(ctx context.Context, userID int64) (string, error)
	SessionByHash(ctx context.Context, tokenHash string) (Session, error)
	TokenByHash(ctx context.Context, tokenHash string) (Token, error)
	// ListTokens lists the tokens of userID, or every token when userID is 0.
	ListTokens(ctx context.Context, userID int64) ([]Token, error)
	AuditLog(ctx context.Context, before int64, limit int) ([]audit.Entry, error)
}

// Tx is one storage transaction of an auth change.
type Tx interface {
	CountUsers(ctx context.Context) (int, error)
	// CountActiveAdmins counts enabled admins and, where the database can,
	// holds them until the transaction ends so two demotions cannot race.
	CountActiveAdmins(ctx context.Context) (int, error)
	// UserForUpdate reads a user and its password hash inside the transaction.
	UserForUpdate(ctx context.Context, id int64) (User, string, error)
	// InsertUser stores u and returns its id; a taken handle or email is an apperr Conflict.
	InsertUser(ctx context.Context, u User, passwordHash string) (int64, error)
	// UpdateUser writes every field of u except the password.
	UpdateUser(ctx context.Context, u User) error
	SetPasswordHash(ctx context.Context, userID int64, hash string, at time.Time) error
	DeleteUser(ctx context.Context, id int64) error
	InsertSession(ctx context.Context, s Session) error
	// DeleteSession removes the session and reports its user (NotFound when absent).
	DeleteSession(ctx context.Context, tokenHash string) (int64, error)
	DeleteUserSessions(ctx context.Context, userID int64) error
	InsertToken(ctx context.Context, t Token, tokenHash string) (int64, error)
	TokenByIDTx(ctx context.Context, id int64) (Token, error)
	DeleteToken(ctx context.Context, id int64) error
	TouchToken(ctx context.Context, id int64, at time.Time) error
	Audit(ctx context.Context, e audit.Entry) error
}

// SessionTTL is how long a browser session lasts.
const SessionTTL = 14 * 24 * time.Hour

// tokenTouchEvery limits how often a token's last use is written.
const tokenTouchEvery = time.Minute

// Service holds the use cases of people and credentials.
type Service struct {
	st  Store
	now func() time.Time
}

var _ incident.People = (*Service)(nil)

// NewService builds the auth service; now is the clock (time.Now in production).
func NewService(st Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{st: st, now: now}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// actor returns the signed-in actor, or Unauthenticated.
func actor(ctx context.Context) (access.Actor, error) {
	a, ok := access.From(ctx)
	if !ok || a.Level == 0 {
		return access.Actor{}, apperr.Unauthenticated("sign in first")
	}
	return a, nil
}

// admin returns the actor if it is an admin, or Forbidden.
func admin(ctx context.Context, what string) (access.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return a, err
	}
	if !a.IsAdmin() {
		return a, apperr.Forbidden("only admins may %s", what)
	}
	return a, nil
}

// AuditLog returns up to limit audit entries older than the entry with id
// before (0: from the newest), newest first. Admins only.
func (s *Service) AuditLog(ctx context.Context, before int64, limit int) ([]audit.Entry, error) {
	if _, err := admin(ctx, "read the audit log"); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	return s.st.AuditLog(ctx, before, limit)
}

// Person resolves a user for an incident role appointment (incident.People).
func (s *Service) Person(ctx context.Context, userID int64) (incident.Person, error) {
	u, err := s.st.UserByID(ctx, userID)
	if err != nil {
		return incident.Person{}, err
	}
	if u.Disabled {
		return incident.Person{}, apperr.Invalid("user_id", "%s is disabled", u.Handle)
	}
	return incident.Person{ID: u.ID, Name: u.Name, Level: u.Level}, nil
}

func userTarget(id int64) string { return "user " + itoa(id) }
