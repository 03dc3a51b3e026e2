// Package audit describes the audit log: one entry for every write, saying
// who did what, when and from where. Entries are written in the same
// transaction as the change they describe.
package audit

import (
	"time"

	"github.com/firebreak-hq/firebreak/internal/access"
)

// Entry is one audited write.
type Entry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorID   int64     `json:"actor_id,omitempty"`
	ActorName string    `json:"actor_name"`
	Source    string    `json:"source"` // web, api, cli, system, plus the client address
	Action    string    `json:"action"` // e.g. "incident.stage", "user.create"
	Target    string    `json:"target"` // e.g. "INC-4", "user 7"
	Detail    any       `json:"detail,omitempty"`
}

// New starts an entry for actor a.
func New(a access.Actor, at time.Time, action, target string, detail any) Entry {
	return Entry{At: at, ActorID: a.UserID, ActorName: a.Name, Source: a.Source, Action: action, Target: target, Detail: detail}
}
