// fogbank's Node.js runtime bootstrap: the Lambda Runtime API loop for `exports.handler`.
// Supports async handlers, callback-style handlers (event, context, callback), CommonJS and ES modules.
"use strict";

const http = require("http");
const path = require("path");
const fs = require("fs");
const url = require("url");
const util = require("util");

const [apiHost, apiPort] = process.env.AWS_LAMBDA_RUNTIME_API.split(":");

// Native addons (.node) must match the function's architecture, as on Lambda (the same check as
// native_check.py for Python): `node node_bootstrap.js <function architecture> <host architecture>`.
const [functionArchitecture, hostArchitecture] = process.argv.slice(2, 4);
if (functionArchitecture) {
  const Module = require("module");
  const loadAddon = Module._extensions[".node"];
  const machines = { 62: "x86_64", 183: "arm64", 3: "x86 (32-bit)", 40: "arm (32-bit)" };
  Module._extensions[".node"] = function checkedAddon(module, filename) {
    const header = Buffer.alloc(20);
    const fd = fs.openSync(filename, "r");
    try { fs.readSync(fd, header, 0, 20, 0); } finally { fs.closeSync(fd); }
    if (header.readUInt32BE(0) === 0x7f454c46) {
      const machine = header[5] === 2 ? header.readUInt16BE(18) : header.readUInt16LE(18);
      const builtFor = machines[machine] || `ELF machine ${machine}`;
      if (builtFor !== functionArchitecture) {
        throw new Error(
          `architecture mismatch: ${filename} is a native addon built for ${builtFor}, but the function's ` +
          `architecture is ${functionArchitecture}, so Lambda cannot load it; package the ${functionArchitecture} ` +
          "build of this module (npm install --cpu=" + (functionArchitecture === "arm64" ? "arm64" : "x64") + " --os=linux)");
      }
      if (builtFor !== hostArchitecture) {
        throw new Error(
          `${filename} is built for ${builtFor}, the function's architecture, but this machine is ` +
          `${hostArchitecture}, so the local cloud cannot load it; for local runs use Architectures ` +
          `[${hostArchitecture}] and ${hostArchitecture} packages, or run on an ${builtFor} machine`);
      }
    }
    return loadAddon(module, filename);
  };
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const PREFIX = "/2018-06-01/runtime";
let currentRequestId = null;

function request(method, route, body, headers) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(body);
    const req = http.request(
      {
        host: apiHost, port: Number(apiPort), path: PREFIX + route, method, agent,
        headers: Object.assign(data ? { "Content-Type": "application/json", "Content-Length": data.length } : {}, headers || {}),
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.setNoDelay(true);
    req.on("error", reject);
    if (data) req.write(data);
    req.end();
  });
}

function patchConsole() {
  const levels = { log: "INFO", info: "INFO", warn: "WARN", error: "ERROR", debug: "DEBUG", trace: "TRACE" };
  for (const [name, level] of Object.entries(levels)) {
    console[name] = (...args) => {
      const message = util.format(...args).replace(/\n/g, "\r");
      process.stdout.write(`${new Date().toISOString()}\t${currentRequestId || "undefined"}\t${level}\t${message}\n`);
    };
  }
}

function errorPayload(err) {
  if (err instanceof Error) {
    return { errorType: err.name || "Error", errorMessage: err.message, trace: String(err.stack || "").split("\n") };
  }
  return { errorType: "string", errorMessage: typeof err === "string" ? err : JSON.stringify(err), trace: [] };
}

async function failInit(errorType, err) {
  const payload = errorPayload(err);
  payload.errorType = errorType;
  console.error(JSON.stringify(payload));
  await request("POST", "/init/error", JSON.stringify(payload), { "Lambda-Runtime-Function-Error-Type": errorType });
  process.exit(1);
}

