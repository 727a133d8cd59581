"""mamaflow: a guided self-care and triage chatbot for pregnancy, after birth and breastfeeding."""

__version__ = "0.1.0"
