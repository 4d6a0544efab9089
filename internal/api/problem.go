// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// problem is an RFC 9457 problem document, with Signet's error code.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	Code   string `json:"code"`
}

func writeProblem(w http.ResponseWriter, r *http.Request, status int, code, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Code: code})
}

// fail answers an error: refusals with their status, code and words;
// anything else logged, as 500 (or 503 while the database is away).
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	var pub *web.PublicError
	var se *saml.Error
	switch {
	case errors.As(err, &pub):
		writeProblem(w, r, pub.Status, cmpOr(pub.Code, "invalid_request"), pub.Message)
	case errors.As(err, &se) && se.Code != saml.CodeInternal:
		detail := se.Message
		if se.Hint != "" {
			detail += " " + se.Hint
		}
		writeProblem(w, r, http.StatusBadRequest, string(se.Code), detail)
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, r, http.StatusNotFound, "not_found", "No such resource.")
	case store.IsUnavailable(err):
		w.Header().Set("Retry-After", "5")
		writeProblem(w, r, http.StatusServiceUnavailable, "unavailable", "The database cannot be reached; try again shortly.")
	default:
		if h.Log != nil {
			h.Log.ErrorContext(r.Context(), "API request failed", "path", r.URL.Path, "err", err, "request_id", web.RequestID(r.Context()))
		}
		writeProblem(w, r, http.StatusInternalServerError, "internal", "Something went wrong; the request ID is "+web.RequestID(r.Context())+".")
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// writeJSON answers with a JSON document.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// maxBody caps a request body: API documents are small (metadata XML is
// the largest, capped by the SSO settings' own limit).
const maxBody = 1 << 20

// readJSON decodes a request body strictly: unknown fields are refused,
// so a typo is an error rather than ignored.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return &web.PublicError{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "The request body is larger than 1 MiB."}
		}
		return web.BadRequest("The request body is not the JSON this endpoint takes: " + err.Error() + ".")
	}
	return nil
}
