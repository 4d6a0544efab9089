// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// maxSAMLForm bounds a POSTed SAML message (base64 of the 1 MiB XML cap).
const maxSAMLForm = 2 << 20

// BodyCaps are the Identity Center's larger body caps (web.CapBodies): the
// SSO service and the portal's sign-in form carry a SAML request, the
// application form an SP metadata file.
func BodyCaps() web.BodyCaps {
	return web.BodyCaps{
		"POST /saml/apps/{app}/sso":           maxSAMLForm,
		"POST /saml/apps/{app}/slo":           maxSAMLForm,
		"POST /portal/login":                  maxSAMLForm,
		"POST /admin/applications/{id}/setup": maxAppForm + 16<<10,
		"POST /admin/applications/{id}/edit":  maxAppForm + 16<<10,
	}
}

// ssoRequest is a received AuthnRequest, as the binding delivered it.
type ssoRequest struct {
	appID      string
	xml        []byte
	relayState string
	redirect   *saml.RedirectMessage // nil for HTTP-POST
	rawQuery   string
	rawPost    string // base64 SAMLRequest of the POST binding
}

// hidden carries the request through the sign-in form, so that signing in
// answers it directly (it is checked again then).
func (p *ssoRequest) hidden() map[string]string {
	if p.rawQuery != "" {
		return map[string]string{"saml_app": p.appID, "SAMLQuery": p.rawQuery}
	}
	return map[string]string{"saml_app": p.appID, "SAMLRequest": p.rawPost, "RelayState": p.relayState}
}

// pendingRequest recovers a request carried through the sign-in form.
func pendingRequest(r *http.Request) *ssoRequest {
	return pendingFrom(map[string]string{"saml_app": r.PostFormValue("saml_app"), "SAMLQuery": r.PostFormValue("SAMLQuery"),
		"SAMLRequest": r.PostFormValue("SAMLRequest"), "RelayState": r.PostFormValue("RelayState")})
}

// pendingFrom recovers a request from the fields hidden() made (nil when
// they hold none). It is checked again before it is answered.
func pendingFrom(f map[string]string) *ssoRequest {
	app := f["saml_app"]
	switch {
	case app == "":
		return nil
	case f["SAMLQuery"] != "":
		return &ssoRequest{appID: app, rawQuery: f["SAMLQuery"]}
	case f["SAMLRequest"] != "":
		return &ssoRequest{appID: app, rawPost: f["SAMLRequest"], relayState: f["RelayState"]}
	}
	return nil
}

// ssoHandler is the SSO service of each application (both bindings), its
// metadata, and the answer to a request once the person is signed in at
// the portal.
type ssoHandler struct{ *portalHandler }

func (h *ssoHandler) mount(mux *http.ServeMux) {
	mux.Handle("GET /saml/apps/{app}/metadata", h.handle(h.metadata))
	mux.Handle("GET /saml/apps/{app}/sso", h.handle(h.sso))
	mux.Handle("POST /saml/apps/{app}/sso", h.handle(h.sso))
	mux.Handle("GET /saml/apps/{app}", h.handle(h.entity))
	mux.Handle("GET /saml/apps/{app}/slo", h.handle(h.slo))
	mux.Handle("POST /saml/apps/{app}/slo", h.handle(h.slo))
}

func (h *ssoHandler) metadata(w http.ResponseWriter, r *http.Request) error {
	a, err := h.Svc.Store.GetApp(r.Context(), r.PathValue("app"))
	if err != nil {
		return err
	}
	md, err := h.Svc.Metadata(r.Context(), a)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("download") != "" {
		return sendFile(w, "Signet_"+fileSafe(a.Name, a.ID)+"_metadata.xml", "application/samlmetadata+xml", md)
	}
	w.Header().Set("Content-Type", "application/samlmetadata+xml")
	_, err = w.Write(md)
	return err
}

