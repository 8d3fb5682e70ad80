"""Readers and writers of question banks, one module per format."""
