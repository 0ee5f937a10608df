// Preload for Node.js Lambda workers of the local cloud (NODE_OPTIONS=--require <this file>).
//
// API Gateway and Function URLs keep their AWS host names (https://<id>.execute-api.<region>.amazonaws.com,
// https://<id>.lambda-url.<region>.on.aws). This preload reads the cloud's door map once, at start
// (GET $AWS_ENDPOINT_URL/_fogbank/frontdoors, in a child node process because a preload cannot await), then:
// - `tls.connect` (https.request, https.get, fetch) to a mapped host:port goes to the local listener, with the
//   original name as SNI and the local CA added to Node's roots for that connection only;
// - `dns.lookup` of any other name under those AWS domains fails with ENOTFOUND and a message, so a request
//   that bypasses tls.connect (plain net.connect) cannot leave the machine.
// ALB ports below 1024 mapped to free ports are served the same way for tls; plain http to them is not mapped.
"use strict";

const childProcess = require("child_process");
const dns = require("dns");
const tls = require("tls");

function readDoorMap(endpoint) {
  const url = endpoint.replace(/\/$/, "") + "/_fogbank/frontdoors";
  const script = `fetch(${JSON.stringify(url)}).then(async (r) => { if (!r.ok) { throw new Error(r.status) }` +
    " process.stdout.write(await r.text()) }).catch((e) => { console.error(String(e)); process.exit(1) })";
  const output = childProcess.execFileSync(process.execPath, ["-e", script], {
    env: { ...process.env, NODE_OPTIONS: "" },
    timeout: 10000,
  });
  return JSON.parse(output.toString("utf8"));
}

function install() {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!endpoint) return;
  let doorMap;
  try {
    doorMap = readDoorMap(endpoint);
  } catch (error) {
    console.error(
      `fogbank: cannot read the local cloud's front-door map from ${endpoint} (${error.message}); the worker ` +
        "stops rather than let API Gateway and Function URL requests leave the machine",
    );
    process.exit(1);
  }
  const hosts = new Map(doorMap.shim.hosts.map(([host, port, target]) => [`${host}:${port}`, target]));
  const suffixes = doorMap.shim.suffixes;
  const ca = [...tls.rootCertificates, doorMap.ca_pem];
  const target = (host, port) => {
    const name = String(host || "").toLowerCase().replace(/\.$/, "");
    const exact = hosts.get(`${name}:${Number(port)}`);
    if (exact) return exact;
    const match = suffixes.find(([suffix, mapped]) => mapped === Number(port) && name.endsWith(suffix));
    return match ? match[2] : null;
  };
  const originalConnect = tls.connect;
  tls.connect = function connect(...args) {
    let options = args[0];
    if (options !== null && typeof options === "object") {
      const host = options.host || options.servername;
      const to = target(host, options.port || 443);
      if (to) {
        options = { ...options, host: to[0], port: to[1], servername: options.servername || host };
        if (!options.ca) options.ca = ca;
        return originalConnect.call(this, options, ...args.slice(1));
      }
    }
    return originalConnect.apply(this, args);
  };
  const domains = suffixes.map(([suffix]) => suffix);
  const originalLookup = dns.lookup;
  dns.lookup = function lookup(hostname, ...rest) {
    const name = String(hostname || "").toLowerCase().replace(/\.$/, "");
    if (domains.some((suffix) => name.endsWith(suffix))) {
      const callback = rest[rest.length - 1];
      const error = Object.assign(
        new Error(`fogbank: ${name} is a front door of the local cloud; reach it with https (tls.connect)`),
        { code: "ENOTFOUND", hostname: name },
      );
      process.nextTick(() => callback(error));
      return {};
    }
    return originalLookup.call(this, hostname, ...rest);
  };
}

install();
