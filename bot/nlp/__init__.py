"""Rule-based clinical extraction: free text to contract values (spaCy, no model)."""
from bot.nlp.extract import Finding, extract, extract_profile

__all__ = ["Finding", "extract", "extract_profile"]
