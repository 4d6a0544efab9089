// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/store"
)

// Limits of application fields.
const (
	maxNameLen        = 100
	maxDescriptionLen = 1024
	maxURLLen         = 2048
	maxRelayStateLen  = 80 // SAML bindings §3.4.3
	maxSPMetadataLen  = 256 << 10
	minSession        = 15 * time.Minute
	maxSession        = 12 * time.Hour
	// DefaultSessionDuration is AWS's default application session.
	DefaultSessionDuration = time.Hour
)

// Metadata sources on the application form.
const (
	SourceManual = "manual"
	SourceUpload = "upload"
)

// AppInput is the application form (and the CLI's app flags).
type AppInput struct {
	Name, Description    string
	StartURL, RelayState string
	SessionDuration      time.Duration
	MetadataSource       string // SourceManual or SourceUpload
	ACSURL, Audience     string // manual
	SPMetadata           []byte // upload
	// KeyKind is the first signing certificate's key (default RSA 2048).
	KeyKind saml.KeyKind
}

// validate checks the input and, for uploaded SP metadata, fills ACSURL and
// Audience from it. keepMetadata is true when editing an app whose metadata
// was uploaded before and no new file came.
func (in *AppInput) validate(keepMetadata bool) FieldErrors {
	fe := FieldErrors{}
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case in.Name == "":
		fe["name"] = "Enter a display name."
	case utf8.RuneCountInString(in.Name) > maxNameLen:
		fe["name"] = fmt.Sprintf("Use at most %d characters.", maxNameLen)
	}
	if utf8.RuneCountInString(in.Description) > maxDescriptionLen {
		fe["description"] = fmt.Sprintf("Use at most %d characters.", maxDescriptionLen)
	}
	if in.StartURL != "" {
		if err := saml.CheckHTTPURL(in.StartURL); err != nil || len(in.StartURL) > maxURLLen {
			fe["start_url"] = "Enter an http or https URL, or leave it empty."
		}
	}
	if len(in.RelayState) > maxRelayStateLen {
		fe["relay_state"] = fmt.Sprintf("SAML allows at most %d bytes of relay state.", maxRelayStateLen)
	}
	if in.SessionDuration == 0 {
		in.SessionDuration = DefaultSessionDuration
	}
	if in.SessionDuration < minSession || in.SessionDuration > maxSession {
		fe["session_duration"] = "Choose a session duration between 15 minutes and 12 hours."
	}
	switch in.MetadataSource {
	case SourceUpload:
		in.validateUpload(fe, keepMetadata)
	case SourceManual, "":
		in.MetadataSource = SourceManual
		in.SPMetadata = nil
		in.validateManual(fe)
	default:
		fe["metadata_source"] = "Choose how to provide the application metadata."
	}
	return fe
}

func (in *AppInput) validateManual(fe FieldErrors) {
	in.ACSURL, in.Audience = strings.TrimSpace(in.ACSURL), strings.TrimSpace(in.Audience)
	if err := saml.CheckHTTPURL(in.ACSURL); err != nil || len(in.ACSURL) > maxURLLen {
		fe["acs_url"] = "Enter the application's ACS URL: an http or https URL (for example https://app.example.com/saml/acs)."
	}
	switch {
	case in.Audience == "":
		fe["audience"] = "Enter the application's SAML audience (its entity ID)."
	case len(in.Audience) > maxURLLen || strings.ContainsAny(in.Audience, " \t\r\n<>\""):
		fe["audience"] = "The SAML audience must be a URI without spaces, quotes or angle brackets."
	}
}

func (in *AppInput) validateUpload(fe FieldErrors, keepMetadata bool) {
	if len(in.SPMetadata) == 0 {
		if !keepMetadata {
			fe["sp_metadata"] = "Choose the application's SAML metadata file."
		}
		return
	}
	if len(in.SPMetadata) > maxSPMetadataLen {
		fe["sp_metadata"] = "The metadata file is too large."
		return
	}
	m, err := saml.ParseMetadata(in.SPMetadata, saml.MetadataOptions{Require: saml.RoleSP})
	if err != nil {
		fe["sp_metadata"] = saml.AsError(err).Message
		return
	}
	acs, ok := m.SP.DefaultACS()
	if !ok {
		fe["sp_metadata"] = "The metadata has no AssertionConsumerService with the HTTP-POST binding."
		return
	}
	in.ACSURL, in.Audience = acs.Location, m.EntityID
}

