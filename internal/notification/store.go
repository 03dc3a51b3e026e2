package notification

import (
	"context"
	"time"
)

// Store is what the notification Service needs from storage.
type Store interface {
	// InTx runs fn in one transaction.
	InTx(ctx context.Context, fn func(Tx) error) error
	Contact(ctx context.Context, id int64) (Contact, error)
	Contacts(ctx context.Context, userID int64) ([]Contact, error)
	Rules(ctx context.Context, userID int64) ([]Rule, error)
	Settings(ctx context.Context, userID int64) (Settings, error)
	Delivery(ctx context.Context, id int64) (Delivery, error)
	// Deliveries lists a person's deliveries, newest first.
	Deliveries(ctx context.Context, userID int64, limit int) ([]Delivery, error)
	// DeliveriesOfPage lists the deliveries of messages about one page, oldest first.
	DeliveriesOfPage(ctx context.Context, pageID int64) ([]Delivery, error)
	Batch(ctx context.Context, id int64) (Batch, error)
}

// Tx is one storage transaction of a notification change.
type Tx interface {
	// AddContact inserts a contact method and sets its ID.
	AddContact(ctx context.Context, c *Contact) error
	// ContactForUpdate reads a contact method and locks it until the
	// transaction ends, so throttle counts for it are taken one at a time.
	ContactForUpdate(ctx context.Context, id int64) (Contact, error)
	// SaveContact stores a contact method's verification state and name.
	SaveContact(ctx context.Context, c Contact) error
	DeleteContact(ctx context.Context, id int64) error
	// Contacts lists the contact methods of the people, each person's in
	// the order they were added.
	Contacts(ctx context.Context, userIDs ...int64) ([]Contact, error)
	// LockContacts reads contact methods by id and holds them until the
	// transaction ends, so throttle counts for one are taken one at a time.
	LockContacts(ctx context.Context, ids []int64) (map[int64]Contact, error)
	AddRule(ctx context.Context, r *Rule) error
	DeleteRule(ctx context.Context, userID, id int64) error
	// Rules lists the rules of the people.
	Rules(ctx context.Context, userIDs ...int64) ([]Rule, error)
	Settings(ctx context.Context, userID int64) (Settings, error)
	SaveSettings(ctx context.Context, s Settings) error
	// AddMessages records messages under their keys and returns the ids of
	// those added, by key; a message whose key was seen before is not
	// recorded again (and is not in the map).
	AddMessages(ctx context.Context, msgs []Message, at time.Time) (map[string]int64, error)
	// AddDelivery records a delivery and sets its ID.
	AddDelivery(ctx context.Context, d *Delivery) error
	// AddDeliveries records deliveries (their IDs are not needed).
	AddDeliveries(ctx context.Context, ds []Delivery) error
	// DeliveriesForUpdate reads deliveries and holds them until the
	// transaction ends.
	DeliveriesForUpdate(ctx context.Context, ids []int64) ([]Delivery, error)
	// DueDeliveries locks up to limit pending deliveries due at now that no
	// node holds (no lease, or one that ran out by the wall clock's time),
	// oldest first. Deliveries another transaction holds are skipped, so
	// nodes claim different ones.
	DueDeliveries(ctx context.Context, now, wall time.Time, limit int) ([]Delivery, error)
	// ReleaseLeases clears the lease of every pending delivery and reports
	// how many there were.
	ReleaseLeases(ctx context.Context) (int, error)
	// SetDeliveries stores the state, attempts, error, claim, lease, batch
	// and times of deliveries.
	SetDeliveries(ctx context.Context, ds []Delivery) error
	// ClaimedSince counts the deliveries of a contact method that took a
	// place in its throttle window since t.
	ClaimedSince(ctx context.Context, contactID int64, since time.Time) (int, error)
	// AddBatch finds or creates the pending batch of a contact method for
	// a reason and due time; added tells whether it is new.
	AddBatch(ctx context.Context, b *Batch) (added bool, err error)
	BatchForUpdate(ctx context.Context, id int64) (Batch, error)
	SetBatch(ctx context.Context, b Batch) error
	// Collapsed lists the deliveries collapsed into a batch.
	Collapsed(ctx context.Context, batchID int64) ([]Delivery, error)
	// Enqueue adds a job that runs only if the transaction commits.
	Enqueue(ctx context.Context, job Job) error
	// AfterCommit runs f in this process once the transaction has committed.
	AfterCommit(f func())
}

// Job is a side effect to run after commit; its Kind names the worker.
type Job interface{ Kind() string }

// DeliverJob was one delivery's job before the dispatcher claimed
// deliveries from their table. Jobs of this kind still queued by an earlier
// version have nothing to do: their deliveries are pending rows, which the
// dispatcher sends when due.
type DeliverJob struct {
	DeliveryID int64     `json:"delivery_id"`
	At         time.Time `json:"at"`
}

// Kind names the worker.
func (DeliverJob) Kind() string { return "notification_deliver" }

// BatchJob sends one summary ("N more alerts", a digest) when its window ends.
type BatchJob struct {
	BatchID int64     `json:"batch_id"`
	At      time.Time `json:"at"`
}

// Kind names the worker.
func (BatchJob) Kind() string { return "notification_batch" }

// RunAt holds the job until the window ends.
func (j BatchJob) RunAt() time.Time { return j.At }

// RetryAfter retries a failed summary like a delivery.
func (BatchJob) RetryAfter(attempt int) time.Duration { return retryAfter(attempt) }

// VerifyJob sends a fresh verification code to a contact method. The code
// is made when the job runs, so it is never stored in the clear, not even
// in the job's arguments.
type VerifyJob struct {
	ContactID int64 `json:"contact_id"`
	Nonce     int64 `json:"nonce"` // distinguishes a resend from the first request
}

// Kind names the worker.
func (VerifyJob) Kind() string { return "notification_verify" }

// RetryAfter retries a code soon: the person is waiting for it.
func (VerifyJob) RetryAfter(attempt int) time.Duration { return retryAfter(attempt) }
