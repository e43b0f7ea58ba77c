"""Layout: a document's blocks, styles and locale rules -> ReportLab flowables and page
furniture (styles per locale, text and line rules per script, fonts and glyphs, images,
frames). Every block is handed to the structure layer (``handoutgen.pdf``) to be drawn."""
