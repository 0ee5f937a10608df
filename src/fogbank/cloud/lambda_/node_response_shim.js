// Preload for Node.js Lambda workers of the local cloud (NODE_OPTIONS=--require <this file>).
//
// CDK's Node.js custom resource handlers answer CloudFormation with
//   https.request({ hostname: url.hostname, path: url.path, method: "PUT", ... })
// which drops the ResponseURL's scheme and port. The local cloud's ResponseURL is
// http://127.0.0.1:<port>/_fogbank/cloudformation/response/<token>, so such a request would try TLS on
// port 443. This shim sends https requests aimed at the local cloud's host (AWS_ENDPOINT_URL) with no
// explicit port, or with the endpoint's own port, over plain http to the endpoint's port. Every other
// request is untouched.
"use strict";

const http = require("http");
const https = require("https");

function install() {
  const raw = process.env.AWS_ENDPOINT_URL;
  if (!raw) return;
  let endpoint;
  try {
    endpoint = new URL(raw);
  } catch (_) {
    return;
  }
  if (endpoint.protocol !== "http:") return;
  const port = endpoint.port || "80";
  const originalRequest = https.request;

  function normalize(args) {
    let [first, second, third] = args;
    let options = {};
    let callback;
    if (typeof first === "string" || first instanceof URL) {
      const url = typeof first === "string" ? new URL(first) : first;
      options = {
        hostname: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
      };
      if (typeof second === "function") callback = second;
      else {
        options = { ...options, ...(second || {}) };
        callback = third;
      }
    } else {
      options = { ...(first || {}) };
      callback = second;
    }
    return { options, callback };
  }

  function aimsAtLocalCloud(options) {
    const host = options.hostname || (options.host || "").split(":")[0];
    if (host !== endpoint.hostname) return false;
    const given = options.port ? String(options.port) : "";
    return given === "" || given === "443" || given === port;
  }

  https.request = function request(...args) {
    const { options, callback } = normalize(args);
    if (!aimsAtLocalCloud(options)) return originalRequest.apply(this, args);
    const plain = { ...options, protocol: "http:", port, agent: undefined };
    delete plain.host;
    return http.request(plain, callback);
  };
  https.get = function get(...args) {
    const req = https.request(...args);
    req.end();
    return req;
  };
}

install();
