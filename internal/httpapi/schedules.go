package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/firebreak-hq/firebreak/internal/apperr"
	"github.com/firebreak-hq/firebreak/internal/oncall"
)

// The on-call API: schedules and their layers, overrides, swaps and taken
// shifts, who is on call, and calendar feeds.

type scheduleList struct {
	Schedules []oncall.Schedule `json:"schedules"`
}

// scheduleInput is the body of creating or replacing a schedule.
type scheduleInput struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	TeamID      int64          `json:"team_id"`
	TimeZone    string         `json:"time_zone"`
	Layers      []oncall.Layer `json:"layers"`
	Version     *int64         `json:"version"` // on PUT, instead of If-Match
}

func (in scheduleInput) schedule(id int64) oncall.Schedule {
	return oncall.Schedule{ID: id, Name: in.Name, Description: in.Description, TeamID: in.TeamID, TimeZone: in.TimeZone, Layers: in.Layers}
}

// schedulePreviewBody asks what a schedule (new, or replacing ScheduleID) would do
// over [From, To) before it is saved.
type schedulePreviewBody struct {
	scheduleInput
	ScheduleID int64     `json:"schedule_id"`
	From       time.Time `json:"from"`
	To         time.Time `json:"to"`
}

type schedulePreviewResult struct {
	View     oncall.View `json:"view"`
	Warnings []string    `json:"warnings"`
}

type overrideList struct {
	Overrides []oncall.Override `json:"overrides"`
}

type overrideBody struct {
	UserID int64     `json:"user_id"`
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Note   string    `json:"note"`
}

type takeBody struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

type swapBody struct {
	FirstStart  time.Time `json:"first_start"`
	FirstEnd    time.Time `json:"first_end"`
	SecondStart time.Time `json:"second_start"`
	SecondEnd   time.Time `json:"second_end"`
}

type swapResult struct {
	Overrides [2]oncall.Override `json:"overrides"`
}

type onCallResult struct {
	At     time.Time        `json:"at"`
	OnCall []oncall.Current `json:"oncall"`
}

type shiftList struct {
	Shifts []oncall.Shift `json:"shifts"`
}

type feedBody struct {
	ScheduleID int64 `json:"schedule_id"` // 0: my own shifts
}

// feedCreated carries a feed's secret URL, shown once.
type feedCreated struct {
	oncall.CalendarToken
	URL string `json:"url"`
}

type feedList struct {
	Feeds []oncall.CalendarToken `json:"feeds"`
}

func scheduleID(r *http.Request) (int64, error) { return pathID(r, "schedule", "schedule") }

// timeParam reads an RFC 3339 query parameter, def when absent.
func timeParam(r *http.Request, name string, def time.Time) (time.Time, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, apperr.Invalid(name, "%q is not an RFC 3339 time like 2026-03-02T09:00:00Z", v)
	}
	return t, nil
}

// rangeParams reads from/to, by default the week starting now.
func (s *server) rangeParams(r *http.Request) (time.Time, time.Time, error) {
	from, err := timeParam(r, "from", s.oncall.Now())
	if err != nil {
		return from, from, err
	}
	to, err := timeParam(r, "to", from.Add(7*24*time.Hour))
	return from, to, err
}

func (s *server) listSchedules(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r, "team"); err != nil {
		return err
	}
	all, err := s.oncall.Schedules(r.Context())
	if err != nil {
		return err
	}
	if t := r.URL.Query().Get("team"); t != "" {
		team, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return apperr.Invalid("team", "must be a team id")
		}
		kept := []oncall.Schedule{}
		for _, sc := range all {
			if sc.TeamID == team {
				kept = append(kept, sc)
			}
		}
		all = kept
	}
	return writeJSON(w, http.StatusOK, scheduleList{all})
}

func (s *server) postSchedule(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[scheduleInput](w, r)
	if err != nil {
		return err
	}
	saved, err := s.oncall.CreateSchedule(r.Context(), in.schedule(0))
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/schedules/"+strconv.FormatInt(saved.Schedule.ID, 10))
	w.Header().Set("ETag", etag(saved.Schedule.Version))
	return writeJSON(w, http.StatusCreated, saved)
}

func (s *server) postSchedulePreview(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[schedulePreviewBody](w, r)
	if err != nil {
		return err
	}
	if in.From.IsZero() {
		in.From = s.oncall.Now()
	}
	if in.To.IsZero() {
		in.To = in.From.Add(14 * 24 * time.Hour)
	}
	v, warnings, err := s.oncall.Draft(r.Context(), in.schedule(in.ScheduleID), in.From, in.To)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, schedulePreviewResult{View: v, Warnings: warnings})
}

func (s *server) getSchedule(w http.ResponseWriter, r *http.Request) error {
	id, err := scheduleID(r)
	if err != nil {
		return err
	}
	sc, err := s.oncall.Schedule(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(sc.Version))
	return writeJSON(w, http.StatusOK, sc)
}

