package participation

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode"
)

// formulaStarts are the first characters that make a spreadsheet read a
// cell as a formula (OWASP "CSV Injection"): = + - @, tab and carriage
// return, plus their full-width forms (＝ ＋ － ＠), which spreadsheet
// programs with an East Asian input method turn into the ASCII ones.
const formulaStarts = "=+-@\t\r＝＋－＠"

// SafeCell neutralises a CSV cell a spreadsheet would run: one starting
// (after any leading white space, which spreadsheet programs skip) with a
// formula character gets a single quote in front, so it shows as the text
// it is. Every column of the export goes through it, names, emails and
// free text alike. No column of the export holds a negative number (bonus
// entries and ranks are 1 or more, dates and entry numbers start with a
// digit), so a leading '-' is always text and always quoted; phone numbers
// are stored as digits starting with 01 and are never touched.
// Separators, quotes and line breaks are quoted by encoding/csv itself.
func SafeCell(s string) string {
	t := strings.TrimLeftFunc(s, func(r rune) bool { return r != '\t' && r != '\r' && unicode.IsSpace(r) })
	if t != "" && strings.ContainsRune(formulaStarts, []rune(t)[0]) {
		return "'" + s
	}
	return s
}

// safeCSV is a csv.Writer whose every cell goes through SafeCell.
type safeCSV struct{ *csv.Writer }

func newSafeCSV(w io.Writer) safeCSV { return safeCSV{csv.NewWriter(w)} }

func (c safeCSV) Write(record []string) error {
	safe := make([]string, len(record))
	for i, s := range record {
		safe[i] = SafeCell(s)
	}
	return c.Writer.Write(safe)
}
