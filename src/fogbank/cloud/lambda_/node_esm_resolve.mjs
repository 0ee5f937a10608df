// ES module resolve hook for Node.js Lambda workers (registered by node_runtime_preload.js).
//
// Node's ES module loader ignores NODE_PATH, but Lambda's Node.js 18+ runtimes let an ES module handler
// `import` packages from its layers (/opt/nodejs/node_modules ...) and the runtime's AWS SDK
// (/var/runtime/node_modules). When the usual lookup (next to the importing file) finds no package, this hook
// tries each `node_modules` directory on NODE_PATH, in NODE_PATH's order.
import path from "node:path";
import { pathToFileURL } from "node:url";

const fallbacks = (process.env.NODE_PATH || "")
  .split(path.delimiter)
  .filter((dir) => dir && path.basename(dir) === "node_modules")
  .map((dir) => pathToFileURL(dir + path.sep).href);

function isBare(specifier) {
  return !/^(\.{0,2}\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier);
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !isBare(specifier)) throw error;
    for (const parentURL of fallbacks) {
      try {
        return await nextResolve(specifier, { ...context, parentURL });
      } catch (retry) {
        if (retry?.code !== "ERR_MODULE_NOT_FOUND") throw retry;
      }
    }
    throw error;
  }
}
