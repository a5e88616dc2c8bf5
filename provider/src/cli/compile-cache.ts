/**
 * Imported first by the `pod` bin: Node (22.8 and later) keeps the compiled code of pod's modules on disk
 * between runs, as tsc's own bin does, which takes about 90 ms off every start. NODE_COMPILE_CACHE picks the
 * directory (default: the OS temp directory); NODE_DISABLE_COMPILE_CACHE=1 turns it off. A Node without the call
 * starts as before; a cache that cannot be written is ignored by Node, never an error.
 */
import nodeModule from "node:module";

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
