export * from "./dockscape_wasm.js";
/** Already done on import under Node; kept so code written for the browser entry runs unchanged. */
export default function init(): Promise<void>;
