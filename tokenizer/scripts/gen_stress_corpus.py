#!/usr/bin/env python3
"""Writes src/test/resources/stress-corpus.txt: hard cases for the tokenizer, one text per line.

Lines are split on '\\n' only, so a line may hold '\\r', tabs and other controls. Deterministic.
"""
import random

rnd = random.Random(20261125)
lines = []
add = lines.append

# Accents, combining marks, precomposed vs decomposed.
for s in ["café", "cafe\u0301", "naïve résumé", "Ångström", "ÀÉÎÕÜ àéîõü", "Crème brûlée", "Łódź Gdańsk",
          "Ærøskøbing", "straße STRASSE", "İstanbul ıi", "ΣΊΣΥΦΟΣ σίσυφος", "ǅemal ǈubljana", "ﬁnance ﬂow",
          "a\u0300\u0301\u0302\u0303\u0304 stacked", "Z\u0351\u0352\u0353a\u0354\u0355l\u0356g\u0357o", "e\u20dd enclosed",
          "Việt Nam Tiếng Việt", "Dvořák Škoda", "Ⅻ ⅻ ½ ² ①", "ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３"]:
    add(s)
# CJK, Japanese, Korean.
for s in ["我爱北京天安门", "中文English混合", "日本語のテキストです。カタカナ、ひらがな", "東京タワー", "한국어 문장입니다", "안녕하세요!",
          "𠀀𠀁 ext-B 𪜀 ext-C 𫝀 ext-D 𫠠 ext-E 𬺰 ext-F 𰀀 ext-G", "丽 compat 丽 兀", "〔括弧〕「引用」『二重』", "ｶﾀｶﾅ half-width"]:
    add(s)
# Emoji, ZWJ sequences, skin tones, flags, keycaps, variation selectors.
for s in ["I love it 😀😃😄", "👨‍👩‍👧‍👦 family", "👍🏽 👍🏿 thumbs", "🏳️‍🌈 flag", "🇺🇸🇫🇷 flags", "1️⃣ keycap", "❤️ vs ❤",
          "🧑‍💻 coder", "🥰🦄🧠 newer emoji", "text😀text", "😀" * 30]:
    add(s)
# Control, zero-width and special space characters.
for s in ["tab\there", "cr\rhere", "nul\x00here", "bell\x07here", "esc\x1b[0m", "del\x7fhere", "nel\x85here",
          "zw\u200bspace", "zw\u200djoiner", "bom\ufeffhere", "\ufeffleading bom", "nbsp\u00a0here", "thin\u2009space",
          "ideographic\u3000space", "line\u2028sep", "para\u2029sep", "narrow\u202fnbsp", "ogham\u1680space",
          "soft\u00adhyphen", "lrm\u200emark rlm\u200f", "bidi\u202aembed\u202c", "word\u2060joiner",
          "replacement \ufffd char", "\ufffd\ufffd", "private \ue000\uf8ff use", "vt\x0bff\x0cfs\x1cus\x1f"]:
    add(s)
# Very long words and numbers.
add("a" * 101)
add("b" * 100)
add("supercalifragilisticexpialidocious" * 4)
add("x" * 99 + "é")
add("é" * 101)
add("pneumonoultramicroscopicsilicovolcanoconiosis antidisestablishmentarianism")
for s in ["3.14159 2,718 1e-10 -42 +7", "1234567890123456789012345678901234567890", "$1,000,000.00 €50 £3 ¥1000",
          "12:30pm 2026-11-25 50% #1", "0x1F600 0b1010 1_000_000"]:
    add(s)
# Punctuation runs.
for s in ["!!!???...", "wait... what?!?!", "--- *** ___ ===", "«quotes» „low“ ‘single’ “double”", "¿Qué? ¡Sí!",
          "(((nested))) [[[x]]] {{{y}}}", "a/b\\c|d", "@#$%^&*", "…—–‐", "§¶†‡•‰′″", "'tis rock'n'roll don't",
          "[CLS] literal [SEP] tokens [MASK] [PAD] [UNK]", "[cls] lowercase [sep]", "x[SEP]y", "[[SEP]]", "[SEP"]:
    add(s)
# URLs, emails, code.
for s in ["https://example.com/path?q=1&r=2#frag", "mailto:someone@example.org", "www.zoft.dev/a_b-c.html",
          "def f(x): return x**2 if x>0 else -x", "for (int i = 0; i < n; i++) { a[i] += b[i]; }",
          "SELECT * FROM t WHERE id=42;", "<div class=\"x\">html</div>", "{\"json\": [1, 2, 3]}", "#include <stdio.h>",
          "$ grep -rn 'foo' ./src | wc -l", "λx.x → ∀y∃z", "∑∫√∞≠≤≥±×÷"]:
    add(s)
# Mixed scripts.
for s in ["مرحبا بالعالم", "العربية English mixed", "שלום עולם", "עברית עם ניקוד: שָׁלוֹם", "नमस्ते दुनिया",
          "हिन्दी में लिखा", "สวัสดีชาวโลก", "ภาษาไทยไม่มีช่องว่าง", "Привет, мир!", "Ёлка ЁЛКА", "Γειά σου Κόσμε",
          "ΑΒΓ αβγ ς", "Բարեւ Աշխարհ", "გამარჯობა", "ሰላም ዓለም", "ᚠᚢᚦ runes", "𝐁𝐨𝐥𝐝 𝓈𝒸𝓇𝒾𝓅𝓉", "Ꭳꮿ Cherokee"]:
    add(s)
# Empty and whitespace-only lines.
for s in ["", " ", "   ", "\t", "\u3000", "\u200b", "\u00a0\u00a0", " \t \r "]:
    add(s)
# (Lone surrogates cannot be stored in UTF-8; ReferenceCorpusTest covers them in code.)

# Random mixtures of the above material, to reach a few hundred lines.
pieces = " ".join(lines).split(" ")
pieces = [p for p in pieces if p]
while len(lines) < 400:
    n = rnd.randint(1, 12)
    add(" ".join(rnd.choice(pieces) for _ in range(n)))

with open("../src/test/resources/stress-corpus.txt", "w", encoding="utf-8", newline="") as f:
    f.write("\n".join(lines))
print(len(lines), "lines")
