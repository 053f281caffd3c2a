"""Textual screens: they present data and call the plain modules; no domain logic here."""
