"""Notes on records: Markdown, sanitised, pinned first, with @mentions."""
