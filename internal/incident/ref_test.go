package incident

import (
	"strconv"
	"testing"
)

func TestParseRef(t *testing.T) {
	for in, want := range map[string]int64{"INC-42": 42, "inc-7": 7, " 12 ": 12} {
		if got, err := ParseRef(in); err != nil || got != want {
			t.Errorf("ParseRef(%q) = %d, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "INC-", "INC-0", "INC--3", "INC-4x", "42.0", "SEV-1"} {
		if _, err := ParseRef(bad); err == nil {
			t.Errorf("ParseRef(%q) accepted", bad)
		}
	}
}

// FuzzParseRef: refs come from URLs and the CLI; any string must parse to a
// positive number that formats back to the same ref, or be refused.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"INC-1", "inc-99", "7", "INC-", "-1", "INC-9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseRef(s)
		if err != nil {
			return
		}
		if n <= 0 {
			t.Fatalf("ParseRef(%q) = %d", s, n)
		}
		if back, err := ParseRef(Ref(n)); err != nil || back != n {
			t.Fatalf("round trip of %d: %d %v", n, back, err)
		}
		if Ref(n) != "INC-"+strconv.FormatInt(n, 10) {
			t.Fatal("bad format")
		}
	})
}
