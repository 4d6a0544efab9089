// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package sp

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/signet-sso/signet/internal/scim"
	"github.com/signet-sso/signet/internal/store"
)

// scimEndpoints is the SCIM 2.0 service of each org, at /scim/v2/{org}:
// its IdP provisions users and groups with the org's bearer token. Every
// answer, errors included, is SCIM JSON.
type scimEndpoints struct{ *base }

func (h *scimEndpoints) mount(mux *http.ServeMux) {
	const p = "/scim/v2/{org}/"
	mux.Handle("GET "+p+"ServiceProviderConfig", h.scim(h.serviceProviderConfig))
	mux.Handle("GET "+p+"ResourceTypes", h.scim(h.resourceTypes))
	mux.Handle("GET "+p+"Schemas", h.scim(h.schemas))
	mux.Handle("GET "+p+"Users", h.scim(h.listUsers))
	mux.Handle("POST "+p+"Users", h.scim(h.createUser))
	mux.Handle("GET "+p+"Users/{id}", h.scim(h.getUser))
	mux.Handle("PUT "+p+"Users/{id}", h.scim(h.replaceUser))
	mux.Handle("PATCH "+p+"Users/{id}", h.scim(h.patchUser))
	mux.Handle("DELETE "+p+"Users/{id}", h.scim(h.deleteUser))
	mux.Handle("GET "+p+"Groups", h.scim(h.listGroups))
	mux.Handle("POST "+p+"Groups", h.scim(h.createGroup))
	mux.Handle("GET "+p+"Groups/{id}", h.scim(h.getGroup))
	mux.Handle("PUT "+p+"Groups/{id}", h.scim(h.replaceGroup))
	mux.Handle("PATCH "+p+"Groups/{id}", h.scim(h.patchGroup))
	mux.Handle("DELETE "+p+"Groups/{id}", h.scim(h.deleteGroup))
	mux.Handle(p, h.scim(func(http.ResponseWriter, *http.Request, store.Org) error {
		return scim.NotFound("no such SCIM endpoint: see ServiceProviderConfig and ResourceTypes")
	}))
}

// maxSCIMBody caps a SCIM request: a group with thousands of members.
const maxSCIMBody = 1 << 20

// scimBodyCaps are the SCIM routes' body caps (web.CapBodies).
func scimBodyCaps() map[string]int64 {
	caps := map[string]int64{}
	for _, m := range []string{"POST", "PUT", "PATCH"} {
		for _, r := range []string{"Users", "Groups", "Users/{id}", "Groups/{id}"} {
			caps[m+" /scim/v2/{org}/"+r] = maxSCIMBody
		}
	}
	return caps
}

type scimFunc func(w http.ResponseWriter, r *http.Request, o store.Org) error

// scim authenticates the org's bearer token, runs fn and answers any error
// as a SCIM error: the client's mistakes with their status and scimType,
// an unreachable database with 503 and Retry-After, anything else with a
// logged 500.
func (h *scimEndpoints) scim(fn scimFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		o, err := h.Svc.DirectorySync().Authenticate(r.Context(), r.PathValue("org"), strings.TrimSpace(token))
		if !ok && err == nil {
			err = scim.NewError(http.StatusUnauthorized, "", "a SCIM bearer token is required")
		}
		if err != nil {
			_ = h.scimError(w, r, o, err) // not logged: the request is nobody's
			return
		}
		sw := &scimStatus{ResponseWriter: w}
		entry := store.SCIMRequest{OrgID: o.ID, At: h.Svc.now(), Method: r.Method,
			Path: truncate(strings.TrimPrefix(r.URL.Path, "/scim/v2/"+r.PathValue("org")), 200)}
		if err := fn(sw, r, o); err != nil {
			e := h.scimError(sw, r, o, err)
			entry.SCIMType, entry.Detail = e.ScimType, clip(e.Detail)
		}
		entry.Status = cmp.Or(sw.status, http.StatusOK)
		if entry.Status == http.StatusServiceUnavailable {
			return // the database is away: nowhere to log it
		}
		if err := h.Svc.Store.AppendSCIMRequest(r.Context(), entry); err != nil {
			h.Log.WarnContext(r.Context(), "log SCIM request", "org", o.Slug, "err", err)
		}
	})
}

