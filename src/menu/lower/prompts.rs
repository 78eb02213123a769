//! Lowering of prompts and their clips (paths are checked lexically: no way out of `audio_dir`).

use super::*;

impl Cx<'_> {
    pub(super) fn prompts(&mut self, file: FileId, list: &S<Vec<S<RawPrompt>>>) -> Vec<Prompt> {
        list.value.iter().map(|p| self.prompt(file, p)).collect()
    }

    pub(super) fn clip(&mut self, file: FileId, a: &S<String>) -> Option<ClipRef> {
        let name = self.at(file, a);
        self.b.clip(&name)
    }

    pub(super) fn prompt_text(&mut self, file: FileId, whole: Span, t: &Option<S<String>>) -> String {
        match t {
            Some(t) => {
                let t = self.at(file, t);
                self.b.prompt_text(&t)
            }
            None => {
                self.push(
                    Diagnostic::new(Code::MissingField, whole, "prompt has no `text`")
                        .label("the caption and the words of the clip are needed")
                        .help("write `prompt: { text: \"...\", audio: clip.wav }`"),
                );
                String::new()
            }
        }
    }

    pub(super) fn prompt(&mut self, file: FileId, p: &S<RawPrompt>) -> Prompt {
        let span = self.span(file, &p.referenced);
        let text = self.prompt_text(file, span, &p.value.text);
        let audio = p.value.audio.as_ref().and_then(|a| self.clip(file, a));
        let mut translations = IndexMap::new();
        for (lang, t) in p.value.translations.iter().flat_map(|t| t.0.iter()) {
            let lspan = self.span(file, &lang.referenced);
            if !self.b.translation_language(&At::new(lang.value.clone(), lspan)) {
                continue;
            }
            if translations.contains_key(&lang.value) {
                self.push(
                    Diagnostic::new(
                        Code::InvalidValue,
                        lspan,
                        format!("translation `{}` is given twice", lang.value),
                    )
                    .label("repeated"),
                );
                continue;
            }
            let tspan = self.span(file, &t.referenced);
            let RawPromptText { text, audio } = &t.value;
            let text = self.prompt_text(file, tspan, text);
            let audio = audio.as_ref().and_then(|a| self.clip(file, a));
            translations.insert(lang.value.clone(), PromptText { text, audio });
        }
        let text_span = p.value.text.as_ref().map_or(span, |t| self.span(file, &t.referenced));
        Prompt {
            text,
            audio,
            translations,
            span,
            text_span,
        }
    }
}
