// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/signet-sso/signet/internal/store"
	"github.com/signet-sso/signet/internal/web"
)

// Cookies of the second factor.
const (
	// mfaCookie holds the token of a sign-in waiting for its second factor.
	mfaCookie = "signet_idp_mfa"
	// browserCookie tells a browser apart, for "only when the sign-in
	// context changes": a random value, kept a year; only its hash is stored.
	browserCookie = "signet_idp_browser"
)

// mfaTTL is how long a sign-in may wait for its second factor; maxCodeTries
// is how many wrong codes it takes before the password is needed again.
const (
	mfaTTL       = 10 * time.Minute
	maxCodeTries = 5
)

// mfaState is what a sign-in continues with once its second factor is in.
type mfaState struct {
	Next   string            `json:"next"`
	Hidden map[string]string `json:"hidden,omitempty"` // an application's pending request
	// Method is how the person signed in, kept while they choose a new
	// password the admin asked for; PasswordChanged once they have.
	Method          string `json:"method,omitempty"`
	PasswordChanged bool   `json:"password_changed,omitempty"`
	// Purpose is purposeNewPassword for a sign-in waiting for that page.
	Purpose string `json:"purpose,omitempty"`
	// RecoveryCodes were just made (a first device): shown once.
	RecoveryCodes []string `json:"-"`
}

// signIn finishes a correct password by the MFA policy: it signs the
// person in at once, sends them to the second-factor page, or refuses
// them when the policy blocks people without a device.
func (h *base) signIn(w http.ResponseWriter, r *http.Request, u store.User, realm string, st mfaState, p loginPage) error {
	need, err := h.Svc.NeedMFA(r.Context(), u, browserHash(r), false)
	if err != nil {
		return err
	}
	switch need {
	case MFANone:
		return h.finishSignIn(w, r, u, realm, MethodPassword, st)
	case MFABlocked:
		h.Svc.Audit(r.Context(), u.Username, "signin.denied", realm, "MFA is required and the user has no MFA device")
		p.Username, p.Error = u.Username, "Your Identity Center requires multi-factor authentication, and you have no MFA device registered. Ask your administrator to let you register one."
		h.view.login(w, r, http.StatusForbidden, p)
		return nil
	}
	return h.askSecondFactor(w, r, u, realm, st, need == MFAEmail)
}

// askSecondFactor parks the sign-in, emails a one-time password when
// that is the second factor, and sends the browser to the second-factor
// page of its realm.
func (h *base) askSecondFactor(w http.ResponseWriter, r *http.Request, u store.User, realm string, st mfaState, emailCode bool) error {
	tokenHash, err := h.park(w, r, u, realm, st)
	if err != nil {
		return err
	}
	if emailCode {
		if err := h.Svc.SendEmailCode(r.Context(), u, tokenHash); err != nil {
			return err
		}
	}
	return web.Redirect(w, r, mfaPath(realm))
}

// park keeps the sign-in server-side (ParkSignIn) and gives the browser
// its token in a cookie; it returns the token's hash.
func (h *base) park(w http.ResponseWriter, r *http.Request, u store.User, realm string, st mfaState) (string, error) {
	state, err := json.Marshal(st)
	if err != nil {
		return "", err
	}
	token, err := h.Svc.ParkSignIn(r.Context(), u, realm, string(state), mfaTTL)
	if err != nil {
		return "", err
	}
	http.SetCookie(w, &http.Cookie{Name: mfaCookie, Value: token, Path: "/", MaxAge: int(mfaTTL.Seconds()), HttpOnly: true,
		Secure: h.Portal.Secure, SameSite: http.SameSiteLaxMode})
	return web.HashToken(token), nil
}

func mfaPath(realm string) string {
	if realm == store.RealmAdmin {
		return "/admin/mfa"
	}
	return "/portal/mfa"
}

