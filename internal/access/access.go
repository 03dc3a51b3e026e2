// Package access holds who is acting and what they may do. The actor travels
// in the context so that every surface (API, UI, CLI, chat) is checked by the
// same service-level rules.
package access

import "context"

// Level is a user's permission level; higher levels include the lower ones.
type Level int

// The permission levels.
const (
	Viewer    Level = iota + 1 // reads everything, changes nothing
	Responder                  // works incidents: declares, takes roles, changes stages
	Admin                      // also manages people, the catalog and settings
)

// ParseLevel turns "viewer", "responder" or "admin" into a Level.
func ParseLevel(s string) (Level, bool) {
	switch s {
	case "viewer":
		return Viewer, true
	case "responder":
		return Responder, true
	case "admin":
		return Admin, true
	}
	return 0, false
}

func (l Level) String() string {
	switch l {
	case Viewer:
		return "viewer"
	case Responder:
		return "responder"
	case Admin:
		return "admin"
	}
	return "none"
}

// Actor is the person (or system) on whose behalf a change is made.
type Actor struct {
	UserID int64
	Handle string
	Name   string
	Level  Level
	Source string // where the action came from: "web", "api", "cli", "system"; and the client address
}

// System is the actor for changes Firebreak makes by itself.
var System = Actor{Handle: "firebreak", Name: "Firebreak", Level: Admin, Source: "system"}

// Can reports whether the actor has at least level l.
func (a Actor) Can(l Level) bool { return a.Level >= l }

// IsAdmin reports whether the actor is an admin.
func (a Actor) IsAdmin() bool { return a.Level >= Admin }

type ctxKey struct{}

// With returns a context carrying the actor.
func With(ctx context.Context, a Actor) context.Context { return context.WithValue(ctx, ctxKey{}, a) }

// From returns the actor in ctx, and false when there is none.
func From(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(ctxKey{}).(Actor)
	return a, ok
}
