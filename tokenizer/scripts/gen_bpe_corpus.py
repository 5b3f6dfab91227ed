#!/usr/bin/env python3
"""Writes src/test/resources/bpe-corpus.jsonl: texts that stress byte-level and SentencePiece BPE,
one JSON string per line (so a text may hold newlines). Deterministic (fixed seed).

Families: source code with indentation and newlines, numbers in every shape (digit runs split by 1
or 3 under Llama-3 / Qwen2), whitespace runs of every kind and length, contractions in every case
('S, 'LL, ’s), unicode (accents, combining marks, CJK, emoji, RTL, mixed scripts), and random
mixes of all of these.
"""
import json
import random

rnd = random.Random(20261126)
texts = []
add = texts.append

code = [
    "def f(x):\n    return x ** 2\n",
    "for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}",
    "public static void main(String[] args) {\n    System.out.println(\"Hello, World!\");\n}\n",
    "if x == 1:\n        pass\n    elif x:\n\n\n        raise ValueError('bad')",
    "SELECT id, name FROM users WHERE age >= 18 ORDER BY name DESC;",
    "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 42); return 0; }",
    "const xs = [1, 2, 3].map((x) => x * 2); // doubled",
    "<div class=\"a b\"><span>Text</span></div>\r\n<br/>",
    "{\"key\": \"value\", \"n\": 12345, \"list\": [1.5, -2e10, null, true]}",
    "    \n  \n\t\n",
    "x+=1;y-=2;z*=3;w/=4;a%=5;b<<=6;c>>=7;d&=8;e|=9;f^=10",
    "fn main() -> Result<(), Box<dyn Error>> { Ok(()) }",
    "// TODO: fix   this\n/* multi\n   line */",
    "$ ls -la /usr/local/bin | grep -v '^d' > out.txt 2>&1",
    "a\r\nb\r\n\r\nc\n\n\nd\r\re",
    "@@ -1,4 +1,5 @@\n-old line\n+new line\n context",
    "regex: ^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$",
    "lambda s: s.strip().lower().split()",
    "  leading and trailing  ",
    "\ttabbed\tcolumns\tof\tdata\t",
]
for c in code:
    add(c)

for _ in range(80):
    kind = rnd.randrange(8)
    if kind == 0:
        add(str(rnd.randrange(10 ** rnd.randrange(1, 25))))
    elif kind == 1:
        add(f"{rnd.uniform(-1e6, 1e6):.{rnd.randrange(0, 8)}f}")
    elif kind == 2:
        add(f"{rnd.randrange(1900, 2100)}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d} {rnd.randrange(24):02d}:{rnd.randrange(60):02d}")
    elif kind == 3:
        add(hex(rnd.randrange(1 << 64)) + " " + bin(rnd.randrange(1 << 16)))
    elif kind == 4:
        add(f"${rnd.randrange(10**7):,}.{rnd.randrange(100):02d} and {rnd.randrange(100)}%")
    elif kind == 5:
        add(" ".join(str(rnd.randrange(1000)) for _ in range(rnd.randrange(2, 12))))
    elif kind == 6:
        add("".join(rnd.choice("0123456789") for _ in range(rnd.randrange(1, 40))) + "abc" + str(rnd.randrange(99)))
    else:
        add(f"v{rnd.randrange(10)}.{rnd.randrange(30)}.{rnd.randrange(100)}-rc{rnd.randrange(5)} ①②③ ٣٤٥ ४५६ Ⅻ ½")

spaces = [" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2009", "\u200b", "\r", "\x0b", "\x0c", "\u2028", "\u0085"]
for _ in range(80):
    parts = []
    for _ in range(rnd.randrange(2, 8)):
        parts.append(rnd.choice(["word", "Word", "x", "42", "!", "é", "中", "😀", "'s", ""]))
        parts.append(rnd.choice(spaces) * rnd.randrange(1, 12))
    add("".join(parts))

contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'LL", "'D", "’s", "'ſ", "''s", "'x"]
for _ in range(60):
    w = rnd.choice(["it", "IT", "don", "they", "We", "I", "she", "O", "rock", "9", " "])
    add(w + rnd.choice(contractions) + rnd.choice([" ", "", "!", " go", "s", "\n"]) + rnd.choice(contractions))

pools = [
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿœšžŁłŐőŰű",
    "\u0300\u0301\u0302\u0308\u0327\u0338\u20dd",
    "αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔΩ",
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяЖЩ",
    "我爱北京天安门中文日本語のテキストですカタカナひらがな한국어문장입니다",
    "𠀀𠀁𪜀𫝀𫠠𬺰𰀀",
    "😀😃😄🥰🦄🧠👍🏽👨‍👩‍👧‍👦🏳️‍🌈🇺🇸❤️1️⃣",
    "مرحبابالعالمשָׁלוֹםעולם",
    "नमस्तेदुनियाหิน्दीภาษาไทย",
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    "…—–‐«»“”‘’•§¶†‡€£¥₹",
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789",
    "       \t\t\n\n\r",
]
for _ in range(420):
    n = rnd.randrange(1, 60)
    s = "".join(rnd.choice(rnd.choice(pools)) for _ in range(n))
    add(s)

add("")
add(" ")
add("\n")
add("a" * 300)
add(" " * 100 + "x")
add("ab" * 150)
add("😀" * 50)
add("Hello world" * 40)
add("<s> and </s> and <unk> and <|endoftext|> and <|begin_of_text|> look special")
add("<0x41><0x42> <0xE2><0x82>")
add("\u2581already\u2581has\u2581metaspace \u2581 \u2581\u2581")
add("Ġ Ċ ĠĠ byte chars ĉ")

with open("src/test/resources/bpe-corpus.jsonl", "w", encoding="utf-8") as f:
    for t in texts:
        f.write(json.dumps(t, ensure_ascii=False) + "\n")
print(len(texts), "texts")
