import Foundation
import MCP
import Testing
@testable import PromptTemplates

@Suite("Prompt templates: dotprompt and Prompty files read, and their errors")
struct TemplateReaderTests {
    static let weather = """
        ---
        name: weather
        description: Forecasts.
        model: gpt-4o-mini
        config:
          temperature: 0.3
          maxOutputTokens: 300
          topP: 0.9
          stopSequences: [END]
        input:
          schema:
            city: string, the city
            units?(enum, how to measure): [metric, imperial]
            days?: integer
            tags(array): string
            (*): string
          default:
            units: metric
        output:
          schema:
            temp: number
        tools: ["weather__*"]
        lmg.servers: [weather]
        lmg.maxToolIterations: 4
        lmg.toolChoice: required
        acme.flavour: spicy
        ---
        {{role "system"}}
        Forecasts for {{city}}.
        {{role "user"}}
        What about {{city}}?
        """

    @Test func dotpromptFrontMatterFillsEveryField() throws {
        let folder = try PromptFolder(["weather.prompt": Self.weather])
        let (template, warnings) = try PromptLibrary.loadFile(folder.file("weather.prompt"))
        #expect(warnings.isEmpty)
        #expect(template.name == "weather" && template.description == "Forecasts." && template.model == "gpt-4o-mini")
        #expect(template.settings == ModelSettings(temperature: 0.3, maxOutputTokens: 300, topP: 0.9, stopSequences: ["END"]))
        #expect(template.tools == ["weather__*"] && template.servers == ["weather"])
        #expect(template.maxToolIterations == 4 && template.toolChoice == "required")
        #expect(template.output.format == "json", "a schema alone means JSON output")
        #expect(template.extensions["acme.flavour"] == .string("spicy"), "other tools' dotted keys are kept")
        #expect(template.defaults == ["units": "metric"])
        #expect(template.bodyLine == 28)
        let names = template.declaredVariables.map { "\($0.name)\($0.required ? "" : "?")" }
        #expect(names == ["city", "days?", "tags", "units?"], "a variable with a default is not required")
    }

    @Test func picoschemaBecomesJSONSchema() throws {
        let folder = try PromptFolder(["weather.prompt": Self.weather])
        let schema = try PromptLibrary.loadFile(folder.file("weather.prompt")).template.inputSchema
        guard case .object(let root)? = schema, case .object(let properties)? = root["properties"] else {
            Issue.record("no object schema: \(String(describing: schema))")
            return
        }
        #expect(root["required"] == ["city", "tags"])
        #expect(root["additionalProperties"] == .object(["type": "string"]), "(*) types the other keys")
        #expect(properties["city"] == .object(["type": "string", "description": "the city"]))
        #expect(properties["units"] == .object(["enum": ["metric", "imperial"], "description": "how to measure"]))
        #expect(properties["days"] == .object(["type": ["integer", "null"]]), "an optional field may be null, as in dotprompt")
        #expect(properties["tags"] == .object(["type": "array", "items": .object(["type": "string"])]))
    }

    @Test func jsonSchemaInputIsKeptAsWritten() throws {
        let text = "---\ninput:\n  schema:\n    type: object\n    properties:\n      q: {type: string, minLength: 2}\n---\n{{q}}\n"
        let folder = try PromptFolder(["a.prompt": text])
        let template = try PromptLibrary.loadFile(folder.file("a.prompt")).template
        #expect(template.inputSchema == .object(["type": "object", "properties": .object(["q": .object(["type": "string", "minLength": 2])])]))
        #expect(template.name == "a", "the file name when the front matter names none")
    }

