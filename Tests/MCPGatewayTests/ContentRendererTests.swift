import Foundation
import MCP
@testable import MCPGateway
import Testing

/// One renderer for people and for the model: every content kind, both modes.
@Suite("Content renderer")
struct ContentRendererTests {
    let png = "iVBORw0KGgo="   // 8 bytes
    let wav = "UklGRg=="       // 4 bytes

    func text(_ text: String) -> Tool.Content { .text(text: text, annotations: nil, _meta: nil) }

    var everyKind: [Tool.Content] {
        [
            text("hello"),
            .image(data: png, mimeType: "image/png", annotations: nil, _meta: nil),
            .audio(data: wav, mimeType: "audio/wav", annotations: nil, _meta: nil),
            .resource(resource: .text("inside", uri: "fixture://g", mimeType: "text/plain"), annotations: nil, _meta: nil),
            .resource(resource: .binary(Data([1, 2, 3]), uri: "fixture://b", mimeType: "application/octet-stream"), annotations: nil, _meta: nil),
            .resourceLink(uri: "fixture://greeting", name: "greeting", description: "A greeting.", mimeType: "text/plain"),
        ]
    }

    @Test func aPersonSeesEveryKindDescribed() {
        let rendered = ContentRenderer.person.render(everyKind)
        #expect(rendered.text == """
            hello
            [image: image/png, 8 bytes]
            [audio: audio/wav, 4 bytes]
            inside
            [resource fixture://b, application/octet-stream: 3 bytes]
            [resource link: fixture://greeting (greeting), text/plain: A greeting.]
            """)
        #expect(rendered.images.isEmpty)
        #expect(!rendered.truncated)
    }

    @Test func aModelWithoutVisionIsToldWhatItCannotSee() {
        let rendered = ContentRenderer.model().render(everyKind)
        #expect(rendered.text == """
            hello
            [image: image/png, 8 bytes; this model cannot view images]
            [audio: audio/wav, 4 bytes; not playable here]
            [resource fixture://g, text/plain]
            inside
            [resource fixture://b, application/octet-stream: 3 bytes, not shown]
            [resource link: fixture://greeting (greeting), text/plain: A greeting.]
            """)
        #expect(rendered.images.isEmpty)
    }

    @Test func aVisionModelGetsImagesNumberedInTheText() {
        let result = CallTool.Result(content: [
            .image(data: png, mimeType: "image/png", annotations: nil, _meta: nil),
            .resource(resource: .binary(Data([1, 2, 3]), uri: "file:///a.jpg", mimeType: "image/jpeg"), annotations: nil, _meta: nil),
        ])
        let rendered = ContentRenderer.model(images: true).render(result)
        #expect(rendered.text == "[image 1: image/png, 8 bytes, attached below]\n[resource file:///a.jpg, image/jpeg: image 2, 3 bytes, attached below]")
        #expect(rendered.images == [RenderedImage(mimeType: "image/png", base64: png), RenderedImage(mimeType: "image/jpeg", base64: "AQID")])
        #expect(rendered.images[1].dataURL == "data:image/jpeg;base64,AQID")
        // A person is never handed images.
        #expect(ContentRenderer.person.render(result).images.isEmpty)
    }

    /// Structured content shows once: for a person only when there is no text (what scripts
    /// reading `lmg call` have always seen), for the model unless a text part restates it.
    @Test func structuredContentIsShownOnceInBothModes() throws {
        for renderer in [ContentRenderer.person, .model()] {
            let alone = renderer.render(CallTool.Result(content: [], structuredContent: ["t": 21, "a": "b/c"]))
            #expect(alone.text == #"{"a":"b/c","t":21}"#)
            let restated = try renderer.render(CallTool.Result(content: [text(#"{"t": 21}"#)], structuredContent: ["t": 21]))
            #expect(restated.text == #"{"t": 21}"#)
            let wrapped = try renderer.render(CallTool.Result(content: [text("42")], structuredContent: ["result": 42]))
            #expect(wrapped.text == "42")
            let other = try renderer.render(CallTool.Result(content: [text("sunny")], structuredContent: ["t": 21]))
            #expect(other.text == (renderer.mode == .person ? "sunny" : "sunny\n{\"t\":21}"))
        }
    }

    @Test func onlyTheModelIsToldOfErrorsEmptinessAndCuts() {
        let failed = CallTool.Result(content: [text("nope")], isError: true)
        #expect(ContentRenderer.model().render(failed).text == "Tool error: nope")
        #expect(ContentRenderer.person.render(failed).text == "nope")
        #expect(ContentRenderer.model().render(CallTool.Result(content: [])).text == "(the tool returned no content)")
        #expect(ContentRenderer.person.render(CallTool.Result(content: [])).text == "")
        let long = CallTool.Result(content: [text(String(repeating: "x", count: 1000))])
        let cut = ContentRenderer.model(characterLimit: 300).render(long)
        #expect(cut.truncated)
        #expect(cut.text == String(repeating: "x", count: 300) + "\n[result truncated: 300 of 1000 characters shown]")
        #expect(ContentRenderer.person.render(long).text.count == 1000)
        #expect(!ContentRenderer.model(characterLimit: 1000).render(long).truncated)
    }

    @Test func resourceContentsNameTheirServerToTheModel() {
        let contents: [Resource.Content] = [
            .text("hello", uri: "fixture://g", mimeType: "text/plain"),
            .binary(Data(repeating: 0, count: 256), uri: "fixture://blob", mimeType: "application/octet-stream"),
        ]
        #expect(ContentRenderer.person.render(contents).text == "hello\n[resource fixture://blob, application/octet-stream: 256 bytes]")
        #expect(ContentRenderer.model().render(contents, from: "fx").text == """
            [resource fixture://g from server 'fx', text/plain]
            hello
            [resource fixture://blob from server 'fx', application/octet-stream: 256 bytes, not shown]
            """)
        #expect(ContentRenderer.model().render([], from: "fx").text == "[resources from server 'fx': empty]")
        #expect(ContentRenderer.person.render([Resource.Content]()).text == "")
    }

    @Test func promptMessagesRenderLikeToolContent() {
        let kinds: [Prompt.Message.Content] = [
            .text(text: "review this"),
            .image(data: png, mimeType: "image/png"),
            .audio(data: wav, mimeType: "audio/wav"),
            .resource(resource: .text("print(1)", uri: "file:///a.py")),
            .resourceLink(uri: "file:///b.py", name: "b.py"),
        ]
        #expect(kinds.map { ContentRenderer.person.render($0).text } == [
            "review this", "[image: image/png, 8 bytes]", "[audio: audio/wav, 4 bytes]", "print(1)", "[resource link: file:///b.py (b.py)]",
        ])
        let image = ContentRenderer.model(images: true).render(kinds[1])
        #expect(image.text == "[image 1: image/png, 8 bytes, attached below]")
        #expect(image.images.count == 1)
        #expect(ContentRenderer.model().render(kinds[3]).text == "[resource file:///a.py]\nprint(1)")
        // A link without a name shows no empty parentheses.
        #expect(ContentRenderer.person.render(Tool.Content.resourceLink(uri: "file:///c", name: "")).text == "[resource link: file:///c]")
    }
}
