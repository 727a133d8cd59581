"""Reading what people type: normalisation, numbers and weeks, fuzzy matching, warning signs."""
