"""Records real model Markdown for the renderer's tests: Tests/ChatREPLTests/MarkdownCorpus+Recorded.swift.

Streams llama.cpp's /completion (../shared/tools/local-llm.sh serve PORT) from five Markdown openings and
writes each opening plus every streamed chunk, as it arrived, into a Swift array. The tiny model continues
text rather than following instructions, so the openings set the constructs (a table, steps with code,
a list, a code block, a quote) and the model's continuation is real, unscripted and often messy.

    python3 Benchmarks/record_markdown.py [PORT]    # default 8871
"""
import json, sys, urllib.request

PORT = int(sys.argv[1]) if len(sys.argv) > 1 else 8871
OPENINGS = [
    ("python lists table", "# Python lists\n\nA list holds items in order.\n\n| Method | What it does |\n|---|---|\n| `append(x)` | adds x at the end |\n|"),
    ("node install steps", "## Installing Node.js\n\n1. Download the installer from https://nodejs.org.\n2. Run it:\n   ```bash\n   "),
    ("key points html", "**Key points:**\n\n- SQL databases use *tables* and `JOIN`s.\n- "),
    ("swift struct", "Here is an example in Swift:\n\n```swift\nstruct Point {\n"),
    ("quoted note list", "> **Note:** "),
]


def record(opening):
    body = {"prompt": opening, "stream": True, "n_predict": 220, "temperature": 0.8, "seed": 11}
    request = urllib.request.Request("http://127.0.0.1:%d/completion" % PORT, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    pieces = [opening]
    with urllib.request.urlopen(request, timeout=120) as response:
        for line in response:
            line = line.decode().strip()
            if line.startswith("data:"):
                content = json.loads(line[5:]).get("content")
                if content:
                    pieces.append(content)
    return pieces


def literal(text):
    out = '"'
    for ch in text:
        if ch == "\\": out += "\\\\"
        elif ch == '"': out += '\\"'
        elif ch == "\n": out += "\\n"
        elif ch == "\t": out += "\\t"
        elif ord(ch) < 0x20 or ord(ch) == 0x7F: out += "\\u{%x}" % ord(ch)
        else: out += ch
    return out + '"'


lines = ["// Recorded from llama.cpp's llama-server (Gemma 3 270M, Q4_K_M) by streaming /completion with a",
         "// Markdown opening (the first piece); every later piece is one streamed chunk as it arrived.",
         "// Regenerate: `local-llm.sh serve 8871`, then `python3 Benchmarks/record_markdown.py`.",
         "", "extension MarkdownCorpus {",
         "    /// Real model output with its real chunk boundaries: messy Markdown nobody here wrote.",
         "    static let recorded: [(name: String, pieces: [String])] = ["]
for name, opening in OPENINGS:
    lines.append("        (%s, [" % literal(name))
    row = "            "
    for piece in record(opening):
        item = literal(piece) + ", "
        if len(row) + len(item) > 118:
            lines.append(row.rstrip())
            row = "            "
        row += item
    lines += [row.rstrip(), "        ]),"]
lines += ["    ]", "}", ""]
open("Tests/ChatREPLTests/MarkdownCorpus+Recorded.swift", "w").write("\n".join(lines))