async function loadHandler() {
  const taskRoot = process.env.LAMBDA_TASK_ROOT;
  const spec = process.env._HANDLER || "";
  const slash = spec.lastIndexOf("/");
  const dot = spec.indexOf(".", slash + 1);
  if (dot < 0) return failInit("Runtime.MalformedHandlerName", new Error(`Bad handler ${spec}`));
  const modulePath = path.resolve(taskRoot, spec.slice(0, dot));
  const handlerPath = spec.slice(dot + 1).split(".");
  let mod;
  try {
    const file = [".js", ".mjs", ".cjs"].map((ext) => modulePath + ext).find((f) => fs.existsSync(f));
    if (!file) {
      const e = new Error(`Cannot find module '${spec.slice(0, dot)}'`);
      e.name = "Runtime.ImportModuleError";
      throw e;
    }
    mod = file.endsWith(".mjs") ? await import(url.pathToFileURL(file).href) : require(file);
  } catch (err) {
    if (err instanceof SyntaxError) return failInit("Runtime.UserCodeSyntaxError", err);
    return failInit("Runtime.ImportModuleError", err);
  }
  let handler = mod;
  for (const part of handlerPath) handler = handler == null ? undefined : handler[part];
  if (typeof handler !== "function") {
    return failInit("Runtime.HandlerNotFound", new Error(`${spec} is undefined or not exported`));
  }
  return handler;
}

function invokeHandler(handler, event, context) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback = (err, result) => {
      if (settled) return;
      settled = true;
      if (err !== undefined && err !== null) reject(err); else resolve(result);
    };
    context.done = callback;
    context.succeed = (result) => callback(null, result);
    context.fail = (err) => callback(err || "handled");
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === "function") {
        returned.then((r) => callback(null, r), (e) => callback(e === undefined ? new Error("undefined") : e));
      } else if (handler.length < 3) {
        callback(null, returned);
      }
    } catch (err) {
      callback(err);
    }
  });
}

async function main() {
  patchConsole();
  const handler = await loadHandler();
  process.on("uncaughtException", async (err) => {
    if (currentRequestId) {
      const payload = errorPayload(err);
      console.error(JSON.stringify(payload));
      await request("POST", `/invocation/${currentRequestId}/error`, JSON.stringify(payload),
        { "Lambda-Runtime-Function-Error-Type": payload.errorType }).catch(() => {});
    }
    process.exit(129);
  });
  for (;;) {
    const next = await request("GET", "/invocation/next");
    if (next.status !== 200) process.exit(0);
    const h = next.headers;
    const requestId = h["lambda-runtime-aws-request-id"];
    const deadline = Number(h["lambda-runtime-deadline-ms"]);
    currentRequestId = requestId;
    if (h["lambda-runtime-trace-id"]) process.env._X_AMZN_TRACE_ID = h["lambda-runtime-trace-id"];
    else delete process.env._X_AMZN_TRACE_ID;
    const context = {
      awsRequestId: requestId,
      invokedFunctionArn: h["lambda-runtime-invoked-function-arn"],
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      callbackWaitsForEmptyEventLoop: true,
      clientContext: h["lambda-runtime-client-context"] ? JSON.parse(h["lambda-runtime-client-context"]) : undefined,
      identity: h["lambda-runtime-cognito-identity"] ? JSON.parse(h["lambda-runtime-cognito-identity"]) : undefined,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    let event;
    try {
      event = JSON.parse(next.body.toString("utf8") || "{}");
    } catch (err) {
      event = next.body.toString("utf8");
    }
    try {
      const result = await invokeHandler(handler, event, context);
      const body = result === undefined ? "null" : JSON.stringify(result);
      await request("POST", `/invocation/${requestId}/response`, body);
    } catch (err) {
      const payload = errorPayload(err);
      console.error(`Invoke Error \t${JSON.stringify(payload)}`);
      await request("POST", `/invocation/${requestId}/error`, JSON.stringify(payload),
        { "Lambda-Runtime-Function-Error-Type": payload.errorType });
    }
    currentRequestId = null;
  }
}

main().catch((err) => {
  process.stderr.write(`fogbank node bootstrap failed: ${err && err.stack}\n`);
  process.exit(1);
});
