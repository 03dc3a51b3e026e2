package postmortem

import "strings"

// DiffLine is one line of a line diff between two versions.
type DiffLine struct {
	Op   byte   `json:"op"` // ' ' kept, '-' removed, '+' added
	Text string `json:"text"`
}

// maxDiffLines bounds the quadratic diff; longer documents are compared as
// one removed and one added block.
const maxDiffLines = 3000

// Diff compares two texts line by line (longest common subsequence).
func Diff(a, b string) []DiffLine {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	// Trim the common head and tail: edits are usually local.
	head := 0
	for head < len(x) && head < len(y) && x[head] == y[head] {
		head++
	}
	tail := 0
	for tail < len(x)-head && tail < len(y)-head && x[len(x)-1-tail] == y[len(y)-1-tail] {
		tail++
	}
	var out []DiffLine
	for _, l := range x[:head] {
		out = append(out, DiffLine{' ', l})
	}
	mx, my := x[head:len(x)-tail], y[head:len(y)-tail]
	if len(mx) > maxDiffLines || len(my) > maxDiffLines {
		for _, l := range mx {
			out = append(out, DiffLine{'-', l})
		}
		for _, l := range my {
			out = append(out, DiffLine{'+', l})
		}
	} else {
		out = append(out, lcsDiff(mx, my)...)
	}
	for _, l := range x[len(x)-tail:] {
		out = append(out, DiffLine{' ', l})
	}
	return out
}

func lcsDiff(x, y []string) []DiffLine {
	n, m := len(x), len(y)
	t := make([][]int32, n+1)
	for i := range t {
		t[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	var out []DiffLine
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			out = append(out, DiffLine{' ', x[i]})
			i++
			j++
		case t[i+1][j] >= t[i][j+1]:
			out = append(out, DiffLine{'-', x[i]})
			i++
		default:
			out = append(out, DiffLine{'+', y[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, DiffLine{'-', x[i]})
	}
	for ; j < m; j++ {
		out = append(out, DiffLine{'+', y[j]})
	}
	return out
}
