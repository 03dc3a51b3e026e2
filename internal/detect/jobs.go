package detect

import "time"

// Side-effect jobs of the Detect stage. They carry only ids: the workers
// re-read the group (and do nothing when it has moved on), so a job that
// runs twice does no harm.

// TriageNotifyJob tells the owner team of the service about a new triage item.
type TriageNotifyJob struct {
	GroupID int64 `json:"group_id"`
}

// Kind names the job for the queue.
func (TriageNotifyJob) Kind() string { return "triage_notify" }

// DeclareJob declares an incident for a group a declare rule routed.
type DeclareJob struct {
	GroupID  int64  `json:"group_id"`
	Severity string `json:"severity,omitempty"`
}

// Kind names the job for the queue.
func (DeclareJob) Kind() string { return "alert_group_declare" }

// AttachJob puts a new alert of a group with an incident on that incident's timeline.
type AttachJob struct {
	GroupID int64 `json:"group_id"`
	AlertID int64 `json:"alert_id"`
}

// Kind names the job for the queue.
func (AttachJob) Kind() string { return "alert_attach" }

// GroupResolvedJob records on the incident's timeline that every alert of
// its group resolved, proposing (never doing) to resolve the incident.
type GroupResolvedJob struct {
	GroupID int64 `json:"group_id"`
}

// Kind names the job for the queue.
func (GroupResolvedJob) Kind() string { return "alert_group_resolved" }

// TriageTopic is the live-update topic of the triage queue and alert lists.
const TriageTopic = "triage"

// DeclareRecoverJob is the durable intent of a declare from triage: it is
// enqueued in the transaction that claims the item (pending → declaring)
// and runs once the declare should long be over. If the node died between
// the claim and the link, it finds the incident the declare made (by its
// alert_group label) or declares one, and links the group; if the declare
// finished or was given up, it does nothing.
type DeclareRecoverJob struct {
	GroupID int64          `json:"group_id"`
	Options DeclareOptions `json:"options"`
	At      time.Time      `json:"at"` // when to look: the claim plus DeclareStale
}

// Kind names the job for the queue.
func (DeclareRecoverJob) Kind() string { return "alert_group_declare_recover" }

// RunAt holds the job until the claim is stale.
func (j DeclareRecoverJob) RunAt() time.Time { return j.At }