func (in *AppInput) apply(a *store.App) {
	a.Name, a.Description, a.StartURL, a.RelayState = in.Name, strings.TrimSpace(in.Description), in.StartURL, in.RelayState
	a.SessionDuration, a.ACSURL, a.Audience = in.SessionDuration, in.ACSURL, in.Audience
	if in.MetadataSource == SourceManual {
		a.SPMetadata = ""
	} else if len(in.SPMetadata) > 0 {
		a.SPMetadata = string(in.SPMetadata)
	}
}

// NewDraftApp starts "Add application": an app with its entity ID and
// first signing certificate, hidden until submitted.
func (s *Service) NewDraftApp(ctx context.Context) (store.App, error) {
	a := store.App{ID: newAppID(), Status: store.AppDraft, SessionDuration: DefaultSessionDuration,
		SubjectValue: DefaultSubjectValue, SubjectFormat: DefaultSubjectFormat, CreatedAt: s.now()}
	key, err := s.newSigningKey(a.ID, "")
	if err != nil {
		return store.App{}, err
	}
	return s.Store.CreateApp(ctx, a, key)
}

// CreateApp makes an active app in one step (the CLI).
func (s *Service) CreateApp(ctx context.Context, actor string, in AppInput) (store.App, error) {
	if fe := in.validate(false); len(fe) > 0 {
		return store.App{}, fe
	}
	a := store.App{ID: newAppID(), Status: store.AppActive, SubjectValue: DefaultSubjectValue,
		SubjectFormat: DefaultSubjectFormat, CreatedAt: s.now()}
	in.apply(&a)
	key, err := s.newSigningKey(a.ID, in.KeyKind)
	if err != nil {
		return store.App{}, err
	}
	a, err = s.Store.CreateApp(ctx, a, key)
	if errors.Is(err, store.ErrConflict) {
		return store.App{}, FieldErrors{"name": "An application with this display name already exists."}
	}
	if err != nil {
		return store.App{}, err
	}
	s.Audit(ctx, actor, "app.create", a.Name, fmt.Sprintf("ACS URL %s, audience %s", a.ACSURL, a.Audience))
	return a, nil
}

