// Writes ../src/test/resources/llama-spm-reference-ids.txt: for every text of the BPE reference corpus
// (SST-2 dev, the first 1,000 SST-2 training sentences, stress-corpus.txt, bpe-corpus.jsonl; the order
// BpeCorpus.all() uses), one line "<crc32 of the text's UTF-8, hex> <ids...>" with the ids that
// llama-tokenizer-js (an independent JavaScript implementation of Llama-1/2's SentencePiece BPE)
// gives, BOS and the preceding space included. Run: npm install && node gen-llama-spm-ids.mjs
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import llamaTokenizer from 'llama-tokenizer-js';

const here = path.dirname(new URL(import.meta.url).pathname);
const shared = process.env.ZOFT_SHARED_DIR || path.resolve(here, '../../../shared');
const resources = path.resolve(here, '../src/test/resources');

function sst2(file, limit) {
  const lines = fs.readFileSync(path.join(shared, 'datasets/sst2', file), 'utf8').split(/\r\n|\r|\n/);
  const header = lines[0].split('\t');
  const col = header.includes('sentence') ? header.indexOf('sentence') : header.indexOf('content');
  const out = [];
  for (let i = 1; i < lines.length && out.length < limit; i++) {
    if (i === lines.length - 1 && lines[i] === '') break; // the file's final newline
    out.push(lines[i].split('\t')[col]);
  }
  return out;
}

const texts = [
  ...sst2('dev.tsv', Infinity),
  ...sst2('train.tsv', 1000),
  ...fs.readFileSync(path.join(resources, 'stress-corpus.txt'), 'utf8').split('\n'),
  ...fs.readFileSync(path.join(resources, 'bpe-corpus.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l)),
];
const encoder = new TextEncoder();
const out = texts.map((t) => {
  const crc = (zlib.crc32(encoder.encode(t)) >>> 0).toString(16).padStart(8, '0');
  return crc + ' ' + llamaTokenizer.encode(t).join(' ');
});
fs.writeFileSync(path.join(resources, 'llama-spm-reference-ids.txt'), out.join('\n') + '\n');
console.log(texts.length + ' texts');
