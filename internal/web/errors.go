// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package web

import (
	"net/http"
)

// HandlerFunc is a handler that returns its error, for its role's one
// renderer to show (Handle).
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Handle adapts fn: an error it returns goes to render, which writes the
// page (each role renders errors in its own layout).
func Handle(fn HandlerFunc, render func(w http.ResponseWriter, r *http.Request, err error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			render(w, r, err)
		}
	})
}

// PublicError is an error whose Message is safe to show to anyone, with
// the HTTP status and a stable code; Err, the private cause, is for logs
// only (crewjam's two tiers, Tailscale's vizerror).
type PublicError struct {
	Status  int
	Code    string
	Message string
	Err     error
}

func (e *PublicError) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *PublicError) Unwrap() error { return e.Err }

// Conflict refuses a change that clashes with what is stored (a taken
// slug, an existing member): a 409 whose message names the clash.
func Conflict(msg string) *PublicError {
	return &PublicError{Status: http.StatusConflict, Code: "conflict", Message: msg}
}

// BadRequest refuses bad input: a 400 whose message says what to change.
func BadRequest(msg string) *PublicError {
	return &PublicError{Status: http.StatusBadRequest, Code: "bad_request", Message: msg}
}
