package postmortem

import "time"

// CreateJob drafts the postmortem of an incident that entered Improve. It is
// idempotent: a second run finds the postmortem and does nothing.
type CreateJob struct {
	Number int64 `json:"number"`
}

// Kind names the job.
func (CreateJob) Kind() string { return "postmortem_create" }

// SyncJob refreshes the basic-information block and the imported timeline
// after a later incident event.
type SyncJob struct {
	Number int64 `json:"number"`
	Seq    int64 `json:"seq"` // the event that prompted it (for the log)
}

// Kind names the job.
func (SyncJob) Kind() string { return "postmortem_sync" }

// InviteJob sends the meeting invitation (or its update or cancellation)
// at Sequence to one attendee; it does nothing when the meeting has moved on
// to a later sequence (a newer job carries that).
type InviteJob struct {
	Number   int64 `json:"number"`
	UserID   int64 `json:"user_id"`
	Sequence int   `json:"sequence"`
}

// Kind names the job.
func (InviteJob) Kind() string { return "postmortem_invite" }

// FormInviteJob sends one involved person the link to their 5-Why form.
type FormInviteJob struct {
	Number int64 `json:"number"`
	UserID int64 `json:"user_id"`
}

// Kind names the job.
func (FormInviteJob) Kind() string { return "postmortem_form_invite" }

// FormReminderJob reminds those who have not submitted their form; it runs
// at Due and does nothing when the meeting moved (Sequence changed) or was cancelled.
type FormReminderJob struct {
	Number   int64     `json:"number"`
	Sequence int       `json:"sequence"`
	Due      time.Time `json:"due"`
}

// Kind names the job.
func (FormReminderJob) Kind() string { return "postmortem_form_reminder" }

// RunAt holds the job until it is due.
func (j FormReminderJob) RunAt() time.Time { return j.Due }

// OverdueJob reminds an action item's owner when it is overdue, and the
// Incident Manager after the grace period. It runs at Due and re-reads the
// item: done items and moved due dates make it do nothing.
type OverdueJob struct {
	ItemID int64     `json:"item_id"`
	Due    time.Time `json:"due"`
	ToIM   bool      `json:"to_im"`
}

// Kind names the job.
func (OverdueJob) Kind() string { return "postmortem_overdue" }

// RunAt holds the job until it is due.
func (j OverdueJob) RunAt() time.Time { return j.Due }

// TrackJob asks the Tracker to sync one action item.
type TrackJob struct {
	ItemID int64 `json:"item_id"`
}

// Kind names the job.
func (TrackJob) Kind() string { return "postmortem_track" }

// IndexJob asks the Indexer to index a published postmortem.
type IndexJob struct {
	Number int64 `json:"number"`
}

// Kind names the job.
func (IndexJob) Kind() string { return "postmortem_index" }

// SubmitJob asks the Publisher to submit a postmortem for git review.
type SubmitJob struct {
	Number  int64 `json:"number"`
	Version int64 `json:"version"`
}

// Kind names the job.
func (SubmitJob) Kind() string { return "postmortem_submit" }

// ReviewRequestJob tells a requested reviewer by email.
type ReviewRequestJob struct {
	Number int64 `json:"number"`
	UserID int64 `json:"user_id"`
}

// Kind names the job.
func (ReviewRequestJob) Kind() string { return "postmortem_review_request" }