    @Test(arguments: [
        ("---\nconfig:\n  temperature: hot\n---\nhi", 3, "config.temperature: must be a number"),
        ("---\nconfig:\n  temperature: 7\n---\nhi", 3, "config.temperature: must be between 0 and 2"),
        ("---\ninput:\n  schema:\n    city: strng\n---\nhi", 4, "input.schema.city: unknown Picoschema type 'strng'"),
        ("---\ninput:\n  schema:\n    units(enumm): [a]\n---\nhi", 4, "unknown Picoschema modifier '(enumm)'"),
        ("---\ntools: 3\n---\nhi", 2, "tools: must be a list of strings"),
        ("---\nlmg.maxToolIterations: 0\n---\nhi", 2, "lmg.maxToolIterations: must be at least 1"),
        ("---\nname: [x\n---\nhi", 3, "not valid YAML"),
        ("---\nname: a\nname: b\n---\nhi", nil, "appears twice"),
        ("---\nname: a\nhi there", 1, "never closed"),
        ("---\noutput:\n  format: xml\n---\nhi", 3, "output.format: must be text or json"),
    ] as [(String, Int?, String)])
    func badFilesFailWithFileLineAndField(text: String, line: Int?, message: String) throws {
        let folder = try PromptFolder(["bad.prompt": text])
        let file = folder.file("bad.prompt")
        #expect {
            try PromptLibrary.loadFile(file)
        } throws: { error in
            guard let error = error as? PromptFileError else { return false }
            let text = error.description
            return text.hasPrefix(file) && text.contains(message) && (line == nil || error.line == line) && !text.contains("\n")
        }
    }

    @Test func unknownKeysWarnWithASuggestion() throws {
        let folder = try PromptFolder(["a.prompt": "---\ndescripton: x\nconfig:\n  temprature: 1\nlmg.server: [a]\n---\nhi"])
        let warnings = try PromptLibrary.loadFile(folder.file("a.prompt")).warnings
        #expect(warnings.count == 3)
        #expect(warnings.contains { $0.contains(":2: descripton: unknown key") && $0.contains("did you mean 'description'") })
        #expect(warnings.contains { $0.contains("config.temprature") && $0.contains("'temperature'") })
        #expect(warnings.contains { $0.contains("lmg.server") && $0.contains("'servers'") })
    }

    @Test func promptyFilesLoadAsTemplates() throws {
        let text = """
            ---
            name: Support
            description: A support chat
            model:
              api: chat
              configuration:
                type: openai
                model: gpt-4o
              parameters:
                max_tokens: 128
                temperature: 0.2
                stop: ["###"]
            inputs:
              question: {type: string, description: The question}
              customer: {type: string, default: Jane}
            sample:
              question: How do I reset it?
            ---
            system:
            You help {{customer}}.

            user:
            {{question}}
            """
        let folder = try PromptFolder(["support.prompty": text])
        let (template, warnings) = try PromptLibrary.loadFile(folder.file("support.prompty"))
        #expect(warnings.isEmpty)
        #expect(template.format == .prompty && template.name == "Support" && template.model == "gpt-4o")
        #expect(template.settings == ModelSettings(temperature: 0.2, maxOutputTokens: 128, stopSequences: ["###"]))
        #expect(template.defaults == ["customer": "Jane", "question": "How do I reset it?"], "defaults, then the sample")
        let rendered = try PromptRenderer().render(template, variables: ["question": "Where is my order?"])
        #expect(rendered.messages.map(\.role) == [.system, .user])
        #expect(rendered.messages.map(\.text) == ["You help Jane.", "Where is my order?"])
    }

    @Test func promptyJinjaStatementsAreRefusedWithTheirLine() throws {
        let folder = try PromptFolder(["a.prompty": "---\nname: a\n---\nsystem:\n{% for x in xs %}\n{{x}}\n{% endfor %}\n"])
        #expect {
            try PromptLibrary.loadFile(folder.file("a.prompty"))
        } throws: { error in
            (error as? PromptFileError)?.line == 5 && "\(error)".contains("Jinja statements")
        }
    }

    @Test func theLibraryFindsTemplatesByFileNameOrName() throws {
        let folder = try PromptFolder([
            "weather.prompt": Self.weather, "other.prompt": "---\nname: renamed\n---\nhi", "_footer.prompt": "bye",
            "notes.txt": "not a template",
        ])
        let library = PromptLibrary(directory: folder.path)
        #expect(library.templateFiles().map { ($0 as NSString).lastPathComponent } == ["other.prompt", "weather.prompt"])
        #expect(try library.load("weather").template.name == "weather")
        #expect(try library.load("renamed").template.file == folder.file("other.prompt"))
        #expect(try library.partials().mapValues(\.text) == ["footer": "bye"])
        #expect(library.template(named: "renamed")?.file == folder.file("other.prompt"), "by name first, as /prompt NAME means it")
        #expect {
            try library.load("wether")
        } throws: { error in
            let text = "\(error)"
            return text.contains("no template 'wether'") && text.contains("did you mean 'weather'") && (error as? PromptFileError)?.isAboutVariables == true
        }
    }

    @Test func aFolderInPartialsIsSkippedAndPartialErrorsNameTheirFile() throws {
        let folder = try PromptFolder([
            "t.prompt": "hi {{> outer}}", "partials/shared/readme.txt": "x",
            "partials/outer.mustache": "---\nnote: front matter\n---\nline one\n{{> missing}}",
            "partials/loop.mustache": "again {{> loop}}", "u.prompt": "{{> loop}}",
        ])
        let library = PromptLibrary(directory: folder.path)
        let renderer = try library.renderer()
        #expect(Set(renderer.partials.keys) == ["outer", "loop"])
        #expect {
            try renderer.render(try library.load("t").template)
        } throws: { error in
            let error = error as? PromptFileError
            return error?.file == folder.file("partials/outer.mustache") && error?.line == 5 && error?.message.contains("partial 'missing'") == true
        }
        #expect {
            try renderer.render(try library.load("u").template)
        } throws: { error in "\(error)".contains("partial 'loop' includes itself (loop → loop)") }
    }

    @Test func globsMatchToolNames() {
        #expect(Glob("weather__*").matches("weather__get_forecast"))
        #expect(!Glob("weather__*").matches("calendar__add"))
        #expect(Glob("*__delete_*").matches("files__delete_file"))
        #expect(Glob("a?c").matches("abc") && !Glob("a?c").matches("abbc"))
        #expect(Glob("[ab]x").matches("bx") && !Glob("[!ab]x").matches("ax"))
        #expect(Glob("exact").matches("exact") && !Glob("exact").matches("exactly"))
        #expect(Glob("*").matches("") && Glob("**a").matches("bba"))
    }
}
