package incident

// Follower lets another capability react to an incident's timeline: it is
// called for every event appended, inside the transaction of the change,
// and returns the jobs to enqueue there (nil for none). Paging follows a
// declare, postmortems follow the move to Improve, chat follows everything.
// A follower must be pure and fast: it decides, the jobs it returns act.
type Follower func(inc *Incident, e Event) []Job

// Follow registers a follower. Call it while building the node, before any
// change is made; followers are not safe to add concurrently with changes.
func (s *Service) Follow(f Follower) {
	s.followers = append(s.followers, f)
}

// followJobs collects the followers' jobs for one event.
func (s *Service) followJobs(inc *Incident, e Event) []Job {
	var out []Job
	for _, f := range s.followers {
		out = append(out, f(inc, e)...)
	}
	return out
}
