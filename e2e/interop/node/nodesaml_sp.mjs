// @node-saml/node-saml 5 as a service provider for Signet's interop tests.
//   node nodesaml_sp.mjs metadata PORT
//   node nodesaml_sp.mjs serve PORT IDP_METADATA
import { SAML } from "@node-saml/node-saml";
import { createRequire } from "node:module";
const common = createRequire(import.meta.url)("./common.cjs");

const [mode, port, idpFile] = process.argv.slice(2);
const base = `http://127.0.0.1:${port}`;
const idp = mode === "serve" ? common.readIdP(idpFile) : { entityID: "unset", cert: "unset", sso: "http://unset.invalid/" };
const saml = new SAML({
  callbackUrl: base + "/acs", issuer: base + "/metadata", audience: base + "/metadata",
  idpCert: idp.cert, idpIssuer: idp.entityID, entryPoint: idp.sso,
  wantAuthnResponseSigned: true, wantAssertionsSigned: true, validateInResponseTo: "ifPresent",
  identifierFormat: "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress", acceptedClockSkewMs: 5000,
});
if (mode === "metadata") {
  console.log(saml.generateServiceProviderMetadata(null, null));
  process.exit(0);
}
common.serve(Number(port), "node-saml",
  () => saml.getAuthorizeUrlAsync("rs-node-saml", "127.0.0.1", {}),
  async (form) => {
    const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse });
    const attributes = {};
    for (const [k, v] of Object.entries(profile.attributes || {})) attributes[k] = [].concat(v);
    return { name_id: profile.nameID, name_id_format: profile.nameIDFormat, attributes };
  });
