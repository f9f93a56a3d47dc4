"""UI-free core: fetch, parse, extract, analyze, store, service."""
