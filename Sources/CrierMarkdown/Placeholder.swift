/// Markdown rendering through cmark-gfm.
enum CrierMarkdownPlaceholder {}
