/// The engine's own texts, used when a service does not define them in its `texts:` block.
/// Only GSM 03.38 characters; `{{min}}`/`{{max}}` are the validator's limits.
enum DefaultTexts {
    static let texts: [String: [String: String]] = [
        "more": ["fr": "98. Suite", "en": "98. More"],
        "confirm": ["fr": "1. Confirmer\n2. Annuler", "en": "1. Confirm\n2. Cancel"],
        "invalid_choice": ["fr": "Choix invalide.", "en": "Invalid choice."],
        "invalid_digits": ["fr": "Saisie invalide.", "en": "Invalid entry."],
        "invalid_amount": [
            "fr": "Montant invalide (min {{min | money}}, max {{max | money}}).",
            "en": "Invalid amount (min {{min | money}}, max {{max | money}}).",
        ],
        "invalid_msisdn": ["fr": "Numero invalide.", "en": "Invalid number."],
        "invalid_pin": ["fr": "Le code secret a 4 chiffres.", "en": "The PIN has 4 digits."],
        "invalid_regex": ["fr": "Saisie invalide.", "en": "Invalid entry."],
        "too_many_errors": ["fr": "Trop d'erreurs. Merci et a bientot.", "en": "Too many errors. Goodbye."],
        "cancelled": ["fr": "Operation annulee.", "en": "Operation cancelled."],
        "technical_error": [
            "fr": "Service momentanement indisponible. Reessayez plus tard.",
            "en": "Service temporarily unavailable. Please try again later.",
        ],
    ]

    /// The engine text `key` in `language`, French when the language is not known.
    static func text(_ key: String, language: String) -> String {
        let entry = texts[key] ?? [:]
        return entry[language] ?? entry["fr"] ?? ""
    }
}
