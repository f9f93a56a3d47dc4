"""Textual user interface. Only calls reader.core.service."""
