@testable import ChatREPL
import MCP
import Testing

/// A server's form as terminal questions: fields read from the requested schema, answers typed
/// and checked before anything goes back.
@Suite("Elicitation forms")
struct ElicitationFormTests {
    static let params: Value = [
        "mode": "form",
        "message": "Book a table",
        "requestedSchema": [
            "type": "object",
            "properties": [
                "name": ["type": "string", "title": "Your name", "minLength": 2],
                "email": ["type": "string", "format": "email"],
                "guests": ["type": "integer", "minimum": 1, "maximum": 8, "default": 2],
                "terrace": ["type": "boolean"],
                "when": ["type": "string", "format": "date"],
                "menu": ["type": "string", "oneOf": [["const": "veg", "title": "Vegetarian"], ["const": "fish", "title": "Fish"]]],
                "extras": ["type": "array", "items": ["type": "string", "enum": ["wine", "cake", "flowers"]]],
                "budget": ["type": "number", "maximum": 99.5],
            ],
            "required": ["name", "guests", "menu"],
        ],
    ]

    static func form() throws -> ElicitationForm {
        try ElicitationForm.read(params).get()
    }

    static func field(_ name: String) throws -> ElicitationForm.Field {
        try #require(try form().fields.first { $0.name == name })
    }

    @Test func fieldsComeRequiredFirstWithTheirKinds() throws {
        let form = try Self.form()
        #expect(form.message == "Book a table")
        #expect(form.fields.map(\.name) == ["guests", "menu", "name", "budget", "email", "extras", "terrace", "when"])
        #expect(try Self.field("name").label == "Your name")
        #expect(try Self.field("guests").hint.contains("1–8") && Self.field("guests").hint.contains("default 2"))
        #expect(try Self.field("menu").hint.contains("1) Vegetarian  2) Fish"))
        #expect(try Self.field("email").hint.contains("Enter to skip"))
    }

    @Test func answersAreTypedAndChecked() throws {
        let guests = try Self.field("guests")
        #expect(guests.value(for: "4") == .success(.int(4)))
        #expect(guests.value(for: "") == .success(.int(2)), "the default stands")
        #expect(guests.value(for: "9") == .failure(.init("at most 8")))
        #expect(guests.value(for: "2.5") == .failure(.init("'2.5' is not a whole number")))
        #expect(try Self.field("budget").value(for: "12.25") == .success(.double(12.25)))
        let name = try Self.field("name")
        #expect(name.value(for: "") == .failure(.init("Your name is required")))
        #expect(name.value(for: "A") == .failure(.init("at least 2 characters")))
        #expect(name.value(for: "  Ada ") == .success(.string("Ada")))
        #expect(try Self.field("email").value(for: "") == .success(nil), "optional: left out")
        #expect(try Self.field("email").value(for: "ada@example") == .failure(.init("not an email address")))
        #expect(try Self.field("when").value(for: "2026-02-30") == .failure(.init("not a date (YYYY-MM-DD)")))
        #expect(try Self.field("when").value(for: "2026-07-28") == .success(.string("2026-07-28")))
        #expect(try Self.field("terrace").value(for: "Y") == .success(.bool(true)))
        #expect(try Self.field("terrace").value(for: "maybe") == .failure(.init("answer y or n")))
        let menu = try Self.field("menu")
        #expect(menu.value(for: "2") == .success(.string("fish")))
        #expect(menu.value(for: "vegetarian") == .success(.string("veg")))
        #expect(menu.value(for: "meat") == .failure(.init("'meat' is not one of the choices")))
        #expect(try Self.field("extras").value(for: "1, cake") == .success(.array(["wine", "cake"])))
        #expect(try Self.field("budget").value(for: "1e400") == .failure(.init("'1e400' is not a number")))
        let unbounded = ElicitationForm.Field(name: "n", label: "n", description: nil, kind: .number(integer: true, minimum: nil, maximum: nil), required: true, defaultValue: nil)
        #expect(unbounded.value(for: "1e20") == .failure(.init("'1e20' is too large")), "never a trap")
    }