// entity serves the metadata at the entity ID itself, as many IdPs do.
func (h *ssoHandler) entity(w http.ResponseWriter, r *http.Request) error { return h.metadata(w, r) }

// sso is the SSO service for SP-initiated sign-in (HTTP-Redirect: GET,
// HTTP-POST: POST).
func (h *ssoHandler) sso(w http.ResponseWriter, r *http.Request) error {
	req := &ssoRequest{appID: r.PathValue("app")}
	if r.Method == http.MethodGet {
		req.rawQuery = r.URL.RawQuery
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, maxSAMLForm)
		if err := r.ParseForm(); err != nil {
			return h.requestRefused(w, r, nil, saml.NewError(saml.CodeTooLarge, err))
		}
		req.rawPost, req.relayState = r.PostForm.Get("SAMLRequest"), r.PostForm.Get("RelayState")
	}
	a, acs, ar, refused := h.checkRequest(r, req)
	if refused != nil {
		return refused(w, r)
	}
	u, signedIn := h.portalUser(r)
	mustSignIn := !signedIn || ar.ForceAuthn
	switch {
	case mustSignIn && ar.IsPassive:
		// The application asked that no page be shown (saml-core 3.4.1):
		// answer NoPassive rather than asking anyone to sign in.
		h.Svc.Audit(r.Context(), "-", "sso.no_passive", a.Name, "IsPassive request, and a sign-in was needed")
		xml, err := h.Svc.StatusResponse(r.Context(), a, acs, ar.ID, saml.StatusResponder, saml.StatusNoPassive,
			"signing in needs the person to enter their password")
		if err != nil {
			return err
		}
		return h.postResponse(w, r, a, acs, xml, req.relayState)
	case mustSignIn:
		// Not signed in, or ForceAuthn: "the identity provider MUST
		// authenticate the presenter directly rather than rely on a
		// previous security context" (saml-core 3.4.1). Signing in on this
		// form answers the request; returning here does not.
		p := loginPage{page: page{Title: "Sign in", Section: "portal", Narrow: true}, Action: "/portal/login",
			Hidden: req.hidden(), Continuing: a.Name, Reauthenticate: signedIn}
		if signedIn {
			p.Username = u.Username
		}
		h.view.login(w, r, http.StatusOK, p)
		return nil
	}
	sess, _ := h.Portal.Load(r)
	return h.answer(w, r, req, a, acs, ar, u, sess)
}

// errorPage renders a refusal; it is returned by checkRequest.
type errorPage func(w http.ResponseWriter, r *http.Request) error

// checkRequest decodes and checks an AuthnRequest against the app
// (SECURITY-CASES 76–78). It returns the app, the ACS URL to answer at and
// the request.
func (h *ssoHandler) checkRequest(r *http.Request, req *ssoRequest) (store.App, string, *saml.ReceivedAuthnRequest, errorPage) {
	a, err := h.activeApp(r.Context(), req.appID)
	if err != nil {
		return a, "", nil, func(w http.ResponseWriter, r *http.Request) error {
			return h.requestRefused(w, r, nil, saml.NewError(saml.CodeUnknownServiceProvider, err))
		}
	}
	refuse := func(err error) (store.App, string, *saml.ReceivedAuthnRequest, errorPage) {
		h.Svc.Audit(r.Context(), "-", "sso.request_refused", a.Name, saml.AsError(err).Error())
		return a, "", nil, func(w http.ResponseWriter, r *http.Request) error { return h.requestRefused(w, r, &a, err) }
	}
	if req.rawQuery != "" {
		msg, err := saml.DecodeRedirect(req.rawQuery, h.Limits)
		if err != nil {
			return refuse(err)
		}
		req.redirect, req.xml, req.relayState = msg, msg.XML, msg.RelayState
	} else {
		xml, err := saml.DecodeBase64([]byte(req.rawPost), h.Limits.WithDefaults().MaxMessageBytes)
		if err != nil {
			return refuse(err)
		}
		req.xml = xml
	}
	if len(req.relayState) > saml.MaxRelayState {
		return refuse(saml.NewError(saml.CodeRequestInvalid, fmt.Errorf("RelayState longer than %d bytes", saml.MaxRelayState)))
	}
	ar, err := saml.ParseAuthnRequest(req.xml, h.Limits)
	if err != nil {
		return refuse(err)
	}
	acsURLs, certs, wantSigned, err := h.spFacts(a)
	if err != nil { // fail closed: never check a request against less than the metadata said
		e := saml.NewError(saml.CodeMetadataInvalid, err)
		e.Message, e.Hint = err.Error(), "Ask your Identity Center administrator to upload the application's SAML metadata again."
		return refuse(e)
	}
	acs, err := saml.CheckAuthnRequest(ar, saml.AuthnRequestPolicy{SSOURL: h.Svc.SSOURL(a.ID), SPEntityID: a.Audience,
		ACSURLs: acsURLs, SPCerts: certs, RequireSigned: wantSigned, Now: h.Svc.now(), Redirect: req.redirect})
	if err != nil {
		return refuse(err)
	}
	return a, acs, ar, nil
}

