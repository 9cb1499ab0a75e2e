package handlers

import (
	"fmt"
	"strings"
	"testing"
)

// A winner's name or email that a spreadsheet would read as a formula
// (=, +, -, @, tab, carriage return first) is exported as text: the cell
// starts with a single quote, and reading the file back with encoding/csv
// gives the original value behind that quote.
func TestExportNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id := liveEvent(t, f, "csvinj@example.com", "010-2000-0071")
	entries := []struct{ name, email string }{
		{`=HYPERLINK("http://x","y")`, "=1+1@example.com"},
		{"+SUM(1,2)", "+cmd@example.com"},
		{"-2+3", "-x@example.com"},
		{"@SUM(A1)", "plain@example.com"},
		{"김민수", ""},
	}
	for i, e := range entries {
		body := entry(e.name, fmt.Sprintf("010-7100-%04d", i), false)
		if e.email != "" {
			body["email"] = e.email
		}
		if rec, _ := submit(t, f, id, body); rec.Code != 201 {
			t.Fatalf("entry %q: %d %s", e.name, rec.Code, rec.Body)
		}
	}
	if rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": len(entries), "alternateCount": 0}); rec.Code != 201 {
		t.Fatalf("draw: %d %s", rec.Code, rec.Body)
	}
	records := exportCSV(t, f, id, acct.access)
	if len(records) != len(entries)+1 {
		t.Fatalf("export: %d records", len(records))
	}
	byName, byEmail := map[string]bool{}, map[string]bool{}
	for _, r := range records[1:] {
		for col, cell := range r {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("column %s: %q starts a formula", records[0][col], cell)
			}
		}
		byName[r[1]], byEmail[r[3]] = true, true
		if !strings.HasPrefix(r[2], "010") {
			t.Errorf("phone %q is not kept readable", r[2])
		}
	}
	for _, e := range entries {
		want := e.name
		if strings.ContainsRune("=+-@", rune(e.name[0])) {
			want = "'" + e.name
		}
		if !byName[want] {
			t.Errorf("name %q: want the cell %q in %v", e.name, want, byName)
		}
		want = e.email
		if want != "" && strings.ContainsRune("=+-@", rune(want[0])) {
			want = "'" + want
		}
		if !byEmail[want] {
			t.Errorf("email %q: want the cell %q in %v", e.email, want, byEmail)
		}
	}
}
