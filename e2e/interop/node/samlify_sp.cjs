// samlify 2 as a service provider for Signet's interop tests.
//   node samlify_sp.cjs metadata PORT
//   node samlify_sp.cjs serve PORT IDP_METADATA
// samlify needs a schema validator plug-in (its own needs Java); this peer
// installs one that accepts everything, as the interop recipe does: the
// signature, issuer, audience and time checks are samlify's own.
const saml = require("samlify");
const common = require("./common.cjs");
saml.setSchemaValidator({ validate: () => Promise.resolve("skipped") });

const [mode, port, idpFile] = process.argv.slice(2);
const base = `http://127.0.0.1:${port}`;
const sp = saml.ServiceProvider({
  entityID: base + "/metadata", wantAssertionsSigned: true, authnRequestsSigned: false,
  nameIDFormat: ["urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress"],
  assertionConsumerService: [{ Binding: saml.Constants.namespace.binding.post, Location: base + "/acs" }],
});
if (mode === "metadata") {
  console.log(sp.getMetadata());
  process.exit(0);
}
const idp = saml.IdentityProvider({ metadata: common.readIdP(idpFile).xml });
common.serve(Number(port), "samlify",
  async () => sp.createLoginRequest(idp, "redirect").context,
  async (form) => {
    const r = await sp.parseLoginResponse(idp, "post", { body: { SAMLResponse: form.SAMLResponse, RelayState: form.RelayState } });
    const attributes = {};
    for (const [k, v] of Object.entries(r.extract.attributes || {})) attributes[k] = [].concat(v);
    return { name_id: r.extract.nameID, attributes };
  });
