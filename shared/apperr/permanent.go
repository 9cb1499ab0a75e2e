package apperr

import "errors"

// Permanent marks err as a failure no retry can fix: the same input fails
// the same way every time (a queue message that is not what its consumer
// reads, a job whose row is gone). Queue and timer work decides retries on
// this mark alone: a permanent failure is recorded and its message
// completed, every other error asks the host to deliver again. The mark
// is not a kind: As and KindOf see through it, so the error keeps its
// classification, its HTTP status and its code.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err, or an error it wraps, was marked with
// Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

type permanentError struct{ err error }

func (p *permanentError) Error() string { return p.err.Error() }
func (p *permanentError) Unwrap() error { return p.err }
