import FuzzSupport
import ModelClient

// The OpenAI stream assembler on any payloads: each line of the input is one `data:` payload,
// applied in order as `OpenAIChatClient` does: whatever they say, each is an event or an error, and
// the turn's text is the text the events handed out.
fuzz { input in
    var assembler = ModelStreamAssembler()
    var text = ""
    for line in input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
        switch try? assembler.apply(String(decoding: line, as: UTF8.self)) {
        case .text(let piece): text += piece
        case .done: precondition(assembler.isComplete, "[DONE] completes the stream")
        default: continue
        }
    }
    // The text the events handed out, piece by piece, is the turn's text.
    if case .text(let whole)? = assembler.turn().message.content {
        precondition(whole == text, "the turn's text is not the pieces streamed")
    } else {
        precondition(text.isEmpty, "text was streamed but the turn has none")
    }
}
