// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package api

import (
	_ "embed"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/events"
	"github.com/signet-sso/signet/internal/sp"
	"github.com/signet-sso/signet/internal/store"
)

//go:embed openapi.json
var openAPI []byte

// Handler serves /api/v1.
type Handler struct {
	Store store.Store
	SP    *sp.Service
	// Webhooks registers webhooks and redelivers their events.
	Webhooks *events.Webhooks
	Log      *slog.Logger
	Now      func() time.Time
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now().UTC()
	}
	return time.Now().UTC()
}

// apiFunc is an API handler; its error is answered as a problem.
type apiFunc func(w http.ResponseWriter, r *http.Request) error

func (h *Handler) route(mux *http.ServeMux, pattern string, fn apiFunc) {
	mux.Handle(pattern, h.authenticate(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.fail(w, r, err)
		}
	})))
}

// Mount serves the API's routes.
func (h *Handler) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(openAPI)
	})
	h.route(mux, "GET /api/v1/orgs", h.listOrgs)
	h.route(mux, "POST /api/v1/orgs", h.createOrg)
	h.route(mux, "GET /api/v1/orgs/{org}", h.getOrg)
	h.route(mux, "PATCH /api/v1/orgs/{org}", h.updateOrg)
	h.route(mux, "DELETE /api/v1/orgs/{org}", h.deleteOrg)
	h.route(mux, "GET /api/v1/orgs/{org}/connection", h.getConnection)
	h.route(mux, "PUT /api/v1/orgs/{org}/connection", h.putConnection)
	h.route(mux, "PATCH /api/v1/orgs/{org}/connection", h.patchConnection)
	h.route(mux, "DELETE /api/v1/orgs/{org}/connection", h.deleteConnection)
	h.route(mux, "POST /api/v1/orgs/{org}/scim-token", h.newSCIMToken)
	h.route(mux, "GET /api/v1/orgs/{org}/connections", h.listConnections)
	h.route(mux, "POST /api/v1/orgs/{org}/connections", h.addConnection)
	h.route(mux, "GET /api/v1/orgs/{org}/connections/{connection}", h.getConnection)
	h.route(mux, "PUT /api/v1/orgs/{org}/connections/{connection}", h.putConnection)
	h.route(mux, "PATCH /api/v1/orgs/{org}/connections/{connection}", h.patchConnection)
	h.route(mux, "DELETE /api/v1/orgs/{org}/connections/{connection}", h.deleteConnection)
	h.route(mux, "GET /api/v1/orgs/{org}/members", h.listMembers)
	h.route(mux, "POST /api/v1/orgs/{org}/members", h.addMember)
	h.route(mux, "POST /api/v1/orgs/{org}/setup-links", h.createSetupLink)
	h.route(mux, "GET /api/v1/orgs/{org}/setup-links", h.listSetupLinks)
	h.route(mux, "DELETE /api/v1/orgs/{org}/setup-links/{id}", h.revokeSetupLink)
	h.route(mux, "GET /api/v1/orgs/{org}/sign-in-attempts", h.listAttempts)
	h.route(mux, "GET /api/v1/orgs/{org}/domains", h.listDomains)
	h.route(mux, "POST /api/v1/orgs/{org}/domains", h.addDomain)
	h.route(mux, "POST /api/v1/orgs/{org}/domains/{domain}/verify", h.verifyDomain)
	h.route(mux, "DELETE /api/v1/orgs/{org}/domains/{domain}", h.removeDomain)
	h.route(mux, "GET /api/v1/orgs/{org}/role-mapping", h.getRoleMapping)
	h.route(mux, "PUT /api/v1/orgs/{org}/role-mapping", h.putRoleMapping)
	h.route(mux, "GET /api/v1/events", h.listEvents)
	h.route(mux, "GET /api/v1/webhooks", h.listWebhooks)
	h.route(mux, "POST /api/v1/webhooks", h.createWebhook)
	h.route(mux, "DELETE /api/v1/webhooks/{webhook}", h.deleteWebhook)
	h.route(mux, "GET /api/v1/webhooks/{webhook}/deliveries", h.listDeliveries)
	h.route(mux, "POST /api/v1/webhooks/{webhook}/deliveries/{delivery}/redeliver", h.redeliver)
	h.route(mux, "GET /api/v1/clients", h.listClients)
	h.route(mux, "POST /api/v1/clients", h.createClient)
	mux.Handle("/api/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, http.StatusNotFound, "not_found", "No such API endpoint: see /api/v1/openapi.json.")
	}))
}

// org finds the path's org by its ID or slug. The host app's external ID
// is looked up with GET /api/v1/orgs?external_id=…, so that a slug and
// another org's external ID can never be confused.
func (h *Handler) org(r *http.Request) (store.Org, error) {
	return h.orgByRef(r, r.PathValue("org"))
}

// orgByRef finds an org by its ID or slug.
func (h *Handler) orgByRef(r *http.Request, key string) (store.Org, error) {
	o, err := h.Store.GetOrg(r.Context(), key)
	if errors.Is(err, store.ErrNotFound) {
		o, err = h.Store.GetOrgBySlug(r.Context(), strings.ToLower(key))
	}
	return o, err
}

// actor is the calling API key as a Workspace actor (services audit it).
func actor(r *http.Request) store.Member {
	return store.Member{Email: callerOf(r).actor(), Role: "admin"}
}