// finishSignIn starts the realm's session (a new ID) and continues: to an
// application's pending request, or to the next page.
func (h *base) finishSignIn(w http.ResponseWriter, r *http.Request, u store.User, realm, method string, st mfaState) error {
	if u.MustChangePassword && !st.PasswordChanged {
		st.Method = method
		return h.askNewPassword(w, r, u, realm, st)
	}
	sessions, where := h.Portal, "the access portal"
	if realm == store.RealmAdmin {
		sessions, where = h.Admin, "the console"
	}
	sess, err := sessions.Start(w, r, store.Session{UserID: u.ID, Method: method})
	if err != nil {
		return err
	}
	how := map[string]string{MethodMFA: "with a password and an MFA device", MethodEmailOTP: "with a password and a code sent by email",
		MethodRecovery: "with a password and a recovery code"}[method]
	h.Svc.Audit(r.Context(), u.Username, "signin", realm, "signed in to "+where+" "+cmp.Or(how, "with a password"))
	if len(st.RecoveryCodes) > 0 { // shown once, before the sign-in goes on
		h.view.recoveryCodes(w, r, recoveryCodesPage{page: page{Title: "Save your recovery codes", Section: sectionFor(realm), Narrow: true},
			Codes: st.RecoveryCodes, Continue: continueTarget(realm, st)})
		return nil
	}
	if pending := pendingFrom(st.Hidden); realm == store.RealmPortal && pending != nil {
		return h.continueSSO(w, r, pending, u, sess)
	}
	return web.Redirect(w, r, st.Next)
}

// recoveryCodesPage shows new recovery codes once, with the way on.
type recoveryCodesPage struct {
	page
	Codes    []string
	Continue continuation
}

// continuation is where a sign-in goes on after a page of its own: a
// link, or (an application's POSTed request) a form that posts it again.
type continuation struct {
	URL    string
	Fields map[string]string // POST these to URL; none: a link
}

func continueTarget(realm string, st mfaState) continuation {
	pending := pendingFrom(st.Hidden)
	switch {
	case realm != store.RealmPortal || pending == nil:
		return continuation{URL: st.Next}
	case pending.rawQuery != "":
		return continuation{URL: "/saml/apps/" + url.PathEscape(pending.appID) + "/sso?" + pending.rawQuery}
	}
	return continuation{URL: "/saml/apps/" + url.PathEscape(pending.appID) + "/sso",
		Fields: map[string]string{"SAMLRequest": pending.rawPost, "RelayState": pending.relayState}}
}

// browserHash identifies the browser for the MFA policy ("" if unknown).
func browserHash(r *http.Request) string {
	c, err := r.Cookie(browserCookie)
	if err != nil || len(c.Value) < 32 || len(c.Value) > 64 {
		return ""
	}
	return web.HashToken(c.Value)
}

// rememberBrowser records that u completed MFA in this browser, giving
// it an identifier first if it has none.
func (h *base) rememberBrowser(w http.ResponseWriter, r *http.Request, u store.User) error {
	hash := browserHash(r)
	if hash == "" {
		v := h.Svc.newToken()
		http.SetCookie(w, &http.Cookie{Name: browserCookie, Value: v, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true,
			Secure: h.Portal.Secure, SameSite: http.SameSiteLaxMode})
		hash = web.HashToken(v)
	}
	return h.Svc.Store.RememberBrowser(r.Context(), u.ID, hash, h.Svc.now())
}

// mfaHandler serves the second-factor pages of the console and the portal,
// and the portal's "MFA devices" page.
type mfaHandler struct{ *base }

func (h *mfaHandler) mount(mux *http.ServeMux) {
	for _, realm := range []string{store.RealmPortal, store.RealmAdmin} {
		mux.Handle("GET "+mfaPath(realm), h.handle(h.challengePage(realm)))
		mux.Handle("POST "+mfaPath(realm), h.handle(h.challengeSubmit(realm)))
	}
	h.mountNewPassword(mux)
}

