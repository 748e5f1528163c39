// Bytes as hex, written once (src/lib/ring/format.ts, where the engine's results use it) for the
// CLI, the kernel harness and the page.
export { fromHex, hex } from '../ring/format';
