package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/user"
)

// Reading a request: path values, query parameters and JSON bodies, each
// way one can be wrong classified as the client's mistake.

// pathID reads a uuid path value; a malformed one is the given not-found.
func pathID(r *http.Request, name, code, what string) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue(name))
	if err != nil {
		return uuid.Nil, apperr.New(apperr.NotFound, code, "no such "+what)
	}
	return id, nil
}

// eventID reads {eventId}; a malformed one is the event domain's not-found.
func eventID(r *http.Request) (uuid.UUID, error) {
	return pathID(r, "eventId", event.CodeNotFound, "event")
}

// withEvent decodes the event id and, when body is non-nil, the JSON body;
// on a mistake it has answered and reports false.
func (s *Server) withEvent(w http.ResponseWriter, r *http.Request, body any) (uuid.UUID, bool) {
	return s.withEventBody(w, r, body, decodeJSON)
}

// withEventBody is withEvent with the body read by decode (an optional
// body, a beacon's).
func (s *Server) withEventBody(w http.ResponseWriter, r *http.Request, body any, decode func(*http.Request, any) error) (uuid.UUID, bool) {
	id, err := eventID(r)
	if err == nil && body != nil {
		err = decode(r, body)
	}
	if err != nil {
		s.writeError(w, r, err)
		return uuid.Nil, false
	}
	return id, true
}

// withUser reads {userId}; a malformed one is the user domain's not-found.
// On a mistake it has answered and reports false.
func (s *Server) withUser(w http.ResponseWriter, r *http.Request) (uuid.UUID, bool) {
	id, err := pathID(r, "userId", user.CodeNotFound, "user")
	if err != nil {
		s.writeError(w, r, err)
		return uuid.Nil, false
	}
	return id, true
}

// boolParam reads a true/false query parameter (nil when absent), noting a
// malformed one in v.
func boolParam(r *http.Request, name string, v *apperr.Validation) *bool {
	s := r.URL.Query().Get(name)
	if s == "" {
		return nil
	}
	b, err := strconv.ParseBool(s)
	v.Check(err == nil, name, "must be true or false")
	return &b
}

var errBodyRequired = apperr.New(apperr.Invalid, codeBadRequest, "request body is required")

// decodeOptionalJSON is decodeJSON for endpoints whose body may be absent.
func decodeOptionalJSON(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	if err := decodeJSON(r, v); err != errBodyRequired {
		return err
	}
	return nil
}

// decodeAnyJSON is decodeOptionalJSON whatever the declared Content-Type:
// navigator.sendBeacon posts a string body as text/plain.
func decodeAnyJSON(r *http.Request, v any) error {
	plain := r.Clone(r.Context())
	plain.Header.Del("Content-Type")
	return decodeOptionalJSON(plain, v)
}

// decodeJSON reads a JSON request body into v, classifying every way it can
// be wrong as a client error with a message that says what to fix.
func decodeJSON(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.Contains(strings.ToLower(ct), "json") {
		return apperr.New(apperr.Invalid, codeBadRequest, "Content-Type must be application/json")
	}
	body, err := io.ReadAll(r.Body)
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return apperr.New(apperr.TooLarge, codeTooLarge, fmt.Sprintf("request body exceeds %d bytes", maxErr.Limit))
	}
	if err != nil {
		return apperr.Wrap(err, apperr.Invalid, codeBadRequest, "the request body could not be read")
	}
	if err := jsonTextError(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	err = dec.Decode(v)
	if err == nil {
		if dec.More() {
			return apperr.New(apperr.Invalid, codeBadRequest, "request body must hold a single JSON value")
		}
		return nil
	}
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return errBodyRequired
	case errors.As(err, &syntaxErr):
		return apperr.New(apperr.Invalid, codeBadRequest, fmt.Sprintf("malformed JSON at byte %d", syntaxErr.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.Invalid, codeBadRequest, "malformed JSON: body ends early")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return apperr.New(apperr.Invalid, codeBadRequest, fmt.Sprintf("field %q must be %s", field, typeErr.Type.String()))
	default:
		return apperr.Wrap(err, apperr.Invalid, codeBadRequest, "malformed JSON")
	}
}