// spFacts reads the registered ACS URLs, the SP's signing certificates and
// whether it signs requests, from the app and its uploaded SP metadata.
func (h *ssoHandler) spFacts(a store.App) (acs []string, certs []*x509.Certificate, signs bool, err error) {
	if a.ACSURL != "" {
		acs = append(acs, a.ACSURL)
	}
	sp, err := h.Svc.spDescriptor(a)
	if sp == nil || err != nil {
		return acs, nil, false, err
	}
	for _, e := range sp.AssertionConsumerServices {
		if e.Binding == saml.BindingHTTPPost && e.Location != a.ACSURL {
			acs = append(acs, e.Location)
		}
	}
	return acs, sp.SigningCertificates, sp.AuthnRequestsSigned, nil
}

// continueSSO checks a request carried through the sign-in form and
// answers it for the user who just signed in (portal session sess).
func (h *ssoHandler) continueSSO(w http.ResponseWriter, r *http.Request, req *ssoRequest, u store.User, sess store.Session) error {
	a, acs, ar, refused := h.checkRequest(r, req)
	if refused != nil {
		return refused(w, r)
	}
	return h.answer(w, r, req, a, acs, ar, u, sess)
}

// answer sends the response to a checked request (checkRequest) for u,
// in portal session sess.
func (h *ssoHandler) answer(w http.ResponseWriter, r *http.Request, req *ssoRequest, a store.App, acs string,
	ar *saml.ReceivedAuthnRequest, u store.User, sess store.Session) error {
	if ok, needMFA := ar.ContextOK(authnContext(sess)); !ok {
		return h.unmetContext(w, r, req, a, acs, ar, u, needMFA)
	}
	if f := ar.NameIDPolicyFormat; f != "" && f != saml.NameIDUnspecified && f != saml.NameIDFormat(a.SubjectFormat) {
		h.Svc.Audit(r.Context(), u.Username, "sso.denied", a.Name, "requested NameID format "+f+" but the Subject's format is "+a.SubjectFormat)
		xml, err := h.Svc.StatusResponse(r.Context(), a, acs, ar.ID, saml.StatusRequester, saml.StatusInvalidNameIDPolicy,
			"the application's Subject format is "+a.SubjectFormat)
		if err != nil {
			return err
		}
		return h.postResponse(w, r, a, acs, xml, req.relayState)
	}
	xml, _, err := h.Svc.Issue(r.Context(), IssueRequest{App: a, User: u, ACSURL: acs, InResponseTo: ar.ID, Portal: sess})
	if err != nil {
		return h.issueFailed(w, r, u, a, err)
	}
	return h.postResponse(w, r, a, acs, xml, req.relayState)
}

