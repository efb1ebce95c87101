"""Contract templates (DOCX) and the sandboxed renderer that fills them from program data."""