func (s *server) putSchedule(w http.ResponseWriter, r *http.Request) error {
	id, err := scheduleID(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[scheduleInput](w, r)
	if err != nil {
		return err
	}
	version, err := ifMatchVersion(r, in.Version)
	if err != nil {
		return err
	}
	saved, err := s.oncall.UpdateSchedule(r.Context(), in.schedule(id), version)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(saved.Schedule.Version))
	return writeJSON(w, http.StatusOK, saved)
}

func (s *server) deleteSchedule(w http.ResponseWriter, r *http.Request) error {
	id, err := scheduleID(r)
	if err != nil {
		return err
	}
	if err := s.oncall.DeleteSchedule(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) getScheduleTimeline(w http.ResponseWriter, r *http.Request) error {
	id, err := scheduleID(r)
	if err != nil {
		return err
	}
	if err := checkQuery(r, "from", "to"); err != nil {
		return err
	}
	from, to, err := s.rangeParams(r)
	if err != nil {
		return err
	}
	v, err := s.oncall.View(r.Context(), id, from, to)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

func (s *server) listOverrides(w http.ResponseWriter, r *http.Request) error {
	id, err := scheduleID(r)
	if err != nil {
		return err
	}
	if err := checkQuery(r, "from", "to"); err != nil {
		return err
	}
	from, to, err := s.rangeParams(r)
	if err != nil {
		return err
	}
	ovs, err := s.oncall.Overrides(r.Context(), id, from, to)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, overrideList{ovs})
}

func (s *server) postOverride(w http.ResponseWriter, r *http.Request) error {
	id, err := scheduleID(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[overrideBody](w, r)
	if err != nil {
		return err
	}
	o, err := s.oncall.AddOverride(r.Context(), oncall.OverrideInput{ScheduleID: id, UserID: in.UserID, Start: in.Start, End: in.End, Note: in.Note})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, o)
}

func (s *server) postTakeShift(w http.ResponseWriter, r *http.Request) error {
	id, err := scheduleID(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[takeBody](w, r)
	if err != nil {
		return err
	}
	o, err := s.oncall.TakeShift(r.Context(), id, in.Start, in.End)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, o)
}

func (s *server) postSwap(w http.ResponseWriter, r *http.Request) error {
	id, err := scheduleID(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[swapBody](w, r)
	if err != nil {
		return err
	}
	out, err := s.oncall.Swap(r.Context(), oncall.SwapInput{ScheduleID: id, FirstStart: in.FirstStart, FirstEnd: in.FirstEnd, SecondStart: in.SecondStart, SecondEnd: in.SecondEnd})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, swapResult{out})
}

func (s *server) deleteOverride(w http.ResponseWriter, r *http.Request) error {
	if _, err := scheduleID(r); err != nil {
		return err
	}
	id, err := pathID(r, "override", "override")
	if err != nil {
		return err
	}
	if err := s.oncall.DeleteOverride(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// intParam reads an optional positive id from the query.
func intParam(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, apperr.Invalid(name, "must be a positive id, not %q", v)
	}
	return n, nil
}

func (s *server) getOnCall(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r, "schedule", "team", "user", "at"); err != nil {
		return err
	}
	var who oncall.Who
	var err error
	if who.ScheduleID, err = intParam(r, "schedule"); err != nil {
		return err
	}
	if who.TeamID, err = intParam(r, "team"); err != nil {
		return err
	}
	if who.UserID, err = intParam(r, "user"); err != nil {
		return err
	}
	at, err := timeParam(r, "at", s.oncall.Now())
	if err != nil {
		return err
	}
	cur, err := s.oncall.OnCall(r.Context(), who, at)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, onCallResult{At: at, OnCall: cur})
}

func (s *server) getShifts(w http.ResponseWriter, r *http.Request) error {
	if err := checkQuery(r, "user", "from", "to"); err != nil {
		return err
	}
	user, err := intParam(r, "user")
	if err != nil {
		return err
	}
	if user == 0 {
		return invalidRequired("user", "whose shifts")
	}
	from, to, err := s.rangeParams(r)
	if err != nil {
		return err
	}
	sh, err := s.oncall.UserShifts(r.Context(), user, from, to)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, shiftList{sh})
}

func (s *server) listFeeds(w http.ResponseWriter, r *http.Request) error {
	feeds, err := s.oncall.CalendarTokens(r.Context())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, feedList{feeds})
}

func (s *server) feedURL(r *http.Request, token string) string {
	base := strings.TrimSuffix(s.baseURL, "/")
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return base + oncall.FeedPath + token + ".ics"
}

func (s *server) postFeed(w http.ResponseWriter, r *http.Request) error {
	in, err := decodeJSON[feedBody](w, r)
	if err != nil {
		return err
	}
	token, c, err := s.oncall.NewCalendarToken(r.Context(), in.ScheduleID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, feedCreated{CalendarToken: c, URL: s.feedURL(r, token)})
}

func (s *server) postFeedRotate(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "feed", "calendar feed")
	if err != nil {
		return err
	}
	token, c, err := s.oncall.RotateCalendarToken(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, feedCreated{CalendarToken: c, URL: s.feedURL(r, token)})
}

func (s *server) deleteFeed(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "feed", "calendar feed")
	if err != nil {
		return err
	}
	if err := s.oncall.RevokeCalendarToken(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
