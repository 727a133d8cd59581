"""The texts of the typed-answer path: their keys and English stand-ins (light: lint reads them)."""

# Every key the typed path needs, with the English stand-in used when a locale has no typed block.
STAND_INS = {
    "typed.said": "You said: {answer}",
    "typed.weeks_answer": "{weeks} weeks: {answer}",
    "typed.months_answer": "{months} months: {answer}",
    "typed.did_you_mean": "Did you mean this?",
    "typed.did_you_mean_many": "Did you mean one of these?",
    "typed.number_or_button": "Do you mean {weeks} weeks pregnant?",
    "typed.yes_weeks": "Yes, {weeks} weeks pregnant",
    "typed.no_button": "No, I meant: {answer}",
    "typed.months": "{months} months pregnant is about {low} to {high} weeks. Is this right?",
    "typed.after_birth": "You have had your baby. Which of these fits?",
    "typed.show_all": "Something else: show all answers",
    "typed.weeks_unclear": (
        "Sorry, I couldn't tell how many weeks pregnant you are. Type just the number of weeks, "
        "for example: 24. If your baby has been born, tap one of the 'Had my baby' buttons."
    ),
    "typed.signs_intro": "What you wrote may be a warning sign.",
    "typed.thanks": (
        "You're welcome. Take care. If anything changes or you are worried, get help, "
        "and you can come back here at any time."
    ),
    "typed.unsure_screen": (
        "If you are not sure, tap the sign that might fit: it is safer to check. "
        "Or call your midwife or maternity unit and ask."
    ),
}
TYPED_KEYS = tuple(STAND_INS)
