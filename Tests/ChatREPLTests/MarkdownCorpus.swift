/// Markdown answers the renderer is checked on: answers shaped like models' (headings, steps with
/// code, comparison tables) and a case for every construct's edges.
enum MarkdownCorpus {
    static let answers: [(name: String, text: String)] = [
        ("steps", """
            # Setting up the server

            To run it **locally**, you need *Python 3.11* and `pip`. See [the docs](https://example.org/docs) \
            or https://example.org/faq.

            1. Install the package:
               ```bash
               pip install "mcp==2.3.0"  # pinned
               export PORT=8080
               ```
            2. Start it with `python server.py`.
               - Use `--debug` for ~~verbose~~ detailed logs.
               - Stop it with **Ctrl-C**.
            3. Done!

            > **Note:** the server listens on 127.0.0.1 only.
            > Change `HOST` to open it up.

            ---

            That's all.
            """),
        ("table", """
            ## Comparison

            | Tool | Language | Stars | Notes |
            |:-----|:--------:|------:|-------|
            | mcpo | Python | 3,100 | One endpoint per tool, OpenAPI generated from the tools' schemas |
            | **lmg** | Swift | 12 | `lmg serve`; keys, roles and metrics |
            | 日本語 | 中文 🎉 | 1 | wide characters and emoji keep their columns |

            Rows above.
            """),
        ("code", """
            Here is Swift:

            ```swift
            /// A greeting.
            struct Greeter {
                let name: String
                func greet() -> String { "Hello, \\(name)!" }  // interpolated
            }
            let count = 0x1F + 3.5e2
            ```

            And Python, JSON, SQL and TypeScript:

            ```python
            def add(a: int, b: int) -> int:
                \"\"\"Adds.\"\"\"
                return a + b  # simple
            ```
            ```json
            {"name": "lmg", "ok": true, "n": 3, "list": [null]}
            ```
            ```sql
            SELECT name, COUNT(*) FROM tools WHERE server = 'fs' GROUP BY name; -- per tool
            ```
            ```ts
            const x: number = `${1 + 2}`.length; /* a
            block */ export default x;
            ```
            ```
            plain fence, no language, a very long line that goes on and on past the edge of any narrow terminal window for sure
            ```
            """),
        ("emphasis", """
            Plain *italic* and _italic_, **bold** and __bold__, ***both***, ~~gone~~, `code`, ``a ` tick``.
            Not emphasis: 2 * 3 * 4, snake_case_name, a*b, file_name.txt, ** spaced **, \\*escaped\\*.
            Unclosed **bold at the end of a line
            and `an open code span, [a bracket] (not a link), <not a link>, <https://example.org/auto>.
            A [link with **bold**](https://example.org/a_(b)) and ![an image](https://example.org/i.png).
            Trailing URL in a sentence: https://example.org/x?y=1, then (https://example.org/in-parens).
            Hard break here  
            and a backslash break\\
            done.
            """),
        ("lists", """
            - one
            - two
              - two.a with a long line that has to wrap onto the next line when the terminal is narrow
              - two.b
                1. deep
                2. deeper
            - three

            * star item
            + plus item

            10. ten
            11. eleven
            -
            - after an empty item
            - [ ] a task
            """),
        ("quotes", """
            > Quoted paragraph
            with a lazy line.
            >
            > - a list in a quote
            > - second
            >
            > > nested quote
            > ```
            > code in a quote
            > ```

            Out of the quote.
            """),
        ("edges", """
            #hashtag is not a heading
            ####### seven hashes is text
            ### Closing hashes ###
            #
            -5 degrees and 1999 was a year; 2024. started
            | not | a table
            just text after

            | a | b |
            |---|---|
            | 1 |
            | 2 | 3 | 4 |
            text after the table
            ***
            ```unknownlang
            x = 1
            ~~~
            still code
            ```
            ~~~python
            unclosed fence at the end
            """),
        ("unicode", """
            Wide: 漢字かな交じり文 and emoji 👩‍💻 🇯🇵 ❤️ and e\u{301} combining; tab\there.
            A very long word: Supercalifragilisticexpialidociousandthensomemorelettersuntilitiswiderthanthescreen.
            \u{1B}[31mnot red\u{1B}[0m and a bell\u{7} gone.
            """),
        ("crlf", "- one\r\n- two\r\n\r\n| a | b |\r\n|---|---|\r\n| 1 | 2 |\r\nend\r"),
        ("review edges", """
            1. step
               ```python
               def f():
                   return 1
               ```
            Globs like *.txt and `*` work; pass **`**kwargs`** here; **bold *italic***, *italic **bold***, ***bold** italic*.
            中文段落没有空格但是应该可以在任何汉字之间换行并且在流式传输时逐字显示出来。访问 https://example.com，谢谢
            | code | pipe |
            |---|---|
            | `a|b` | x<br>y |
            C:\\\\
            next [file](file:///etc/passwd) \u{202E}reversed\u{202C} done
            """),
        ("quote in a list", """
            1. Run it:
               > **Warning:** this deletes files
               > and cannot be undone.
               >
               > ```sh
               > rm -rf build
               > ```
               | not | a table
            2. Then:
               > a lazy
            continuation line
            - after

            > outer
            > - item
            >   > inner
            """),
        ("html", """
            Models write <b>JOIN</b> and <strong>INNER JOIN</strong>, <i>this</i>, <code>x &lt; y</code>, a<br>break,             a<br/>break, a<BR />break, <div>unknown</div>, <b>unclosed, &amp;&amp; &copy; &#8212; &#x1F600; &#27; &bogus; & done.
            """),
        ("plain", "Just one line with no newline at the end"),
        ("empty lines", "\n\n\nText after blank lines\n\n\n\nand more\n\n"),
    ]
}
