"""Review tools for clinicians and translators: preview site, translation state, sign-off."""
