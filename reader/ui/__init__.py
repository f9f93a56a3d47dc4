"""The Textual app. Nothing in ``reader.core`` imports from here."""
