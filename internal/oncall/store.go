package oncall

import (
	"context"
	"time"

	"github.com/firebreak-hq/firebreak/internal/audit"
)

// Store is what the on-call Service needs from storage. Reads that find
// nothing return an apperr NotFound error.
type Store interface {
	// InTx runs fn in one transaction.
	InTx(ctx context.Context, fn func(Tx) error) error
	Schedule(ctx context.Context, id int64) (Schedule, error)
	// Schedules lists every schedule by name.
	Schedules(ctx context.Context) ([]Schedule, error)
	// SchedulesOfTeam lists the schedules that belong to a team, by name.
	SchedulesOfTeam(ctx context.Context, teamID int64) ([]Schedule, error)
	// SchedulesOfUser lists the schedules in whose rotations a user takes part, by name.
	SchedulesOfUser(ctx context.Context, userID int64) ([]Schedule, error)
	// Overrides lists the overrides of a schedule (0: of every schedule)
	// that overlap [from, to), by start.
	Overrides(ctx context.Context, scheduleID int64, from, to time.Time) ([]Override, error)
	// OverridesOfUser lists the overrides that put a user on call over [from, to).
	OverridesOfUser(ctx context.Context, userID int64, from, to time.Time) ([]Override, error)
	Override(ctx context.Context, id int64) (Override, error)
	// TeamMember reports whether a user belongs to a team.
	TeamMember(ctx context.Context, teamID, userID int64) (bool, error)
	// CalendarToken finds an unrevoked token by the SHA-256 of its secret.
	CalendarToken(ctx context.Context, hash []byte) (CalendarToken, error)
	// CalendarTokens lists a user's unrevoked tokens.
	CalendarTokens(ctx context.Context, ownerID int64) ([]CalendarToken, error)
	// TouchCalendarToken records that a feed was fetched (best effort, outside any change).
	TouchCalendarToken(ctx context.Context, id int64, at time.Time) error
	// UserNames maps user ids to display names (unknown ids are left out).
	UserNames(ctx context.Context, ids []int64) (map[int64]string, error)
}

// Tx is one storage transaction of an on-call change.
type Tx interface {
	ScheduleForUpdate(ctx context.Context, id int64) (Schedule, error)
	// SaveSchedule inserts s when s.ID is zero, else replaces it and
	// increments its version; it keeps the participants index in step.
	SaveSchedule(ctx context.Context, s *Schedule) error
	DeleteSchedule(ctx context.Context, id int64) error
	AddOverride(ctx context.Context, o *Override) error
	// SetSwap links the two halves of a swap.
	SetSwap(ctx context.Context, id, swapID int64) error
	DeleteOverride(ctx context.Context, id int64) error
	AddCalendarToken(ctx context.Context, t *CalendarToken) error
	RevokeCalendarToken(ctx context.Context, id int64, at time.Time) error
	Audit(ctx context.Context, e audit.Entry) error
	Publish(ctx context.Context, topic string) error
}

// Topic is the live topic of every on-call change.
const Topic = "oncall"

// CalendarToken grants read access to one calendar feed: of a schedule
// (ScheduleID) or of a user's shifts (UserID).
type CalendarToken struct {
	ID         int64      `json:"id"`
	OwnerID    int64      `json:"owner_id"`
	ScheduleID int64      `json:"schedule_id,omitempty"`
	UserID     int64      `json:"user_id,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UsedAt     *time.Time `json:"used_at,omitempty"`
	Hash       []byte     `json:"-"`
}