// unmetContext answers a request whose RequestedAuthnContext the session
// does not meet: a step-up to MFA when that would meet it and the person
// has (or may register) a device, else NoAuthnContext (saml-core 3.3.2.2.1).
func (h *ssoHandler) unmetContext(w http.ResponseWriter, r *http.Request, req *ssoRequest, a store.App, acs string,
	ar *saml.ReceivedAuthnRequest, u store.User, needMFA bool) error {
	if needMFA {
		need, err := h.Svc.NeedMFA(r.Context(), u, browserHash(r), true)
		if err != nil {
			return err
		}
		if need == MFACode || need == MFARegister {
			return h.askSecondFactor(w, r, u, store.RealmPortal, mfaState{Hidden: req.hidden()}, false)
		}
	}
	h.Svc.Audit(r.Context(), u.Username, "sso.denied", a.Name, "the application asked for an authentication context Signet cannot meet: "+
		strings.Join(ar.RequestedAuthnContext, ", ")+" ("+ar.Comparison+")")
	xml, err := h.Svc.StatusResponse(r.Context(), a, acs, ar.ID, saml.StatusResponder, saml.StatusNoAuthnContext,
		"the requested authentication context cannot be met")
	if err != nil {
		return err
	}
	return h.postResponse(w, r, a, acs, xml, req.relayState)
}

// requestRefused shows an error page at the IdP: no assertion is sent.
func (h *ssoHandler) requestRefused(w http.ResponseWriter, r *http.Request, a *store.App, err error) error {
	e := saml.AsError(err)
	msg := "The sign-in request from the application was refused, and nothing was sent to it."
	if a != nil {
		msg = "The sign-in request from " + a.Name + " was refused, and nothing was sent to it."
	}
	status := http.StatusBadRequest
	if e.Code == saml.CodeUnknownServiceProvider && a == nil {
		status = http.StatusNotFound
	}
	reason, fix := e.Message, e.Hint
	if t, ok := requestText[e.Code]; ok {
		reason, fix = t[0], t[1]
	}
	h.view.problem(w, r, status, problem{page: page{Title: "Sign-in request refused", Section: "portal", Narrow: true},
		Heading: "Sign-in request refused", Message: msg, Reason: trimDot(reason), Fix: fix, Code: string(e.Code)})
	return nil
}

// requestText words, for an AuthnRequest, the codes whose public text is
// about a response (the SP's side): reason, then how to fix it.
var requestText = map[saml.Code][2]string{
	saml.CodeMalformed: {"The sign-in request could not be read.",
		"Start the sign-in again from the application; if it keeps failing, check its SAML settings (it must send a SAML 2.0 AuthnRequest)."},
	saml.CodeTooLarge: {"The sign-in request is too large.", "A sign-in request is normally under a kilobyte; check what the application sends."},
	saml.CodeSignatureMissing: {"The sign-in request is not signed, and this application's metadata says it signs its requests.",
		"Configure the application to sign its AuthnRequests, or upload metadata without AuthnRequestsSigned."},
	saml.CodeSignatureInvalid: {"The signature of the sign-in request does not verify.",
		"The request was altered, or the application signs with a key that is not in the metadata uploaded here: upload its current metadata."},
	saml.CodeSignatureAlgorithm: {"The sign-in request is signed with an algorithm that is not accepted.",
		"Configure the application to sign its requests with RSA-SHA256."},
	saml.CodeCertificateUntrusted: {"The sign-in request is signed by a certificate that is not in the application's metadata.",
		"Upload the application's current SAML metadata."},
	saml.CodeDestinationMismatch: {"The sign-in request was meant for another Identity Center address.",
		"Set the IdP sign-in URL in the application to this application's SSO URL, from the IdP metadata downloaded here."},
}

func trimDot(s string) string {
	if n := len(s); n > 0 && s[n-1] == '.' {
		return s[:n-1]
	}
	return s
}
