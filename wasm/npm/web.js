// Browser entry of @dockscape/core: call `await init()` once (it fetches dockscape_wasm_bg.wasm next to
// this file; bundlers such as Vite and webpack 5 rewrite that URL), then every function is synchronous.
export * from "./dockscape_wasm.js";
export { default, initSync } from "./dockscape_wasm.js";
