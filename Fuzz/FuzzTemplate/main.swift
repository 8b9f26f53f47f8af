import FuzzSupport
@testable import PromptTemplates

// The template loader and renderer on any text, as dotprompt and as Prompty: a template (then
// rendered with no variables) or one error naming the file, never a crash.
fuzz { input in
    let text = String(decoding: input, as: UTF8.self)
    for (file, read) in [("fuzz.prompt", DotpromptReader.read), ("fuzz.prompty", PromptyReader.read)] {
        do {
            let (template, _) = try read(text, file, "fuzz")
            _ = try? PromptRenderer(partials: [:]).render(template)
        } catch {
            let line = "\(error)"
            precondition(line.hasPrefix(file) && !line.contains("\n"), line)
        }
    }
}
