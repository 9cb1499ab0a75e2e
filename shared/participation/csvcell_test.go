package participation

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://x","y")`: `'=HYPERLINK("http://x","y")`,
		"+1+1":                       "'+1+1",
		"-1+1":                       "'-1+1",
		"@SUM(A1)":                   "'@SUM(A1)",
		"\t=1":                       "'\t=1",
		"\r=1":                       "'\r=1",
		"  =1":                       "'  =1",
		"＝1+1":                       "'＝1+1",
		"김*수":                        "김*수",
		"01012345678":                "01012345678",
		"20261126-000042":            "20261126-000042",
		"a=b":                        "a=b",
		"":                           "",
		"2026-11-26T03:00:00Z":       "2026-11-26T03:00:00Z",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// Cells with separators, quotes and line breaks are quoted, and every cell
// reads back as written (behind the quote where one was added).
func TestSafeCSVRoundTrip(t *testing.T) {
	var b bytes.Buffer
	w := newSafeCSV(&b)
	row := []string{"a,b", `say "hi"`, "line\nbreak", "\rx", "=1,2"}
	if err := w.Write(row); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	got, err := csv.NewReader(&b).Read()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a,b", `say "hi"`, "line\nbreak", "'\rx", "'=1,2"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("cell %d: %q, want %q", i, got[i], want[i])
		}
	}
}