// mfaPage is the second-factor page: a code form, or (no device yet) the
// registration of an authenticator app.
type mfaPage struct {
	page
	Action  string
	Enrol   *enrolment // an authenticator app to register (no device yet)
	Passkey *ceremony  // a security key to register (no device yet) or to use
	HasTOTP bool       // the person has an authenticator app: the code form
	// EmailedTo is set when the second factor is a code sent by email
	// (the policy for people without a device): the address, partly hidden.
	EmailedTo string
	Attempts  int
}

// ceremony is a WebAuthn ceremony for the page's button: the browser's
// options (JSON) and, for a registration, the ceremony sealed for the form.
type ceremony struct {
	Options string
	Sealed  string
}

// enrolment is an authenticator app being registered: its secret as a QR
// code and as text, and sealed for the form.
type enrolment struct {
	QR      template.URL // a data: URL of a PNG Signet drew
	Secret  string       // base32, for typing in
	Sealed  string
	Account string
}

// challenge loads the sign-in waiting in this browser for its second factor.
func (h *base) challenge(r *http.Request, realm string) (store.MFAChallenge, store.User, bool, error) {
	c, err := r.Cookie(mfaCookie)
	if err != nil {
		return store.MFAChallenge{}, store.User{}, false, nil
	}
	ch, err := h.Svc.Store.GetMFAChallenge(r.Context(), web.HashToken(c.Value), h.Svc.now())
	if errors.Is(err, store.ErrNotFound) || (err == nil && ch.Realm != realm) {
		return ch, store.User{}, false, nil
	}
	if err != nil {
		return ch, store.User{}, false, err
	}
	u, err := h.Svc.Store.GetUser(r.Context(), ch.UserID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !u.Active) {
		return ch, u, false, nil
	}
	return ch, u, err == nil, err
}

// forgetParked removes the parked sign-in's cookie.
func (h *base) forgetParked(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: mfaCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: h.Portal.Secure})
}

func (h *mfaHandler) startOver(w http.ResponseWriter, r *http.Request, realm string) error {
	h.forgetParked(w)
	login := "/portal/login"
	if realm == store.RealmAdmin {
		login = "/admin/login"
	}
	return web.Redirect(w, r, login)
}

func (h *mfaHandler) challengePage(realm string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ch, u, _, ok, err := h.parkedOrStartOver(w, r, realm, "")
		if !ok {
			return err
		}
		p, err := h.challengeData(r.Context(), u, realm, ch)
		if err != nil {
			return err
		}
		h.view.mfa(w, r, http.StatusOK, p)
		return nil
	}
}

func (h *mfaHandler) challengeData(ctx context.Context, u store.User, realm string, ch store.MFAChallenge) (mfaPage, error) {
	p := mfaPage{page: page{Title: "Multi-factor authentication", Section: sectionFor(realm), Narrow: true},
		Action: mfaPath(realm), Attempts: ch.Attempts}
	policy, err := h.Svc.MFAPolicy(ctx)
	if err != nil {
		return p, err
	}
	devices, err := h.Svc.usableDevices(ctx, u, policy)
	if err != nil {
		return p, err
	}
	if len(devices) == 0 && policy.WithoutDevice == WithoutDeviceEmail {
		p.EmailedTo = maskEmail(u.Email)
		return p, nil
	}
	if len(devices) == 0 { // register one: whichever kinds the policy allows
		if policy.Allows(store.MFATOTP) {
			if p.Enrol, err = h.newEnrolment(u); err != nil {
				return p, err
			}
		}
		if policy.Allows(store.MFAWebAuthn) {
			p.Passkey, err = h.passkeyRegistration(ctx, u)
		}
		return p, err
	}
	keys := false
	for _, d := range devices {
		p.HasTOTP = p.HasTOTP || d.Kind == store.MFATOTP
		keys = keys || d.Kind == store.MFAWebAuthn
	}
	if keys {
		p.Passkey = &ceremony{}
		p.Passkey.Options, err = h.Svc.BeginPasskeySignIn(ctx, u, ch.TokenHash)
		if errors.Is(err, ErrWebAuthnUnavailable) {
			p.Passkey, err = nil, nil
		}
	}
	return p, err
}

