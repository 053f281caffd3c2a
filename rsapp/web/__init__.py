"""What ``rsapp serve`` gives the browser besides the app: the page template (``templates/``)."""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"
