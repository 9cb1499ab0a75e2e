package apperr

import (
	"fmt"
	"strings"
)

// CodeValidation is the code of a request whose fields are invalid; the
// problem body lists each field in "errors".
const CodeValidation = "VALIDATION_001"

// FieldError is one invalid field and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Validation collects every field problem of a request, so the caller learns
// all of them at once.
type Validation struct {
	errs []FieldError
}

// Addf records a problem with field.
func (v *Validation) Addf(field, format string, args ...any) {
	v.errs = append(v.errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Check records a problem with field unless ok.
func (v *Validation) Check(ok bool, field, format string, args ...any) {
	if !ok {
		v.Addf(field, format, args...)
	}
}

// Err returns nil when nothing was recorded, else an Invalid error listing
// the fields.
func (v *Validation) Err() error {
	if len(v.errs) == 0 {
		return nil
	}
	parts := make([]string, len(v.errs))
	for i, e := range v.errs {
		parts[i] = e.Field + ": " + e.Message
	}
	return New(Invalid, CodeValidation, strings.Join(parts, "; ")).With("errors", v.errs)
}
