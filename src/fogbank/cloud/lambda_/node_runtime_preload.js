// Preload for Node.js Lambda workers (NODE_OPTIONS=--require <this file>): lets an ES module handler (.mjs)
// import packages from NODE_PATH (layers, then the runtime's AWS SDK), as Lambda's Node.js 18+ runtimes do.
// CommonJS `require` already honours NODE_PATH. See node_esm_resolve.mjs. The hook costs cold-start time
// (about 50 ms, more with many imports), so it is registered only when the handler is an ES module (the
// bootstrap's rule: no `<module>.js`, but a `<module>.mjs`).
"use strict";

const fs = require("node:fs");
const nodeModule = require("node:module");
const path = require("node:path");
const { pathToFileURL } = require("node:url");

function handlerIsEsModule() {
  const spec = process.env._HANDLER || "";
  const taskRoot = process.env.LAMBDA_TASK_ROOT;
  const dot = spec.indexOf(".", spec.lastIndexOf("/") + 1);
  if (!taskRoot || dot < 0) return false;
  const modulePath = path.resolve(taskRoot, spec.slice(0, dot));
  return !fs.existsSync(modulePath + ".js") && fs.existsSync(modulePath + ".mjs");
}

if (typeof nodeModule.register === "function" && handlerIsEsModule()) {
  nodeModule.register(pathToFileURL(path.join(__dirname, "node_esm_resolve.mjs")).href);
}
