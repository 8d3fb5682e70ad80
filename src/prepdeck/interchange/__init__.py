"""Banks and progress in and out of prepdeck: Anki ``.apkg``, CSV, JSON.

``anki_export`` (genanki) and ``anki_import`` (the package's SQLite collection, HTML turned
into markdown by ``html_markdown``), ``tabular`` (CSV and JSON banks), ``bank_page`` (imported
items written as one checked markdown page), ``progress`` (a user's progress as JSON; the
store reads and writes it), ``files`` (the same with files in memory, for the web: a bank as a
download, an uploaded bank as a page, an uploaded progress file). Import the module you need:
genanki is only loaded there.
"""
