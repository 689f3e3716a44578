// Node entry of @dockscape/core: the same wasm-bindgen build as the browser entry (`--target web`),
// instantiated synchronously from the .wasm file next to this one, so every function is ready on import.
import { readFileSync } from "node:fs";
import { initSync } from "./dockscape_wasm.js";

initSync({ module: readFileSync(new URL("./dockscape_wasm_bg.wasm", import.meta.url)) });

export * from "./dockscape_wasm.js";

/** Already done on import under Node; kept so code written for the browser entry runs unchanged. */
export default async function init() {}
