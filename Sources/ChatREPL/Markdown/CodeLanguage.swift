extension CodeHighlighter {
    /// A language the highlighter knows; nested so the host module gains no top-level name beyond the highlighter's API.
    /// The raw value is the display name.
    enum Language: String, Sendable, CaseIterable {
        case swift, python, javascript, typescript, json, shell, sql, c, cpp, java, go, rust, kotlin, csharp, yaml

        /// A string opener and its closer; data rather than code so most languages need no special cases.
        struct Quote: Sendable {
            var open: String
            var close: String
            var escapes: Bool
            var multiline: Bool

            init(_ open: String, close: String? = nil, escapes: Bool = true, multiline: Bool = false) {
                self.open = open
                self.close = close ?? open
                self.escapes = escapes
                self.multiline = multiline
            }
        }

        /// Fence names people actually write; anything else must be the display name itself.
        private static let aliases: [String: Language] = [
            "py": .python, "python3": .python,
            "js": .javascript, "jsx": .javascript, "mjs": .javascript, "cjs": .javascript, "node": .javascript,
            "ts": .typescript, "tsx": .typescript, "jsonc": .json, "json5": .json,
            "sh": .shell, "bash": .shell, "zsh": .shell, "console": .shell, "shellsession": .shell, "ksh": .shell,
            "postgresql": .sql, "postgres": .sql, "mysql": .sql, "sqlite": .sql,
            "c++": .cpp, "cc": .cpp, "h": .cpp, "hpp": .cpp,
            "golang": .go, "rs": .rust, "kt": .kotlin, "cs": .csharp, "c#": .csharp, "yml": .yaml,
        ]

        /// Only the first word names the language; the rest of an info string is attributes such as `title=x`.
        init?(info: String) {
            guard let word = info.split(whereSeparator: \.isWhitespace).first?.lowercased(),
                  let language = Self.aliases[word] ?? Self(rawValue: word) else { return nil }
            self = language
        }

        /// SQL is written in either case, so its words are stored and looked up lower-cased.
        var caseInsensitive: Bool { self == .sql }
        var lineComment: String { [.python, .shell, .yaml].contains(self) ? "#" : self == .sql ? "--" : "//" }
        /// Every language here with block comments spells them the C way. Not nested (Swift and Rust nest them):
        /// rare in snippets, and it would need a depth in the carried state.
        var blockComments: Bool { ![.python, .shell, .yaml].contains(self) }
        /// Where the convention holds strongly enough that a capital letter is a better guess than nothing.
        var capitalizedTypes: Bool { [.swift, .java, .kotlin, .csharp, .rust, .go, .typescript, .c, .cpp].contains(self) }
        /// `#if`, `#include`, `#region`: one keyword-coloured word.
        var directives: Bool { [.swift, .c, .cpp, .csharp].contains(self) }
        /// `@MainActor`, `@Override`, `@decorator`: one keyword-coloured word.
        var attributes: Bool { [.swift, .java, .kotlin, .python, .javascript, .typescript, .csharp].contains(self) }

        var quotes: [Quote] { Self.quoteTable[self] ?? [] }

        /// Built once: the scanner asks at nearly every token.
        private static let quoteTable: [Language: [Quote]] = [
            .swift: [Quote("\"\"\"", multiline: true), Quote("\"")],
            .python: [Quote("\"\"\"", multiline: true), Quote("'''", multiline: true), Quote("\""), Quote("'")],
            .javascript: jsQuotes, .typescript: jsQuotes,
            .go: [Quote("`", escapes: false, multiline: true), Quote("\""), Quote("'")],
            .java: [Quote("\"\"\"", multiline: true), Quote("\""), Quote("'")],
            .kotlin: [Quote("\"\"\"", escapes: false, multiline: true), Quote("\""), Quote("'")],
            .csharp: [Quote("\"\"\"", escapes: false, multiline: true), Quote("@\"", close: "\"", escapes: false),
                      Quote("$\"", close: "\""), Quote("\""), Quote("'")],
            // `'` never escapes in shell; `$'...'` is the form that does.
            .shell: [Quote("'", escapes: false), Quote("$'", close: "'")],
            // SQL doubles a quote to escape it, which comes free as two adjacent strings that merge.
            .sql: [Quote("'", escapes: false), Quote("\"", escapes: false)],
            .yaml: [Quote("\""), Quote("'", escapes: false)],
            .json: cQuotes, .rust: cQuotes, .c: cQuotes, .cpp: cQuotes,
        ]
        private static let jsQuotes = [Quote("`", multiline: true), Quote("\""), Quote("'")]
        private static let cQuotes = [Quote("\""), Quote("'")]

        func kind(ofWord word: String) -> CodeTokenKind {
            let folded = caseInsensitive ? word.lowercased() : word
            if keywords.contains(folded) { return .keyword }
            if literals.contains(folded) { return .literal }
            if types.contains(folded) { return .type }
            return capitalizedTypes && word.first?.isUppercase == true ? .type : .plain
        }

        /// A YAML plain scalar is a number or literal only as a whole; `Double` does the number grammar.
        func kind(ofScalar scalar: String) -> CodeTokenKind {
            if literals.contains(scalar.lowercased()) { return .literal }
            let t = String(scalar.filter { $0 != "_" })
            // The digit test keeps `Double` from accepting words such as "nan" or "+infinity".
            guard let f = t.first, f.isASCII && f.isNumber || "+-.".contains(f), t.contains(where: { $0.isASCII && $0.isNumber })
            else { return .plain }
            let hex = t.hasPrefix("0x") && Int(t.dropFirst(2), radix: 16) != nil
            return hex || Double(t) != nil ? .number : .plain
        }

        var keywords: Set<String> {
            switch self {
            case .swift: Words.swift
            case .python: Words.python
            case .javascript: Words.javascript
            case .typescript: Words.typescript
            case .shell: Words.shell
            case .sql: Words.sql
            case .c: Words.c
            case .cpp: Words.cpp
            case .java: Words.java
            case .go: Words.go
            case .rust: Words.rust
            case .kotlin: Words.kotlin
            case .csharp: Words.csharp
            case .json, .yaml: []
            }
        }

        var literals: Set<String> {
            switch self {
            case .swift: Words.swiftLiterals
            case .python: Words.pythonLiterals
            case .javascript, .typescript: Words.jsLiterals
            case .json, .sql, .java, .kotlin, .csharp: Words.nullLiterals
            case .go: Words.goLiterals
            case .rust: Words.rustLiterals
            case .c: Words.cLiterals
            case .cpp: Words.cppLiterals
            case .yaml: Words.yamlLiterals
            case .shell: []
            }
        }

        /// Lower-case built-in types, which the capital-letter rule misses.
        var types: Set<String> {
            switch self {
            case .typescript: Words.typescriptTypes
            case .sql: Words.sqlTypes
            case .c, .cpp: Words.cTypes
            case .go: Words.goTypes
            case .rust: Words.rustTypes
            default: []
            }
        }
    }
}

