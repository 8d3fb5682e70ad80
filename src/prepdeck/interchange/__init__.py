"""Banks and progress in and out of prepdeck: Anki ``.apkg``, CSV, JSON.

Each format lives in its own module (``anki_export``, ``anki_import``, ``tabular``,
``progress``); import the one you need, as genanki and friends are only loaded there.
"""
