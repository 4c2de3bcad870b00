"""Text: Vietnamese strings and numbers (i18n), names (folding, prefixes, sorting, fuzzy), legacy fonts (TCVN3/VNI), periods. Imports nothing else of geo."""
