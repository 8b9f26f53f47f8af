import Foundation
import MCP
import ModelClient
import Orchestrator
import Testing
@testable import PromptTemplates

@Suite("Prompt templates: rendering, role markers, partials, variables")
struct RendererTests {
    func template(_ body: String, schema: Value? = nil, defaults: [String: Value] = [:]) -> PromptTemplate {
        var template = PromptTemplate(name: "t", body: body, file: "Prompts/t.prompt", bodyLine: 5)
        template.inputSchema = schema
        template.defaults = defaults
        return template
    }

    @Test func roleMarkersSplitMessagesAndTextBeforeThemIsTheUsers() throws {
        let rendered = try PromptRenderer().render(template("Intro {{a}}\n{{ role 'system' }}\nBe brief.\n\n{{role \"model\"}}\nOK.\n{{role \"user\"}}\nQ: {{a}}"), variables: ["a": "x"])
        #expect(rendered.messages.map(\.role) == [.user, .system, .assistant, .user])
        #expect(rendered.messages.map(\.text) == ["Intro x", "Be brief.", "OK.", "Q: x"])
        #expect(rendered.split.system == nil && rendered.split.messages.count == 4, "only leading system messages are the system prompt")
    }

    @Test func valuesAreInsertedAsTheyAreNotHTMLEscaped() throws {
        let rendered = try PromptRenderer().render(template("{{code}} & {{{code}}}"), variables: ["code": "<a href=\"x\">&</a>"])
        #expect(rendered.messages[0].text == "<a href=\"x\">&</a> & <a href=\"x\">&</a>")
    }

    @Test func sectionsListsAndNestedValuesRender() throws {
        let body = "{{#items}}- {{name}}: {{qty}}\n{{/items}}{{^items}}none{{/items}}{{#flag}}flag on{{/flag}} {{user.name}}"
        let rendered = try PromptRenderer().render(template(body), variables: [
            "items": [.object(["name": "apple", "qty": 2]), .object(["name": "pear", "qty": 1.5])], "flag": true,
            "user": .object(["name": "Ada"]),
        ])
        #expect(rendered.messages[0].text == "- apple: 2\n- pear: 1.5\nflag on Ada")
    }

    @Test func markersInsidePartialsAndSectionsWork() throws {
        let renderer = PromptRenderer(partialTexts: ["sys": "{{role \"system\"}}\nYou are {{who}}.\n{{> inner}}", "inner": "Inner {{who}}."])
        let rendered = try renderer.render(template("{{> sys}}\n{{#ask}}{{role \"user\"}}\n{{ask}}{{/ask}}"), variables: ["who": "kind", "ask": "Hi?"])
        #expect(rendered.messages.map(\.role) == [.system, .user])
        #expect(rendered.messages.map(\.text) == ["You are kind.\nInner kind.", "Hi?"])
    }

