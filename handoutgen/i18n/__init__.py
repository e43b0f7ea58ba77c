"""Translations: content and templates -> the POT (``extract``), PO catalogs made, merged and
compiled (``workflow``), looked up at build time (``catalog``), measured (``stats``) and
checked (``checks``)."""