extension CodeHighlighter.Language {
    /// Word lists are spelled as one string each so the table stays readable; built once, on first use.
    fileprivate enum Words {
        static func set(_ words: String) -> Set<String> { Set(words.split(whereSeparator: \.isWhitespace).map(String.init)) }

        static let swift = set("""
            associatedtype class deinit enum extension fileprivate func import init inout internal let open operator private \
            precedencegroup protocol public rethrows static struct subscript typealias var break case catch continue default \
            defer do else fallthrough for guard if in repeat return throw switch where while as is try await async throws \
            self Self super some any actor nonisolated isolated consuming borrowing mutating nonmutating override final lazy \
            weak unowned convenience required dynamic indirect optional package sending macro get set willSet didSet
            """)
        static let python = set("""
            and as assert async await break class continue def del elif else except finally for from global if import in is \
            lambda nonlocal not or pass raise return try while with yield match case
            """)
        static let javascript = set("""
            break case catch class const continue debugger default delete do else export extends finally for function if \
            import in instanceof let new return super switch this throw try typeof var void while with yield async await of \
            static get set from as
            """)
        static let typescript = javascript.union(set("""
            interface type enum implements namespace declare abstract private protected public readonly keyof infer is \
            asserts satisfies override module
            """))
        static let shell = set("""
            if then else elif fi for while until do done case esac in function select return export local readonly declare \
            unset break continue exit
            """)
        static let sql = set("""
            select from where insert into values update set delete create table drop alter add column index view primary key \
            foreign references not and or in is like ilike between join inner left right outer full cross on as order by \
            group having limit offset distinct union all exists case when then else end begin commit rollback transaction \
            default unique check constraint if returning with asc desc database schema grant revoke trigger procedure \
            function returns declare cascade natural using replace temporary temp explain
            """)
        static let c = set("""
            auto break case char const continue default do double else enum extern float for goto if inline int long \
            register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while \
            bool _Bool
            """)
        static let cpp = c.union(set("""
            alignas alignof asm catch class concept consteval constexpr constinit const_cast co_await co_return co_yield \
            decltype delete dynamic_cast explicit export friend mutable namespace new noexcept operator private protected \
            public reinterpret_cast requires static_assert static_cast template this thread_local throw try typeid typename \
            using virtual override final
            """))
        static let java = set("""
            abstract assert boolean break byte case catch char class const continue default do double else enum extends \
            final finally float for goto if implements import instanceof int interface long native new package private \
            protected public return short static strictfp super switch synchronized this throw throws transient try void \
            volatile while var record sealed permits yield
            """)
        static let go = set("""
            break case chan const continue default defer else fallthrough for func go goto if import interface map package \
            range return select struct switch type var
            """)
        static let rust = set("""
            as async await break const continue crate dyn else enum extern fn for if impl in let loop match mod move mut pub \
            ref return self Self static struct super trait type unsafe use where while union macro_rules
            """)
        static let kotlin = set("""
            as break class continue do else for fun if in interface is object package return super this throw try typealias \
            typeof val var when while by catch constructor finally get import init set where actual abstract annotation \
            companion const crossinline data enum expect external final infix inline inner internal lateinit noinline open \
            operator out override private protected public reified sealed suspend tailrec vararg value
            """)
        static let csharp = set("""
            abstract as base bool break byte case catch char checked class const continue decimal default delegate do double \
            else enum event explicit extern finally fixed float for foreach goto if implicit in int interface internal is \
            lock long namespace new object operator out override params private protected public readonly ref return sbyte \
            sealed short sizeof stackalloc static string struct switch this throw try typeof uint ulong unchecked unsafe \
            ushort using virtual void volatile while var async await record init get set yield where when nameof dynamic
            """)

        static let swiftLiterals = set("true false nil")
        static let pythonLiterals = set("True False None")
        static let jsLiterals = set("true false null undefined NaN Infinity")
        static let nullLiterals = set("true false null")
        static let goLiterals = set("true false nil iota")
        static let rustLiterals = set("true false")
        static let cLiterals = set("true false NULL")
        static let cppLiterals = set("true false NULL nullptr")
        /// YAML 1.1 booleans are still what most tools read, and `~` is null.
        static let yamlLiterals = set("true false null yes no on off ~")

        static let typescriptTypes = set("string number boolean any unknown never object symbol bigint")
        static let sqlTypes = set("""
            int integer bigint smallint tinyint serial bigserial varchar char text boolean bool date time timestamp \
            timestamptz interval numeric decimal real float double uuid json jsonb blob bytea
            """)
        static let cTypes = set("""
            size_t ssize_t ptrdiff_t intptr_t uintptr_t int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t
            """)
        static let goTypes = set("""
            bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 \
            uint32 uint64 uintptr any
            """)
        static let rustTypes = set("i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 bool char str")
    }
}