    @Test func aMissingPartialIsAnErrorWithItsLine() {
        let renderer = PromptRenderer(partialTexts: ["footer": "x"])
        #expect {
            try renderer.render(template("line one\n{{> foter}}"))
        } throws: { error in
            let error = error as? PromptFileError
            return error?.line == 6 && error?.message.contains("partial 'foter' does not exist") == true && error?.message.contains("'footer'") == true
        }
    }

    @Test func variablesAreCheckedAgainstTheSchema() throws {
        let schema: Value = .object([
            "type": "object", "additionalProperties": false, "required": ["city", "days"],
            "properties": .object(["city": .object(["type": "string"]), "days": .object(["type": "integer"])]),
        ])
        let t = template("{{city}} {{days}} {{extra}}", schema: schema, defaults: ["days": 3])
        #expect {
            try PromptRenderer().render(t)
        } throws: { error in
            let error = error as? PromptFileError
            return error?.isAboutVariables == true && error?.description == "Prompts/t.prompt: input.schema: variable 'city' is required (pass city=VALUE)"
        }
        #expect {
            try PromptRenderer().render(t, variables: ["city": 3])
        } throws: { error in "\(error)".contains("variable 'city' must be a string") }
        let rendered = try PromptRenderer().render(t, variables: ["city": "Oslo", "cty": "x"])
        #expect(rendered.messages[0].text == "Oslo 3")
        #expect(rendered.warnings.contains { $0.contains("variable 'cty' is not in input.schema") && $0.contains("did you mean 'city'") })
        #expect(rendered.warnings.contains { $0.contains("the body uses 'extra'") })
    }

    @Test(arguments: [
        ("{{#if ok}}yes{{/if}}", "Handlebars block helper ('#if')"),
        ("{{json data}}", "Handlebars helper ('json')"),
        ("{{role \"narrator\"}}", "must name a role"),
        ("{{#open}}never closed", "not valid Mustache"),
        ("{{name", "never closed"),
        ("{{=<% %>=}}", "set-delimiter tags"),
    ])
    func bodiesMustacheWouldGetWrongAreErrors(body: String, message: String) {
        #expect {
            try PromptRenderer().render(template("first\n" + body))
        } throws: { error in
            let error = error as? PromptFileError
            return error?.message.contains(message) == true && error?.line == 6 && error?.file == "Prompts/t.prompt"
        }
    }

    @Test func theTemplateDecidesTheRequest() throws {
        var t = template("{{role \"system\"}}\nS\n{{role \"user\"}}\nU")
        t.settings = ModelSettings(temperature: 0.1, maxOutputTokens: 50, topP: 0.5, stopSequences: ["x"])
        t.toolChoice = "weather__now"
        t.maxToolIterations = 2
        t.tools = ["weather__*"]
        t.output = .init(format: "json", schema: .object(["type": "object"]))
        let rendered = try PromptRenderer().render(t)
        var base = OrchestratorOptions(systemPrompt: "from the config")
        base.temperature = 0.9
        let options = rendered.orchestratorOptions(base: base)
        #expect(options.systemPrompt == "S" && options.temperature == 0.1 && options.maxTokens == 50 && options.maxToolIterations == 2)
        #expect(options.toolChoice == .object(["type": .string("function"), "function": .object(["name": .string("weather__now")])]))
        #expect(options.extraRequestMembers["top_p"] == .double(0.5) && options.extraRequestMembers["stop"] == .array([.string("x")]))
        #expect(options.extraRequestMembers["response_format"]?.member("type") == .string("json_schema"))
        #expect(!options.modelResources, "tools that name no resource function: no resource functions")
        t.tools = ["lmg_read_resource"]
        #expect(try PromptRenderer().render(t).orchestratorOptions().modelResources)
        t.settings = .init()
        t.toolChoice = nil
        let plain = try PromptRenderer().render(template("U")).orchestratorOptions(base: base)
        #expect(plain.systemPrompt == nil, "a template without a system message sends none, whatever the config says")
    }

    @Test func wholeObjectsAndListsRenderAsSortedJSON() throws {
        // Swift's dictionaries change order from one process to the next: printed as they are,
        // `{{o}}` would change a test's request, and its cassette key, at random.
        let t = template("{{#xs}}{{.}},{{/xs}} {{o.b}} {{o.a}} | {{o}} | {{xs}} | {{#o}}{{a}}{{/o}} | {{#objs}}{{n}}{{/objs}} {{objs}}")
        let variables: [String: Value] = [
            "xs": [1, 2, 3], "o": .object(["b": 2, "a": .object(["z": true, "y": "é/\""])]),
            "objs": .array([.object(["n": 1, "m": "x"]), .object(["n": 2])]),
        ]
        let text = try PromptRenderer().render(t, variables: variables).messages[0].text
        #expect(text == #"1,2,3, 2 {"y":"é/\"","z":true} | {"a":{"y":"é/\"","z":true},"b":2} | [1,2,3] | {"y":"é/\"","z":true} | 12 [{"m":"x","n":1},{"n":2}]"#)
    }
}

extension JSONValue {
    func member(_ key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }
}
