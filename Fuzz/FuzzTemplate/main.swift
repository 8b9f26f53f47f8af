import FuzzSupport
import PromptTemplates

// The template loader and renderer on any text, as dotprompt and as Prompty: a template (then
// rendered with no variables) or one error naming the file, never a crash.
let renderer = PromptRenderer(partials: [:])
fuzz { input in
    let text = String(decoding: input, as: UTF8.self)
    for file in ["fuzz.prompt", "fuzz.prompty"] {
        do {
            let (template, _) = try PromptLibrary.parse(text, file: file)
            _ = try? renderer.render(template)
        } catch {
            let line = "\(error)"
            precondition(line.hasPrefix(file) && !line.contains("\n"), line)
        }
    }
}
