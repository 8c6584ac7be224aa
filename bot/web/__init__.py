"""The project's web app (Sanic + Jinja2): the patients' chat page and the embeddable widget."""
