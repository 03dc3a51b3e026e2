package testkit

import "testing"

func TestRequired(t *testing.T) {
	for _, tc := range []struct {
		env, name string
		want      bool
	}{
		{"", "postgres", false},
		{"postgres", "postgres", true},
		{"postgres,browser", "browser", true},
		{" Postgres , browser ", "postgres", true},
		{"postgresql", "postgres", false},
		{"browser", "postgres", false},
	} {
		t.Setenv(RequireEnv, tc.env)
		if got := Required(tc.name); got != tc.want {
			t.Errorf("%s=%q: Required(%q) = %v, want %v", RequireEnv, tc.env, tc.name, got, tc.want)
		}
	}
}
