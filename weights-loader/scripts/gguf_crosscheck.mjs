// Dumps what an independent GGUF reader (Hugging Face's @huggingface/gguf, npm) sees in a file, as
// JSON, so that zoft's GgufFile can be checked against it without Node at test time.
//
//   npm install --prefix /tmp/hfgguf @huggingface/gguf@0.4.6
//   NODE_PATH=/tmp/hfgguf/node_modules node scripts/gguf_crosscheck.mjs \
//       src/test/resources/fixtures/gguf/crosscheck.gguf \
//       > src/test/resources/fixtures/gguf/crosscheck.hf-gguf.json
//
// The .gguf itself is written by GgufCrosscheckTest (run it with -Dzoft.regenerate.fixtures=true).
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.NODE_PATH ?? ".", "x.js"));
const { gguf } = require("@huggingface/gguf");

const file = path.resolve(process.argv[2]);
const out = await gguf(file, { allowLocalFile: true, typedMetadata: true });

// BigInts become decimal strings; floats keep their shortest round-trip form.
const plain = (v) => typeof v === "bigint" ? v.toString() : Array.isArray(v) ? v.map(plain) : v;
const metadata = {};
for (const [key, entry] of Object.entries(out.typedMetadata)) {
    metadata[key] = { type: entry.type, subType: entry.subType ?? null, value: plain(entry.value) };
}
const tensors = out.tensorInfos.map((t) => ({
    name: t.name, n_dims: t.n_dims, shape: t.shape.map(String), dtype: t.dtype, offset: t.offset.toString(),
}));
process.stdout.write(JSON.stringify({ tensorDataOffset: out.tensorDataOffset.toString(), metadata, tensors }, null, 1) + "\n");