// passkeyRegistration is the ceremony of a security key's registration,
// or nil where browsers cannot do WebAuthn (an Identity Center at an IP).
func (h *base) passkeyRegistration(ctx context.Context, u store.User) (*ceremony, error) {
	c := &ceremony{}
	var err error
	c.Options, c.Sealed, err = h.Svc.BeginPasskeyRegistration(ctx, u)
	if errors.Is(err, ErrWebAuthnUnavailable) {
		return nil, nil
	}
	return c, err
}

func sectionFor(realm string) string {
	if realm == store.RealmAdmin {
		return "admin"
	}
	return "portal"
}

// newEnrolment makes a new authenticator-app secret for u, sealed (with
// u's ID) for the form that proves it with a first code.
func (h *base) newEnrolment(u store.User) (*enrolment, error) {
	key, err := h.Svc.NewTOTPKey(u)
	if err != nil {
		return nil, err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &enrolment{QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())), Secret: key.Secret(),
		Account: u.Username, Sealed: base64.RawURLEncoding.EncodeToString(h.Svc.Sealer.Seal([]byte(u.ID + "\x00" + key.Secret())))}, nil
}

// enrolledSecret opens the form's sealed secret, if it was made for u.
func (h *base) enrolledSecret(u store.User, sealed string) (string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return "", false
	}
	plain, err := h.Svc.Sealer.Open(b)
	if err != nil {
		return "", false
	}
	id, secret, ok := strings.Cut(string(plain), "\x00")
	return secret, ok && id == u.ID
}

func (h *mfaHandler) challengeSubmit(realm string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		ch, u, _, ok, err := h.parkedOrStartOver(w, r, realm, "")
		if !ok {
			return err
		}
		if n, err := h.Svc.Store.HitRateLimit(r.Context(), "mfa:"+u.ID, 5*time.Minute, h.Svc.now()); err != nil {
			return err
		} else if n > 3*maxCodeTries {
			web.RetryLater(w)
			return &web.PublicError{Status: http.StatusTooManyRequests, Code: "rate_limited",
				Message: "Too many codes were tried for this account. Wait a few minutes, then sign in again."}
		}
		code := r.PostFormValue("code")
		byEmail, err := h.emailOnly(r.Context(), u)
		if err != nil {
			return err
		}
		method := MethodMFA
		switch resp := r.PostFormValue("webauthn_response"); {
		case byEmail && r.PostFormValue("resend") != "":
			return h.resendEmailCode(w, r, u, realm, ch)
		case byEmail:
			method, err = MethodEmailOTP, h.Svc.CheckEmailCode(r.Context(), ch.TokenHash, code)
		case r.PostFormValue("recovery") != "":
			method = MethodRecovery
			_, err = h.Svc.UseRecoveryCode(r.Context(), u, r.PostFormValue("recovery"))
		case resp != "" && r.PostFormValue("passkey_register") != "":
			_, err = h.Svc.FinishPasskeyRegistration(r.Context(), u.Username, u, r.PostFormValue("name"), r.PostFormValue("passkey_register"), resp)
		case resp != "":
			_, err = h.Svc.FinishPasskeySignIn(r.Context(), u, ch.TokenHash, resp)
		case r.PostFormValue("enrol") != "":
			secret, mine := h.enrolledSecret(u, r.PostFormValue("enrol"))
			if !mine {
				return h.startOver(w, r, realm)
			}
			_, err = h.Svc.AddTOTPDevice(r.Context(), u.Username, u, r.PostFormValue("name"), secret, code)
		default:
			_, err = h.Svc.CheckCode(r.Context(), u, code)
		}
		var pe *PolicyError
		switch {
		case errors.Is(err, ErrWrongCode), errors.Is(err, ErrPasskeyRefused):
			return h.wrongCode(w, r, u, realm, ch, err)
		case errors.As(err, &pe):
			p, derr := h.challengeData(r.Context(), u, realm, ch)
			if derr != nil {
				return derr
			}
			p.Error = pe.Message
			h.view.mfa(w, r, http.StatusUnprocessableEntity, p)
			return nil
		case err != nil:
			return err
		}
		if err := h.Svc.EndParkedSignIn(r.Context(), ch.TokenHash); err != nil {
			return err
		}
		h.forgetParked(w)
		if err := h.rememberBrowser(w, r, u); err != nil {
			return err
		}
		var st mfaState
		if err := json.Unmarshal([]byte(ch.State), &st); err != nil {
			return err
		}
		if registered := r.PostFormValue("enrol") != "" || r.PostFormValue("passkey_register") != ""; registered {
			if st.RecoveryCodes, err = h.Svc.FirstRecoveryCodes(r.Context(), u.Username, u); err != nil {
				return err
			}
		}
		return h.finishSignIn(w, r, u, realm, method, st)
	}
}

