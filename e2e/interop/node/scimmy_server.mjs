// A SCIM 2.0 service provider built on SCIMMY and SCIMMY's Express routers:
// the target of the Identity Center's provisioning in the interop suite.
// Users and groups live in memory. Usage: node scimmy_server.mjs PORT TOKEN
// Every request is logged to stdout (method, path, status), so a failed
// test shows what Signet sent.
import express from "express";
import SCIMMY from "scimmy";
import SCIMMYRouters from "scimmy-routers";
import crypto from "node:crypto";

const [port, token] = process.argv.slice(2);
const users = new Map();
const groups = new Map();

function plain(instance) {
  return JSON.parse(JSON.stringify(instance));
}

function store(map, resource, instance, unique, what) {
  const data = plain(instance);
  const key = String(data[unique] ?? "").toLowerCase();
  for (const [id, other] of map) {
    if (id !== resource.id && String(other[unique] ?? "").toLowerCase() === key) {
      throw new SCIMMY.Types.Error(409, "uniqueness", `${what} ${data[unique]} exists already`);
    }
  }
  const id = resource.id ?? crypto.randomUUID();
  if (resource.id && !map.has(id)) throw new SCIMMY.Types.Error(404, null, `Resource ${id} not found`);
  const now = new Date().toISOString();
  const created = map.get(id)?.meta?.created ?? now;
  const saved = { ...data, id, meta: { created, lastModified: now } };
  map.set(id, saved);
  return saved;
}

function read(map, resource) {
  if (resource.id) {
    if (!map.has(resource.id)) throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
    return map.get(resource.id);
  }
  const all = [...map.values()];
  return resource.filter ? resource.filter.match(all) : all;
}

function dispose(map, resource) {
  if (!map.delete(resource.id)) throw new SCIMMY.Types.Error(404, null, `Resource ${resource.id} not found`);
  if (map === users) {
    for (const g of groups.values()) g.members = (g.members ?? []).filter((m) => m.value !== resource.id);
  }
}

SCIMMY.Resources.declare(SCIMMY.Resources.User)
  .ingress((resource, instance) => store(users, resource, instance, "userName", "userName"))
  .egress((resource) => read(users, resource))
  .degress((resource) => dispose(users, resource));
SCIMMY.Resources.declare(SCIMMY.Resources.Group)
  .ingress((resource, instance) => {
    for (const m of plain(instance).members ?? []) {
      if (!users.has(m.value)) throw new SCIMMY.Types.Error(400, "invalidValue", `no user ${m.value}`);
    }
    return store(groups, resource, instance, "displayName", "group");
  })
  .egress((resource) => read(groups, resource))
  .degress((resource) => dispose(groups, resource));

const app = express();
app.use((req, res, next) => {
  res.on("finish", () => console.log(`${req.method} ${req.originalUrl} ${res.statusCode}`));
  next();
});
app.get("/healthz", (req, res) => res.send("ok"));
app.use("/scim/v2", new SCIMMYRouters({
  type: "bearer",
  handler: (req) => {
    if (req.header("Authorization") !== "Bearer " + token) throw new Error("a valid bearer token is required");
    return "signet";
  },
}));
app.listen(Number(port), "127.0.0.1", () => console.log(`SCIMMY listening on ${port}`));
