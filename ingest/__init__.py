"""Ingestion: reports become cited, metadata-rich chunks in the store."""