// SaveApp submits a draft (making it active) or edits an active app's
// configuration.
func (s *Service) SaveApp(ctx context.Context, actor, id string, in AppInput) (store.App, error) {
	cur, err := s.Store.GetApp(ctx, id)
	if err != nil {
		return store.App{}, err
	}
	if fe := in.validate(cur.SPMetadata != ""); len(fe) > 0 {
		return store.App{}, fe
	}
	if in.MetadataSource == SourceUpload && len(in.SPMetadata) == 0 {
		in.ACSURL, in.Audience = cur.ACSURL, cur.Audience
	}
	action := "app.update"
	if cur.Status == store.AppDraft {
		action = "app.create"
	}
	a, err := s.Store.UpdateApp(ctx, id, func(a *store.App) error {
		in.apply(a)
		a.Status = store.AppActive
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		return store.App{}, FieldErrors{"name": "An application with this display name already exists."}
	}
	if err != nil {
		return store.App{}, err
	}
	s.Audit(ctx, actor, action, a.Name, fmt.Sprintf("ACS URL %s, audience %s, session %s", a.ACSURL, a.Audience, a.SessionDuration))
	return a, nil
}

// DeleteApp removes an app with its mappings, assignments and certificates.
func (s *Service) DeleteApp(ctx context.Context, actor string, app store.App) error {
	if err := s.Store.DeleteApp(ctx, app.ID); err != nil {
		return err
	}
	s.Audit(ctx, actor, "app.delete", app.Name, "deleted with its mappings, assignments and certificates")
	return nil
}

// MappingInput is the attribute-mapping form.
type MappingInput struct {
	SubjectValue, SubjectFormat string
	Attributes                  []store.AttributeMapping
}

// checkAttributeRows returns the non-empty rows, noting in fe what is
// wrong with each (by row: attr0, attr1…).
func checkAttributeRows(in []store.AttributeMapping, fe FieldErrors) []store.AttributeMapping {
	seen := map[string]bool{}
	var rows []store.AttributeMapping
	for i, m := range in {
		m.Name, m.Value = strings.TrimSpace(m.Name), strings.TrimSpace(m.Value)
		if m.Name == "" && m.Value == "" {
			continue
		}
		key := fmt.Sprintf("attr%d", i)
		switch {
		case m.Name == "":
			fe[key] = "Enter the name of the attribute in the application."
		case m.Value == "":
			fe[key] = fmt.Sprintf("Enter the value for %q.", m.Name)
		case len(m.Name) > 256 || len(m.Value) > 256:
			fe[key] = "Use at most 256 characters for names and values."
		case strings.ContainsAny(m.Name, "<>\"&"):
			fe[key] = "Attribute names cannot contain <, >, & or quotes."
		case seen[strings.ToLower(m.Name)]:
			fe[key] = fmt.Sprintf("%q is mapped twice.", m.Name)
		}
		if saml.AttrNameFormat(m.Format) == "" {
			fe[key] = "Choose unspecified, basic or uri."
		}
		seen[strings.ToLower(m.Name)] = true
		rows = append(rows, m)
	}
	return rows
}

// SetMappings validates and saves an app's mappings. It returns warnings
// (unknown variables, which are sent literally) on success.
func (s *Service) SetMappings(ctx context.Context, actor string, app store.App, in MappingInput) ([]string, error) {
	fe := FieldErrors{}
	in.SubjectValue = strings.TrimSpace(in.SubjectValue)
	if in.SubjectValue == "" {
		fe["subject"] = "Map the Subject to a string value or a user attribute, for example ${user:email}."
	} else if len(in.SubjectValue) > 256 {
		fe["subject"] = "Use at most 256 characters."
	}
	if saml.NameIDFormat(in.SubjectFormat) == "" {
		fe["subject_format"] = "Choose unspecified, emailAddress, persistent or transient."
	}
	rows := checkAttributeRows(in.Attributes, fe)
	if len(rows) > 50 {
		fe["attributes"] = "An application can have at most 50 attribute mappings."
	}
	if len(fe) > 0 {
		return nil, fe
	}
	if err := s.Store.SetAttributeMappings(ctx, app.ID, in.SubjectValue, in.SubjectFormat, rows); err != nil {
		return nil, err
	}
	var warnings []string
	warned := map[string]bool{} // one warning per unknown variable, however often it is used
	for _, v := range append([]string{in.SubjectValue}, valuesOf(rows)...) {
		for _, u := range UnknownVariables(v) {
			if !warned[u] {
				warned[u] = true
				warnings = append(warnings, fmt.Sprintf("%s is not a known variable: it will be sent as the literal text %q. Did you mean one of the variables listed below?", u, u))
			}
		}
	}
	var desc []string
	for _, r := range rows {
		desc = append(desc, fmt.Sprintf("%s=%s (%s)", r.Name, r.Value, r.Format))
	}
	s.Audit(ctx, actor, "app.mappings", app.Name, fmt.Sprintf("Subject=%s (%s); attributes: %s", in.SubjectValue, in.SubjectFormat, orNone(strings.Join(desc, ", "))))
	return warnings, nil
}

func valuesOf(rows []store.AttributeMapping) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Value
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Assign gives a user or a group access to an app.
func (s *Service) Assign(ctx context.Context, actor string, app store.App, kind, principalID, label string) error {
	if err := s.Store.Assign(ctx, store.Assignment{AppID: app.ID, PrincipalKind: kind, PrincipalID: principalID, CreatedAt: s.now()}); err != nil {
		return err
	}
	s.Audit(ctx, actor, "app.assign", app.Name, fmt.Sprintf("assigned %s %s", kind, label))
	return nil
}

// Unassign removes an assignment.
func (s *Service) Unassign(ctx context.Context, actor string, app store.App, kind, principalID, label string) error {
	if err := s.Store.Unassign(ctx, app.ID, kind, principalID); err != nil {
		return err
	}
	s.Audit(ctx, actor, "app.unassign", app.Name, fmt.Sprintf("removed %s %s", kind, label))
	return nil
}
