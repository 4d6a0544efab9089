// Copyright 2026 The Signet Authors. SPDX-License-Identifier: Apache-2.0

package idp_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/signet-sso/signet/internal/saml"
	"github.com/signet-sso/signet/internal/saml/samltest"
	"github.com/signet-sso/signet/internal/store"
)

// TestMetadataOffersSingleLogoutOnlyWhenItCanBeChecked: an application
// without SP metadata (or whose metadata has no signing certificate) has
// no SingleLogoutService in its IdP metadata, so no SP sends logout
// messages Signet could not verify; with a signing certificate it has one.
func TestMetadataOffersSingleLogoutOnlyWhenItCanBeChecked(t *testing.T) {
	w := newWorld(t)
	app, _ := w.seedApp("Amplitude", "pat", "pat@corp.example")
	slo := func() bool {
		r := w.admin.MustStatus(http.StatusOK, "GET", "/saml/apps/"+app+"/metadata", nil)
		m, err := saml.ParseMetadata([]byte(r.Body), saml.MetadataOptions{Require: saml.RoleIdP})
		if err != nil {
			t.Fatal(err)
		}
		return len(m.IdP.SLOServices) == 1 && strings.HasSuffix(m.IdP.SLOServices[0].Location, "/saml/apps/"+app+"/slo")
	}
	if slo() {
		t.Error("an application typed in by hand offers single logout")
	}
	key := samltest.Key(t, "sp")
	for _, tt := range []struct {
		p    saml.SPMetadataParams
		want bool
	}{
		{saml.SPMetadataParams{EntityID: w.spAud, ACSURL: w.spACS, EncryptionCertificate: key.Certificate}, false},
		{saml.SPMetadataParams{EntityID: w.spAud, ACSURL: w.spACS, SigningCertificate: key.Certificate, SLOURL: "https://sp.example/slo"}, true},
	} {
		md, err := saml.SPMetadata(tt.p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.st.UpdateApp(w.ctx(), app, func(a *store.App) error { a.SPMetadata = string(md); return nil }); err != nil {
			t.Fatal(err)
		}
		if got := slo(); got != tt.want {
			t.Errorf("signing certificate %v: single logout offered %v", tt.p.SigningCertificate != nil, got)
		}
	}
}