// resendEmailCode emails a new one-time password, at most five an hour.
func (h *mfaHandler) resendEmailCode(w http.ResponseWriter, r *http.Request, u store.User, realm string, ch store.MFAChallenge) error {
	n, err := h.Svc.Store.HitRateLimit(r.Context(), "otp-mail:"+u.ID, time.Hour, h.Svc.now())
	if err != nil {
		return err
	}
	p, err := h.challengeData(r.Context(), u, realm, ch)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if n > 5 {
		status, p.Error = http.StatusTooManyRequests, "Too many codes were sent to you in the last hour. Use the newest one, or try again later."
	} else {
		if err := h.Svc.SendEmailCode(r.Context(), u, ch.TokenHash); err != nil {
			return err
		}
		p.Flash = "A new code is on its way to " + p.EmailedTo + ". Earlier codes no longer work."
	}
	h.view.mfa(w, r, status, p)
	return nil
}

// emailOnly reports whether u's second factor is an emailed code: the
// policy says so for people without a device, and u has none.
func (h *base) emailOnly(ctx context.Context, u store.User) (bool, error) {
	policy, err := h.Svc.MFAPolicy(ctx)
	if err != nil || policy.WithoutDevice != WithoutDeviceEmail {
		return false, err
	}
	devices, err := h.Svc.usableDevices(ctx, u, policy)
	return len(devices) == 0, err
}

// maskEmail shows enough of an address to recognise it: p•••@corp.example.
func maskEmail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" {
		return "your email address"
	}
	return local[:1] + "•••@" + domain
}

// wrongCode counts a wrong code; after maxCodeTries the sign-in starts over.
func (h *mfaHandler) wrongCode(w http.ResponseWriter, r *http.Request, u store.User, realm string, ch store.MFAChallenge, cause error) error {
	n, err := h.Svc.Store.FailMFAChallenge(r.Context(), ch.TokenHash)
	if err != nil {
		return err
	}
	h.Svc.Audit(r.Context(), u.Username, "signin.mfa_failed", realm, "a wrong or reused MFA code, or a refused security key")
	if n >= maxCodeTries {
		if err := h.Svc.EndParkedSignIn(r.Context(), ch.TokenHash); err != nil {
			return err
		}
		return h.startOver(w, r, realm)
	}
	ch.Attempts = n
	p, err := h.challengeData(r.Context(), u, realm, ch)
	if err != nil {
		return err
	}
	p.Error = "That code is not right, or it was used already. Enter the code your authenticator app shows now."
	if errors.Is(cause, ErrPasskeyRefused) {
		p.Error = "The security key or passkey was not accepted. Try again, or use another of your devices."
	}
	h.view.mfa(w, r, http.StatusUnauthorized, p)
	return nil
}
