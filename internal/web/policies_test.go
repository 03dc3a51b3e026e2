package web

import (
	"strings"
	"testing"

	"github.com/firebreak-hq/firebreak/internal/paging"
)

var testNames = targetNames{
	users:     map[int64]string{1: "ann", 2: "bob"},
	schedules: map[int64]string{3: "Primary"},
	teams:     map[int64]string{4: "shop"},
}

func TestPolicyEditorTargets(t *testing.T) {
	got, err := testNames.parse("targets", "@ann, bob ,schedule:primary, team:Shop, user:2, schedule:3")
	if err != nil {
		t.Fatal(err)
	}
	want := []paging.Target{{Kind: "user", ID: 1}, {Kind: "user", ID: 2}, {Kind: "schedule", ID: 3}, {Kind: "team", ID: 4}, {Kind: "user", ID: 2}, {Kind: "schedule", ID: 3}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("target %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if f := testNames.format(got); f != "@ann, @bob, schedule:Primary, team:shop, @bob, schedule:Primary" {
		t.Errorf("format: %q", f)
	}
	for _, bad := range []string{"@nobody", "robot:1", "team:", "user:-5", "schedule:0"} {
		if _, err := testNames.parse("targets", bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzPolicyEditorTargets: whatever is typed in a step's targets, parsing
// does not panic, and what it accepts names known people, schedules, teams.
func FuzzPolicyEditorTargets(f *testing.F) {
	for _, s := range []string{"@ann", "schedule:Primary, team:shop", "user:2,,", ":", "@", "team:4", "user:-1", "x:y:z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ts, err := testNames.parse("targets", text)
		if err != nil {
			return
		}
		for _, tg := range ts {
			var known map[int64]string
			switch tg.Kind {
			case paging.TargetUser:
				known = testNames.users
			case paging.TargetSchedule:
				known = testNames.schedules
			case paging.TargetTeam:
				known = testNames.teams
			}
			if _, ok := known[tg.ID]; !ok && tg.ID <= 0 {
				t.Fatalf("%q gave %+v", text, tg)
			}
		}
		_ = strings.TrimSpace(testNames.format(ts))
	})
}
