export * from "./dockscape_wasm.js";
export { default, initSync } from "./dockscape_wasm.js";
