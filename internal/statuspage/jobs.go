package statuspage

import "time"

// FanoutJob turns one published update into a delivery per subscriber.
type FanoutJob struct {
	UpdateID int64 `json:"update_id"`
}

// Kind names the job.
func (FanoutJob) Kind() string { return "statuspage_fanout" }

// DeliverJob sends one update to one subscriber.
type DeliverJob struct {
	UpdateID     int64 `json:"update_id"`
	SubscriberID int64 `json:"subscriber_id"`
}

// Kind names the job.
func (DeliverJob) Kind() string { return "statuspage_deliver" }

// ConfirmJob sends the double opt-in email to a new email subscriber.
type ConfirmJob struct {
	SubscriberID int64 `json:"subscriber_id"`
}

// Kind names the job.
func (ConfirmJob) Kind() string { return "statuspage_confirm" }

// StakeholderJob sends an internal update to every internal channel.
type StakeholderJob struct {
	UpdateID int64 `json:"update_id"`
}

// Kind names the job.
func (StakeholderJob) Kind() string { return "statuspage_stakeholder" }

// ReminderJob reminds the Communications Manager that the next public
// update of an incident is due. It runs at Due; it does nothing when an
// update was published after AfterUpdate or the incident is no longer open.
type ReminderJob struct {
	Number      int64     `json:"number"`
	AfterUpdate int64     `json:"after_update"`
	Due         time.Time `json:"due"`
}

// Kind names the job.
func (ReminderJob) Kind() string { return "statuspage_reminder" }

// RunAt tells the queue to hold the job until it is due.
func (j ReminderJob) RunAt() time.Time { return j.Due }

// MaintenanceJob moves a scheduled maintenance to To when its window opens
// or closes, unless someone already moved it on.
type MaintenanceJob struct {
	IncidentID int64          `json:"incident_id"`
	From       IncidentStatus `json:"from"`
	To         IncidentStatus `json:"to"`
	At         time.Time      `json:"at"`
}

// Kind names the job.
func (MaintenanceJob) Kind() string { return "statuspage_maintenance" }

// RunAt tells the queue to hold the job until At.
func (j MaintenanceJob) RunAt() time.Time { return j.At }
