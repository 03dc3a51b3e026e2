package postmortem

import "context"

// Publisher submits a postmortem for git-based review (the publishing
// capability's git adapter: a branch, a commit and a pull request). When the
// review merges, the adapter calls Service.MarkPublished with mode "git".
type Publisher interface {
	Submit(ctx context.Context, doc *Doc) error
}

// Indexer makes a published postmortem findable on the postmortem site.
// It is called through a job after every publish (and re-publish).
type Indexer interface {
	Index(ctx context.Context, doc *Doc) error
}

// Tracker keeps an action item in sync with an issue in an outside tracker
// (Jira, GitHub Issues). It is called through a job after every change of
// the item; it must be idempotent (create once, then update).
type Tracker interface {
	Sync(ctx context.Context, item ActionItem) error
}

// ChatChannels tells the chat channel and the call link of an incident when
// the chat capability made them (the incident's own chat_channel and
// conference_url fields win).
type ChatChannels interface {
	Channel(ctx context.Context, number int64) (string, error)
	CallLink(ctx context.Context, number int64) (string, error)
}

// PagingRefs tells the paging reference of an incident (e.g. "page 41,
// acknowledged by Ann") when the paging capability keeps its pages apart
// from the incident; the incident's own paging_ref field wins.
type PagingRefs interface {
	PagingRef(ctx context.Context, number int64) (string, error)
}

// Mailer sends email. SendCalendar adds an iCalendar part (text/calendar;
// method=<method>) that calendar programs show as an invitation or a
// cancellation. The email adapter satisfies it.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string, header map[string]string) error
	SendCalendar(ctx context.Context, to, subject, body string, ics []byte, method string) error
}
