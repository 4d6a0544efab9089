// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package scim

import (
	"net/http"
	"strconv"
)

// Error is a SCIM error response (RFC 7644 §3.12); it is also the Go
// error the package's functions return for the client's mistakes.
type Error struct {
	Schemas  []string `json:"schemas"`
	Status   string   `json:"status"`
	ScimType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail"`
}

func (e *Error) Error() string { return e.Detail }

// HTTPStatus is the error's status code.
func (e *Error) HTTPStatus() int {
	n, err := strconv.Atoi(e.Status)
	if err != nil {
		return http.StatusInternalServerError
	}
	return n
}

// NewError makes an error response with a status, a scimType (may be
// empty) and a detail in plain words.
func NewError(status int, scimType, detail string) *Error {
	return &Error{Schemas: []string{SchemaError}, Status: strconv.Itoa(status), ScimType: scimType, Detail: detail}
}

// InvalidValue is a 400 invalidValue.
func InvalidValue(detail string) *Error {
	return NewError(http.StatusBadRequest, "invalidValue", detail)
}

// InvalidFilter is a 400 invalidFilter.
func InvalidFilter(detail string) *Error {
	return NewError(http.StatusBadRequest, "invalidFilter", detail)
}

// InvalidPath is a 400 invalidPath.
func InvalidPath(detail string) *Error { return NewError(http.StatusBadRequest, "invalidPath", detail) }

// InvalidSyntax is a 400 invalidSyntax.
func InvalidSyntax(detail string) *Error {
	return NewError(http.StatusBadRequest, "invalidSyntax", detail)
}

// Uniqueness is a 409 uniqueness.
func Uniqueness(detail string) *Error { return NewError(http.StatusConflict, "uniqueness", detail) }

// NotFound is a 404.
func NotFound(detail string) *Error { return NewError(http.StatusNotFound, "", detail) }

// Mutability is a 400 mutability.
func Mutability(detail string) *Error { return NewError(http.StatusBadRequest, "mutability", detail) }