// scimStatus remembers the status of a SCIM answer, for the request log.
type scimStatus struct {
	http.ResponseWriter
	status int
}

func (s *scimStatus) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// scimError answers err as a SCIM error and returns what it answered.
func (h *scimEndpoints) scimError(w http.ResponseWriter, r *http.Request, o store.Org, err error) *scim.Error {
	var e *scim.Error
	switch {
	case errors.As(err, &e):
	case store.IsUnavailable(err):
		w.Header().Set("Retry-After", "5")
		e = scim.NewError(http.StatusServiceUnavailable, "", "the service is briefly unavailable: retry after a few seconds")
	default:
		h.Log.ErrorContext(r.Context(), "SCIM request failed", "org", o.Slug, "method", r.Method, "path", r.URL.Path, "err", err)
		e = scim.NewError(http.StatusInternalServerError, "", "the request failed on Signet's side; it was logged")
	}
	if e.HTTPStatus() == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="SCIM"`)
	}
	writeSCIM(w, e.HTTPStatus(), e)
	return e
}

func writeSCIM(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", scim.ContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v) // the client went away: nothing to do
	}
}

// readSCIM decodes a request body, refusing unknown JSON shapes plainly.
func readSCIM(r *http.Request, v any) error {
	// The edge caps the body already (scimBodyCaps); this cap holds
	// wherever the handler is mounted.
	body, err := io.ReadAll(io.LimitReader(r.Body, maxSCIMBody+1))
	if err != nil || len(body) > maxSCIMBody {
		return scim.NewError(http.StatusRequestEntityTooLarge, "", fmt.Sprintf("the body is larger than %d KiB", maxSCIMBody>>10))
	}
	if err := json.Unmarshal(body, v); err != nil {
		var e *scim.Error
		if errors.As(err, &e) {
			return e
		}
		return scim.InvalidSyntax("the body is not the JSON this endpoint takes: " + err.Error())
	}
	return nil
}

// listParams reads filter, startIndex and count (RFC 7644 §3.4.2).
func listParams(r *http.Request) (*scim.Filter, int, int, error) {
	q := r.URL.Query()
	f, err := scim.ParseFilter(q.Get("filter"))
	if err != nil {
		return nil, 0, 0, err
	}
	start, count := 1, defaultSCIMCount
	if v := q.Get("startIndex"); v != "" {
		if start, err = strconv.Atoi(v); err != nil {
			return nil, 0, 0, scim.InvalidValue("startIndex must be a number")
		}
	}
	if v := q.Get("count"); v != "" {
		if count, err = strconv.Atoi(v); err != nil {
			return nil, 0, 0, scim.InvalidValue("count must be a number")
		}
	}
	return f, max(start, 1), min(max(count, 0), maxSCIMCount), nil
}

const defaultSCIMCount, maxSCIMCount = 100, 200

func (h *scimEndpoints) listUsers(w http.ResponseWriter, r *http.Request, o store.Org) error {
	f, start, count, err := listParams(r)
	if err != nil {
		return err
	}
	out, err := h.Svc.DirectorySync().ListUsers(r.Context(), o, f, start, count)
	if err != nil {
		return err
	}
	writeSCIM(w, http.StatusOK, out)
	return nil
}

func (h *scimEndpoints) createUser(w http.ResponseWriter, r *http.Request, o store.Org) error {
	var in scim.User
	if err := readSCIM(r, &in); err != nil {
		return err
	}
	out, err := h.Svc.DirectorySync().CreateUser(r.Context(), o, in)
	return answerResource(w, http.StatusCreated, out, out.Meta, err)
}

func (h *scimEndpoints) getUser(w http.ResponseWriter, r *http.Request, o store.Org) error {
	out, err := h.Svc.DirectorySync().GetUser(r.Context(), o, r.PathValue("id"))
	return answerResource(w, http.StatusOK, out, out.Meta, err)
}

func (h *scimEndpoints) replaceUser(w http.ResponseWriter, r *http.Request, o store.Org) error {
	var in scim.User
	if err := readSCIM(r, &in); err != nil {
		return err
	}
	out, err := h.Svc.DirectorySync().ReplaceUser(r.Context(), o, r.PathValue("id"), in)
	return answerResource(w, http.StatusOK, out, out.Meta, err)
}

func (h *scimEndpoints) patchUser(w http.ResponseWriter, r *http.Request, o store.Org) error {
	var in scim.PatchRequest
	if err := readSCIM(r, &in); err != nil {
		return err
	}
	if err := in.Check(); err != nil {
		return err
	}
	out, err := h.Svc.DirectorySync().PatchUser(r.Context(), o, r.PathValue("id"), in.Operations)
	return answerResource(w, http.StatusOK, out, out.Meta, err)
}

func (h *scimEndpoints) deleteUser(w http.ResponseWriter, r *http.Request, o store.Org) error {
	if err := h.Svc.DirectorySync().DeleteUser(r.Context(), o, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *scimEndpoints) listGroups(w http.ResponseWriter, r *http.Request, o store.Org) error {
	f, start, count, err := listParams(r)
	if err != nil {
		return err
	}
	out, err := h.Svc.DirectorySync().ListGroups(r.Context(), o, f, start, count)
	if err != nil {
		return err
	}
	writeSCIM(w, http.StatusOK, out)
	return nil
}

func (h *scimEndpoints) createGroup(w http.ResponseWriter, r *http.Request, o store.Org) error {
	var in scim.Group
	if err := readSCIM(r, &in); err != nil {
		return err
	}
	out, err := h.Svc.DirectorySync().CreateGroup(r.Context(), o, in)
	return answerResource(w, http.StatusCreated, out, out.Meta, err)
}

func (h *scimEndpoints) getGroup(w http.ResponseWriter, r *http.Request, o store.Org) error {
	out, err := h.Svc.DirectorySync().GetGroup(r.Context(), o, r.PathValue("id"))
	return answerResource(w, http.StatusOK, out, out.Meta, err)
}

func (h *scimEndpoints) replaceGroup(w http.ResponseWriter, r *http.Request, o store.Org) error {
	var in scim.Group
	if err := readSCIM(r, &in); err != nil {
		return err
	}
	out, err := h.Svc.DirectorySync().ReplaceGroup(r.Context(), o, r.PathValue("id"), in)
	return answerResource(w, http.StatusOK, out, out.Meta, err)
}

func (h *scimEndpoints) patchGroup(w http.ResponseWriter, r *http.Request, o store.Org) error {
	var in scim.PatchRequest
	if err := readSCIM(r, &in); err != nil {
		return err
	}
	if err := in.Check(); err != nil {
		return err
	}
	out, err := h.Svc.DirectorySync().PatchGroup(r.Context(), o, r.PathValue("id"), in.Operations)
	return answerResource(w, http.StatusOK, out, out.Meta, err)
}

func (h *scimEndpoints) deleteGroup(w http.ResponseWriter, r *http.Request, o store.Org) error {
	if err := h.Svc.DirectorySync().DeleteGroup(r.Context(), o, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// answerResource writes a resource with its Location and ETag.
func answerResource(w http.ResponseWriter, status int, v any, meta *scim.Meta, err error) error {
	if err != nil {
		return err
	}
	if meta != nil {
		w.Header().Set("ETag", meta.Version)
		if status == http.StatusCreated {
			w.Header().Set("Location", meta.Location)
		}
	}
	writeSCIM(w, status, v)
	return nil
}

func (h *scimEndpoints) scimBase(o store.Org) string { return h.Svc.BaseURL + "/scim/v2/" + o.Slug }

func (h *scimEndpoints) serviceProviderConfig(w http.ResponseWriter, _ *http.Request, o store.Org) error {
	writeSCIM(w, http.StatusOK, scim.ServiceProviderConfig(h.scimBase(o), maxSCIMCount))
	return nil
}

func (h *scimEndpoints) resourceTypes(w http.ResponseWriter, _ *http.Request, o store.Org) error {
	writeSCIM(w, http.StatusOK, scim.ResourceTypes(h.scimBase(o)))
	return nil
}

func (h *scimEndpoints) schemas(w http.ResponseWriter, _ *http.Request, o store.Org) error {
	writeSCIM(w, http.StatusOK, scim.Schemas(h.scimBase(o)))
	return nil
}
