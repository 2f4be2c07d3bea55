"""Prompt templates, one Markdown file per prompt, loaded by name (assistant.prompting)."""