    @Test func serverTextLosesItsControlCharacters() {
        #expect(ServerText.printable("Name\u{1B}]0;owned\u{07}\u{1B}[2K ok\nnext\tcol\u{9B}") == "Name]0;owned[2K ok\nnext\tcol")
    }

    @Test func aFormLmgCannotShowSaysWhy() {
        let nested: Value = ["message": "x", "requestedSchema": ["type": "object", "properties": ["address": ["type": "object"]]]]
        guard case .failure(let problem) = ElicitationForm.read(nested) else {
            Issue.record("a nested object is no MCP form")
            return
        }
        #expect(problem.description.contains("address"))
        guard case .failure = ElicitationForm.read(["message": "x"]) else {
            Issue.record("no schema, no form")
            return
        }
    }
}

/// Tab after `/prompt NAME`: the prompt's argument names, then the server's values for one.
@Suite("Completion of prompt arguments")
struct PromptArgumentCompletionTests {
    static let candidates = CompletionCandidates(
        prompts: ["fx__review_code"], promptArguments: ["fx__review_code": ["code", "language"]],
        values: { prompt, argument, value, context in
            guard prompt == "fx__review_code", argument == "language" else { return [] }
            // The context carries the arguments already given.
            return context["code"] == nil ? ["none-without-code"] : ["perl", "php", "python", "rust"].filter { $0.hasPrefix(value) }
        })

    @Test func argumentNamesThenValues() {
        let c = Self.candidates
        #expect(c.complete(word: "", before: "/prompt fx__review_code ") == ["code=", "language="])
        #expect(c.complete(word: "l", before: "/prompt fx__review_code code=x ") == ["language="])
        #expect(c.complete(word: "", before: "/prompt fx__review_code code=x language=x ").isEmpty, "every argument given")
        // The editor breaks words at `=`: the value alone is completed.
        #expect(c.complete(word: "p", before: "/prompt fx__review_code code=x language=") == ["perl", "php", "python"])
        // Or not: the whole `name=value` word.
        #expect(c.complete(word: "language=py", before: "/prompt fx__review_code code=x ") == ["language=python"])
        #expect(c.complete(word: "", before: "/prompt fx__review_code language=") == ["none-without-code"])
        // The prompt's name itself completes as before; an unknown prompt offers nothing.
        #expect(c.complete(word: "fx", before: "/prompt ") == ["fx__review_code"])
        #expect(c.complete(word: "", before: "/prompt nope ").isEmpty)
    }
}

/// Tab after `/read SERVER`: its resource URIs, a template's start, then the server's values for
/// the template's variable.
@Suite("Completion of resource URIs")
struct ResourceCompletionTests {
    @Test func templatesOfferTheirStartThenTheirVariable() {
        #expect(CompletionCandidates.templateCompletion("fixture://items/{id}", word: "fixture://it") == .start("fixture://items/"))
        #expect(CompletionCandidates.templateCompletion("fixture://items/{id}", word: "fixture://items/1") == .variable(start: "fixture://items/", name: "id", typed: "1"))
        #expect(CompletionCandidates.templateCompletion("file:///{+path}", word: "file:///etc") == .variable(start: "file:///", name: "path", typed: "etc"))
        #expect(CompletionCandidates.templateCompletion("db://{table}/rows", word: "db://or") == .none, "the variable is not last")
        #expect(CompletionCandidates.templateCompletion("fixture://items/{id}", word: "other://") == .none)
    }

    @Test func readOffersTheServersURIs() {
        let candidates = CompletionCandidates(servers: ["fx"], resources: { server, word in
            server == "fx" ? ["fixture://greeting", "fixture://items/"] : []
        })
        #expect(candidates.complete(word: "fixture://g", before: "/read fx ") == ["fixture://greeting"])
        #expect(candidates.complete(word: "", before: "/read fx ") == ["fixture://greeting", "fixture://items/"])
        #expect(candidates.complete(word: "f", before: "/read ") == ["fx"])
    }
}
